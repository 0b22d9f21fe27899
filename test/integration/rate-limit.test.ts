// Meteor 3's DDPRateLimiter over a real socket (test/support/rateLimitServer.ts answers exactly as Meteor does):
// the library reports a typed rate limit for methods and subscriptions, and validates the server's `details`.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { isRateLimited, type DdpError } from '../../src/ddp';
import { connectToScript } from '../support/clients';
import { RateLimitServer } from '../support/rateLimitServer';

describe('rate limiting (too-many-requests)', () => {
  const server = new RateLimitServer({ numRequests: 2, intervalMs: 5000 });
  before(() => server.start());
  after(() => server.stop());

  test('a method over the limit rejects with a typed rate limit and the wait the server gave', async (t) => {
    server.rule = { numRequests: 2, intervalMs: 5000 };
    const { c } = await connectToScript(t, server);
    assert.equal(await c.call('math.add', [2, 3]), 5);
    assert.equal(await c.call('math.add', [2, 3]), 5);
    const error = await c.call('math.add', [2, 3]).then(
      () => assert.fail('the third call should be refused'),
      (e: unknown) => e,
    );
    assert.ok(isRateLimited(error), String(error));
    assert.equal(error.error, 'too-many-requests');
    assert.match(String(error.reason), /You must wait [1-5] seconds before trying again\./);
    const wait = error.rateLimit.retryAfterMs;
    assert.ok(wait !== undefined && wait > 0 && wait <= 5000, `retryAfterMs ${wait}`);
  });

  test('a subscription over the limit ends with a typed rate limit (nosub)', async (t) => {
    server.rule = { numRequests: 1, intervalMs: 5000 };
    const { c } = await connectToScript(t, server);
    const first = await new Promise<Error | undefined>((resolve) => c.subscribe('feed', [], resolve));
    assert.equal(first, undefined);
    const second = await new Promise<Error | undefined>((resolve) => c.subscribe('feed', [], resolve));
    assert.ok(isRateLimited(second), String(second));
    assert.ok((second.rateLimit.retryAfterMs ?? 0) > 0);
    const id = [...c.subscriptions.values()].find((s) => s.state === 'error')?.id;
    assert.ok(id, 'the refused subscription is listed with its error');
  });

  test('after waiting the time the server gave, the same call goes through', async (t) => {
    server.rule = { numRequests: 1, intervalMs: 300 };
    const { c } = await connectToScript(t, server);
    await c.call('echo', []);
    const error = (await c.call('echo', []).catch((e: unknown) => e)) as DdpError;
    assert.ok(isRateLimited(error));
    await new Promise((resolve) => setTimeout(resolve, error.rateLimit?.retryAfterMs ?? 0));
    assert.equal(await c.call('echo', []), null);
  });

  test('odd details (missing, negative, huge, not a number) are still a rate limit, with a bounded or unknown wait', async (t) => {
    const cases: Array<[unknown, number | undefined]> = [
      [undefined, undefined],
      [{ timeToReset: -20 }, undefined],
      [{ timeToReset: 'soon' }, undefined],
      [{ timeToReset: 1e300 }, 24 * 60 * 60 * 1000],
      [[1, 2], undefined],
    ];
    for (const [details, expected] of cases) {
      server.rule = { numRequests: 0, intervalMs: 5000, details: () => details };
      const { c } = await connectToScript(t, server);
      const error = await c.call('x', []).catch((e: unknown) => e);
      assert.ok(isRateLimited(error), JSON.stringify(details));
      assert.equal(error.rateLimit.retryAfterMs, expected, JSON.stringify(details));
      c.close();
    }
  });
});
