// Subscriptions across clients (src/core/sessionSubscriptions.ts): what Disconnect carries, what a first connect
// makes, what the user dismissed.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { SubscriptionInfo } from '../../src/ddp';
import { SubscriptionCarry, firstConnectSpecs, liveSpecs } from '../../src/core/sessionSubscriptions';

const info = (id: string, name: string, state: SubscriptionInfo['state'], params: unknown[] = []) =>
  ({ id, name, state, params }) as SubscriptionInfo;

describe('subscription carry-over (sessionSubscriptions.ts)', () => {
  test('only pending and ready subscriptions are made again', () => {
    const specs = liveSpecs([
      info('1', 'a', 'pending'),
      info('2', 'b', 'ready', [1]),
      info('3', 'c', 'stopped'),
      info('4', 'd', 'error'),
    ]);
    assert.deepEqual(specs, [
      { name: 'a', params: [] },
      { name: 'b', params: [1] },
    ]);
  });

  test("a first connect makes the connection's own subscriptions, then the carried ones, each once", () => {
    const specs = firstConnectSpecs(
      [
        { name: 'tasks', params: [] },
        { name: 'me', params: [] },
      ],
      [
        { name: 'tasks', params: [] },
        { name: 'tasks', params: ['open'] },
        { name: 'me', params: [] },
      ],
    );
    assert.deepEqual(specs, [
      { name: 'tasks', params: [] },
      { name: 'me', params: [] },
      { name: 'tasks', params: ['open'] },
    ]);
  });

  test('kept subscriptions are listed with carried ids, handed over once, and can be dropped by id', () => {
    const carry = new SubscriptionCarry();
    carry.keep([
      { name: 'a', params: [] },
      { name: 'b', params: [2] },
      { name: 'c', params: [] },
    ]);
    assert.deepEqual(
      carry.list().map((c) => c.id),
      ['carried:0', 'carried:1', 'carried:2'],
    );
    assert.ok(carry.isCarriedId('carried:1'));
    assert.ok(!carry.isCarriedId('carried:x'));
    assert.ok(!carry.isCarriedId('abc'));
    carry.drop('carried:1');
    carry.drop('carried:-1');
    assert.deepEqual(
      carry.list().map((c) => c.name),
      ['a', 'c'],
    );
    assert.deepEqual(
      carry.take().map((c) => c.name),
      ['a', 'c'],
    );
    assert.deepEqual(carry.take(), [], 'handed over once');
  });

  test('dismissed rows stay hidden until a new client', () => {
    const carry = new SubscriptionCarry();
    carry.hide('s1');
    assert.ok(carry.isHidden('s1'));
    assert.ok(!carry.isHidden('s2'));
    carry.clearHidden();
    assert.ok(!carry.isHidden('s1'));
  });
});
