// The masker's quick test (mayHoldSecretFields): it lets ordinary frames skip the masking, so it must never say
// "no" to a text that masking would change. Checked against the full masking on generated JSON texts whose keys are
// built from the secret words in every case, with separators inside, escapes and the Kelvin sign.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { maskSecrets } from '../../src/ddp';
import { mayHoldSecretFields, maskSecretFields } from '../../src/core/secretKeys';
import { SecretMasker } from '../../src/presentation/masker';

const fullMask = (text: string) => maskSecretFields(maskSecrets(text));

const WORDS = ['password', 'passwd', 'passphrase', 'secret', 'token', 'apikey', 'privatekey', 'credential'];
const MORE = ['digest', 'resume', 'srp', 'hashedToken', 'newPassword', 'oldPassword', 'api_key', 'name', 'msg', 'id'];
const SEPARATORS = ['-', '_', ' ', '.', '\u00a0', '\u2028', '\ufeff', ''];

/** A key near a secret word: random case, separators between letters, sometimes a Kelvin sign for a "k". */
const keyArb = fc
  .tuple(
    fc.constantFrom(...WORDS, ...MORE),
    fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
    fc.array(fc.constantFrom(...SEPARATORS, '', '', ''), { minLength: 20, maxLength: 20 }),
    fc.boolean(),
    fc.constantFrom('', 'x', 'user', '\\u0070', 'é'),
  )
  .map(([word, upper, seps, kelvin, prefix]) => {
    const letters = [...word].map((ch, i) => {
      const c = kelvin && ch.toLowerCase() === 'k' ? '\u212a' : upper[i] ? ch.toUpperCase() : ch.toLowerCase();
      return i < word.length - 1 ? c + seps[i] : c;
    });
    return prefix + letters.join('');
  });

const valueArb = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.constant(null));

const textArb = fc
  .array(fc.tuple(fc.oneof(keyArb, fc.string({ maxLength: 10 })), valueArb), { minLength: 1, maxLength: 6 })
  .map((pairs) => {
    const body = pairs.map(([k, v]) => `${JSON.stringify(k).replace(/\\u00a0/g, '\u00a0')}:${JSON.stringify(v)}`);
    return `{"msg":"method","params":[{${body.join(',')}}]}`;
  });

describe('the masker skips masking only where it would change nothing', () => {
  it('never says "no secret" for a text that masking changes (generated keys)', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        if (fullMask(text) !== text) assert.ok(mayHoldSecretFields(text), text);
        assert.equal(new SecretMasker().mask(text), fullMask(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('catches separators, case, escapes and the Kelvin sign in keys the log masks', () => {
    for (const key of ['p.a-s s_word', 'APIKEY', 'api\u212aey', 'Private-Key', 'x_secret', 'hashedToken', 'srp']) {
      const text = JSON.stringify({ [key]: 'hunter22' });
      assert.notEqual(fullMask(text), text, `${key} is masked by the log`);
      assert.ok(mayHoldSecretFields(text), key);
    }
  });

  it('lets ordinary bulk frames through without masking', () => {
    const added = JSON.stringify({
      msg: 'added',
      collection: 'docs',
      id: 'd1',
      fields: { name: 'Item 1', email: 'user1@example.com', note: 'lorem ipsum dolor sit amet' },
    });
    assert.equal(mayHoldSecretFields(added), false);
    assert.equal(new SecretMasker().mask(added), added);
  });

  it('still masks registered secret values in texts without secret keys', () => {
    const m = new SecretMasker();
    m.add('abcdef123456');
    assert.equal(m.mask('{"msg":"added","fields":{"x":"abcdef123456"}}'), '{"msg":"added","fields":{"x":"***"}}');
  });
});
