// Unit tests of the DDP library: masking secrets in frames (src/ddp/mask.ts).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { maskSecrets } from '../../src/ddp';

describe('ddp maskSecrets', () => {
  test('masks digests, passwords and resume tokens', () => {
    const frame = JSON.stringify({
      msg: 'method',
      method: 'login',
      params: [{ user: { username: 'alice' }, password: { digest: 'abc123', algorithm: 'sha-256' } }],
    });
    const masked = maskSecrets(frame);
    assert.ok(!masked.includes('abc123'));
    assert.ok(masked.includes('alice'));
    assert.ok(!maskSecrets('{"msg":"method","params":[{"resume":"tok-xyz"}]}').includes('tok-xyz'));
    assert.ok(!maskSecrets('{"result":{"id":"u","token":"tok-abc"}}').includes('tok-abc'));
  });
});
