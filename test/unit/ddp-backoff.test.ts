// Unit tests of the DDP library: reconnect backoff (src/ddp/backoff.ts).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from '../../src/ddp/backoff';

describe('ddp backoff', () => {
  const opts = { initial: 500, max: 30000 };
  test('first delay is the initial one, +-25%', () => {
    assert.equal(
      backoffDelay(1, opts, () => 0),
      375,
    );
    assert.equal(
      backoffDelay(1, opts, () => 0.5),
      500,
    );
    assert.equal(
      backoffDelay(1, opts, () => 0.999999),
      625,
    );
  });
  test('grows x2 per attempt', () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => backoffDelay(n, opts, () => 0.5)),
      [500, 1000, 2000, 4000],
    );
  });
  test('capped at max, whatever the jitter and attempt', () => {
    for (const r of [0, 0.5, 0.9999])
      for (const n of [7, 8, 20, 100, 2000]) assert.ok(backoffDelay(n, opts, () => r) <= 30000);
    assert.equal(
      backoffDelay(100, opts, () => 0.5),
      30000,
    );
    assert.ok(Number.isFinite(backoffDelay(5000, opts, () => 0.5)));
  });
  test('jitter spreads delays with Math.random by default', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 50; i++) seen.add(backoffDelay(3, opts));
    assert.ok(seen.size > 5);
    for (const d of seen) assert.ok(d >= 1500 && d <= 2500);
  });
});
