// Unit tests of the DDP library: Meteor's DDPRateLimiter answers read as a typed rate limit (src/ddp/errors.ts).
// The details come from the server: every shape that is not a usable wait must give "unknown", never a bogus number.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DdpConnectionError, DdpError, isRateLimited } from '../../src/ddp';

const reason = 'Error, too many requests. Please slow down. You must wait 3 seconds before trying again.';

function limited(details: unknown): DdpError {
  return new DdpError({ error: 'too-many-requests', reason, details, errorType: 'Meteor.Error' });
}

describe('rate-limited answers (too-many-requests)', () => {
  test("Meteor 3's answer gives the wait in ms", () => {
    const e = limited({ timeToReset: 2996 });
    assert.ok(isRateLimited(e));
    assert.deepEqual(e.rateLimit, { retryAfterMs: 2996 });
    assert.equal(e.reason, reason);
    assert.deepEqual(e.details, { timeToReset: 2996 });
  });

  test('a fractional wait rounds up to whole ms; zero stays zero', () => {
    assert.equal(limited({ timeToReset: 0.2 }).rateLimit?.retryAfterMs, 1);
    assert.equal(limited({ timeToReset: 0 }).rateLimit?.retryAfterMs, 0);
  });

  test('missing, negative, non-number or non-finite waits are unknown, but still rate limited', () => {
    for (const details of [
      undefined,
      null,
      'soon',
      [],
      [3000],
      {},
      { timeToReset: -1 },
      { timeToReset: '3000' },
      { timeToReset: null },
      { timeToReset: { $date: 0 } },
      { timeToReset: Number.NaN },
      { timeToReset: Number.POSITIVE_INFINITY },
    ]) {
      const e = limited(details);
      assert.ok(isRateLimited(e), JSON.stringify(details));
      assert.equal(e.rateLimit.retryAfterMs, undefined, JSON.stringify(details));
    }
  });

  test('a huge wait is capped at a day', () => {
    assert.equal(limited({ timeToReset: 1e15 }).rateLimit?.retryAfterMs, 24 * 60 * 60 * 1000);
  });

  test('other errors are not rate limits', () => {
    assert.equal(isRateLimited(new DdpError({ error: 429, details: { timeToReset: 1000 } })), false);
    assert.equal(isRateLimited(new DdpError({ error: 'too-many', details: { timeToReset: 1000 } })), false);
    assert.equal(new DdpError({ error: 403 }).rateLimit, undefined);
    assert.equal(isRateLimited(new DdpConnectionError('TIMEOUT', 'late')), false);
    assert.equal(isRateLimited(undefined), false);
    assert.equal(isRateLimited({ error: 'too-many-requests', rateLimit: { retryAfterMs: 1 } }), false);
  });

  test('a copy of the library (no instanceof) is recognised by shape', () => {
    const foreign = Object.assign(new Error('x'), {
      name: 'DdpError',
      kind: 'server',
      error: 'too-many-requests',
      rateLimit: { retryAfterMs: 5 },
    });
    assert.ok(isRateLimited(foreign));
  });
});
