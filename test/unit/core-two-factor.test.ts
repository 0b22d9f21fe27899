// Rocket.Chat's two-factor convention (src/core/twoFactor.ts) and the masking of its codes (src/ddp/mask.ts,
// src/core/secretKeys.ts). No socket: the retries against a server are in test/integration/rocketchat-streams.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DdpError, maskSecrets } from '../../src/ddp';
import { isSecretKey, maskSecretFields } from '../../src/core/secretKeys';
import {
  paramsWithTwoFactor,
  twoFactorPrompt,
  twoFactorRequest,
  withTwoFactor,
  TWO_FACTOR_CANCELLED,
} from '../../src/core/twoFactor';

const required = (details?: unknown) =>
  new DdpError({ error: 'totp-required', reason: 'TOTP Required', details, errorType: 'Meteor.Error' });

describe('two-factor convention', () => {
  test('totp-required is a request for the method in its details (totp when it names none)', () => {
    assert.deepEqual(twoFactorRequest(required({ method: 'email', codeGenerated: true })), {
      method: 'email',
      codeGenerated: true,
    });
    assert.deepEqual(twoFactorRequest(required()), { method: 'totp', codeGenerated: false });
    assert.equal(twoFactorRequest(new DdpError({ error: 'totp-invalid', reason: 'TOTP Invalid' })), undefined);
    assert.equal(twoFactorRequest(new Error('totp-required')), undefined);
  });

  test('a guarded call gets {twoFactorCode, twoFactorMethod} as its last argument', () => {
    assert.deepEqual(paramsWithTwoFactor([1, { a: 2 }], { code: '123456', method: 'totp' }), [
      1,
      { a: 2 },
      { twoFactorCode: '123456', twoFactorMethod: 'totp' },
    ]);
  });

  test('the prompt says where the code comes from', () => {
    assert.match(twoFactorPrompt({ method: 'totp', codeGenerated: false }), /authenticator app/);
    assert.match(twoFactorPrompt({ method: 'email', codeGenerated: true }), /just sent one to your e-mail/);
    assert.match(twoFactorPrompt({ method: 'password', codeGenerated: false }), /password/);
  });

  test('withTwoFactor: asks once, retries with the code; a cancel sends nothing more; other errors pass', async () => {
    const tries: unknown[] = [];
    const result = await withTwoFactor(
      (tf) => {
        tries.push(tf);
        return tf ? Promise.resolve('ok') : Promise.reject(required({ method: 'totp' }));
      },
      () => Promise.resolve('111222'),
    );
    assert.equal(result, 'ok');
    assert.deepEqual(tries, [undefined, { code: '111222', method: 'totp' }]);
    let calls = 0;
    const cancelled = await withTwoFactor(
      () => {
        calls++;
        return Promise.reject(required());
      },
      () => Promise.resolve(undefined),
    );
    assert.equal(cancelled, TWO_FACTOR_CANCELLED);
    assert.equal(calls, 1);
    const other = new DdpError({ error: 'not-allowed', reason: 'nope' });
    await assert.rejects(
      withTwoFactor(
        () => Promise.reject(other),
        () => assert.fail('not a two-factor request'),
      ),
      (e) => e === other,
    );
  });
});

describe('two-factor codes are secrets', () => {
  test('twoFactorCode, and code inside totp, are masked in frames and log lines; other codes are not', () => {
    assert.equal(isSecretKey('twoFactorCode'), true);
    const call =
      '{"msg":"method","method":"saveUserProfile","params":[{},{"twoFactorCode":"123456","twoFactorMethod":"totp"}]}';
    assert.doesNotMatch(maskSecrets(call), /123456/);
    assert.doesNotMatch(maskSecretFields(call), /123456/);
    const login =
      '{"msg":"method","method":"login","params":[{"totp":{"login":{"user":{"username":"a"},"password":{"digest":"d","algorithm":"sha-256"}},"code":"654321"}}]}';
    assert.doesNotMatch(maskSecrets(login), /654321/);
    assert.match(maskSecrets(login), /"code":"\*\*\*"/);
    assert.match(maskSecrets('{"totp":{"code":"999888","login":{}}}'), /"code":"\*\*\*"/);
    // A truncated frame still hides the code.
    assert.doesNotMatch(maskSecrets(login.slice(0, login.indexOf('654321') + 3)), /654/);
    const error = '{"msg":"result","id":"1","error":{"error":"x","code":"E42"}}';
    assert.equal(maskSecrets(error), error);
  });
});
