// Unit tests of the DDP library: the error classes (src/ddp/errors.ts).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DdpError, DdpConnectionError } from '../../src/ddp';

describe('ddp errors', () => {
  test('DdpError carries the server error object', () => {
    const e = new DdpError({ error: 404, reason: 'Not found', details: { a: 1 } });
    assert.ok(e instanceof Error);
    assert.equal(e.error, 404);
    assert.equal(e.reason, 'Not found');
    assert.deepEqual(e.details, { a: 1 });
    assert.match(e.message, /Not found/);
    assert.ok(new DdpConnectionError('CONNECTION_LOST', 'lost') instanceof Error);
  });
});
