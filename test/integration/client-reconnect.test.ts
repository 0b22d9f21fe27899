import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startRealServer } from '../support/realServer';
import { startScriptServer } from '../support/scriptServer';
import { waitForEvent, waitUntil, record, recordAll, expectNoEvent, settle } from '../support/wait';
import { newClient, refusedPort, trapUnhandled } from '../support/clients';

const T = { timeout: 5000 };

function subscribeReady(c: any, name: string, params: unknown[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const id: string = c.subscribe(name, params, (err?: Error) => (err ? reject(err) : resolve(id)));
  });
}

describe('client-reconnect: backoff', () => {
  test('connection refused: retried with growing delays up to the cap, reported via socket_closed', T, async (t) => {
    const unhandled = trapUnhandled(t);
    const port = await refusedPort();
    const initial = 20;
    const max = 120;
    const c = newClient(t, `127.0.0.1:${port}`, { autoReconnectTimeout: initial, maxReconnectTimeout: max });
    const reconnecting = record(c, 'reconnecting');
    const connecting = record(c, 'connecting');
    const closed = record(c, 'socket_closed');
    const p = c.connect();
    p.catch(() => {});
    await reconnecting.waitCount(7, 4000);
    const infos = reconnecting.events.map((e) => e[0]);
    assert.deepEqual(
      infos.map((i) => i.attempt),
      infos.map((_, k) => k + 1),
      'attempts count 1, 2, 3, ...',
    );
    for (const i of infos) {
      assert.ok(i.delay <= max + 1, `delay ${i.delay} above the cap ${max}`);
      assert.ok(i.delay > 0);
      assert.ok(Math.abs(i.at - Date.now()) < 5000, '`at` is an epoch time');
    }
    infos.forEach((i, k) => {
      const expected = reconnecting.times[k] + i.delay;
      assert.ok(Math.abs(i.at - expected) < 50, `attempt ${i.attempt}: at ${i.at}, expected about ${expected}`);
    });
    // First delay: initial +-25%.
    assert.ok(
      infos[0].delay >= initial * 0.75 - 1 && infos[0].delay <= initial * 1.25 + 1,
      `first delay ${infos[0].delay}`,
    );
    // About x2 per attempt: attempt 3 is at least 4 * 0.75 / 1.25 = 2.4 times attempt 1.
    assert.ok(infos[2].delay >= infos[0].delay * 2.3, `no growth: ${infos.map((i) => i.delay)}`);
    assert.ok(infos[1].delay >= initial * 2 * 0.75 - 1, `second delay ${infos[1].delay}`);
    // Once the uncapped base is far above the cap, delays sit at (or just under, with jitter) the cap.
    for (const i of infos.slice(5)) assert.ok(i.delay >= max * 0.75 - 1, `late delay ${i.delay} far below the cap`);
    // The delays are real: each new socket opens no earlier than the delay announced before it.
    for (let k = 0; k < 5; k++) {
      const announced = reconnecting.times[k];
      const opened = connecting.times[k + 1];
      assert.ok(opened !== undefined);
      assert.ok(
        opened - announced >= infos[k].delay - 3,
        `attempt ${k + 1} opened after ${opened - announced} ms, announced ${infos[k].delay}`,
      );
    }
    assert.ok(closed.events.length >= 7, 'every refused socket reported through socket_closed');
    assert.equal(c.status, 'reconnecting');
    assert.ok(c.nextReconnect, 'nextReconnect set while reconnecting');
    assert.deepEqual(unhandled, []);
  });

  test('backoff resets after a successful connect', T, async (t) => {
    const server = await startRealServer();
    t.after(() => server.close());
    await server.stop();
    const c = newClient(t, server.url, { autoReconnectTimeout: 20, maxReconnectTimeout: 2000 });
    const reconnecting = record(c, 'reconnecting');
    const p = c.connect();
    p.catch(() => {});
    await reconnecting.waitCount(4, 3000);
    await server.start();
    await p;
    const before = reconnecting.events.length;
    server.dropConnections();
    await reconnecting.waitCount(before + 1, 2000);
    const info = reconnecting.events[before][0];
    assert.equal(info.attempt, 1);
    assert.ok(info.delay <= 20 * 1.25 + 1, `delay ${info.delay} not reset`);
    await waitForEvent(c, 'connected', { timeout: 2000 });
  });

  test('reconnectNow() skips the backoff wait', T, async (t) => {
    const server = await startRealServer();
    t.after(() => server.close());
    const c = newClient(t, server.url, { autoReconnectTimeout: 3000, maxReconnectTimeout: 3000 });
    await c.connect();
    const scheduled = waitForEvent(c, 'reconnecting');
    server.dropConnections();
    const [info] = await scheduled;
    assert.ok(info.delay >= 2000);
    assert.equal(c.status, 'reconnecting');
    const start = Date.now();
    c.reconnectNow();
    await waitForEvent(c, 'connected', { timeout: 1500 });
    assert.ok(Date.now() - start < 1500);
  });
});

describe('client-reconnect: after reconnecting', () => {
  test('connected then reconnected events, and a new session', T, async (t) => {
    const server = await startRealServer();
    t.after(() => server.close());
    const c = newClient(t, server.url);
    await c.connect();
    const firstSession = c.session;
    const statuses = record(c, 'status');
    const reconnected = waitForEvent(c, 'reconnected');
    const closed = waitForEvent(c, 'socket_closed');
    server.dropConnections();
    const [code] = await closed;
    assert.equal(typeof code, 'number');
    await reconnected;
    assert.equal(c.status, 'connected');
    assert.notEqual(c.session, firstSession);
    assert.equal(statuses.events[0][0], 'reconnecting');
    assert.equal(statuses.events.at(-1)![0], 'connected');
  });

  test('resubscribes every live subscription with the same id, name and params', T, async (t) => {
    const server = await startRealServer();
    t.after(() => server.close());
    const c = newClient(t, server.url);
    await c.connect();
    const params = ['x', 1, { deep: [true, null] }];
    const a = await subscribeReady(c, 'params', params);
    const b = await subscribeReady(c, 'empty');
    const pending = c.subscribe('pending', []);
    const gone = await subscribeReady(c, 'params', ['gone']);
    c.unsubscribe(gone);
    await waitForEvent(c, 'nosub', { filter: (id: string) => id === gone });
    const firstConn = server.connectionCount - 1;
    server.dropConnections();
    await waitForEvent(c, 'reconnected', { timeout: 2000 });
    const subs = () => server.received.filter((m) => m.connection > firstConn && m.msg.msg === 'sub').map((m) => m.msg);
    await waitUntil(() => subs().length >= 3, 2000, { message: 'three subs resent' });
    const resent = subs();
    const byId = new Map(resent.map((m) => [m.id, m]));
    assert.deepEqual(byId.get(a), { msg: 'sub', id: a, name: 'params', params });
    assert.deepEqual(byId.get(b)?.name, 'empty');
    assert.deepEqual(byId.get(b)?.params ?? [], []);
    assert.equal(byId.get(pending)?.name, 'pending', 'a not-yet-ready subscription is resent too');
    assert.ok(!byId.has(gone), 'a stopped subscription is not resent');
    assert.equal(resent.length, 3);
    assert.equal(c.subscriptions.get(a)?.state, 'ready');
  });

  test(
    'reconcile: no added for unchanged docs, changed for differing, removed for vanished, added for new',
    T,
    async (t) => {
      const server = await startRealServer();
      t.after(() => server.close());
      server.store.set('items', 'same', { n: 1, when: new Date(1000) });
      server.store.set('items', 'diff', { n: 2, keep: 'k', drop: 'x' });
      server.store.set('items', 'gone', { n: 3 });
      server.store.set('other', 'o1', { v: 1 });
      const c = newClient(t, server.url);
      await c.connect();
      await subscribeReady(c, 'docs', ['items']);
      await subscribeReady(c, 'docs', ['other']);
      const itemsMap = c.collections.get('items')!;
      assert.equal(itemsMap.size, 3);

      await server.stop();
      server.store.set('items', 'diff', { n: 20, keep: 'k', added: true });
      server.store.remove('items', 'gone');
      server.store.set('items', 'new', { n: 4 });
      const log = recordAll(c, ['added', 'changed', 'removed', 'ready', 'reconnected']);
      let seenAtReconnected: string[] | undefined;
      c.once('reconnected', () => {
        seenAtReconnected = [...(c.collections.get('items')?.keys() ?? [])].sort();
      });
      await server.start();
      await waitForEvent(c, 'ready', { timeout: 3000 });
      // Both resubscriptions must be ready before the diff is applied; wait for the data to settle.
      await waitUntil(() => c.collections.get('items')?.has('new'), 2000);

      assert.deepEqual(
        seenAtReconnected,
        ['diff', 'gone', 'same'],
        'old documents kept until the subscriptions are ready',
      );
      const data = log.log.filter((e) => e[0] !== 'ready' && e[0] !== 'reconnected');
      const about = (id: string) => data.filter((e) => e[2] === id);
      assert.deepEqual(about('same'), [], 'no event at all for an unchanged document');
      assert.deepEqual(about('o1'), [], 'no event for an unchanged document of another collection');
      assert.deepEqual(about('gone'), [['removed', 'items', 'gone']]);
      assert.deepEqual(about('new'), [['added', 'items', 'new', { n: 4 }]]);
      const diff = about('diff');
      assert.equal(diff.length, 1, `one change for 'diff': ${JSON.stringify(diff)}`);
      assert.equal(diff[0][0], 'changed');
      assert.deepEqual(diff[0][3], { n: 20, added: true });
      assert.deepEqual(diff[0][4], ['drop']);
      // The store now equals the server.
      assert.deepEqual(c.collections.get('items')?.get('diff'), { n: 20, keep: 'k', added: true });
      assert.equal(c.collections.get('items')?.has('gone'), false);
      assert.ok((c.collections.get('items')?.get('same')?.when as Date).getTime() === 1000);
      assert.equal(c.collections.get('items'), itemsMap, 'the collection Map object survives the reconnect');
    },
  );

  test('reconnect with no data change emits no data events at all', T, async (t) => {
    const server = await startRealServer();
    t.after(() => server.close());
    server.store.set('items', 'a', { n: 1, d: new Date(5), bin: new Uint8Array([1, 2]) });
    server.store.set('items', 'b', { n: 2, nested: { x: [1, 2, { y: 'z' }] } });
    const c = newClient(t, server.url);
    await c.connect();
    const subId = await subscribeReady(c, 'docs', ['items']);
    const log = recordAll(c, ['added', 'changed', 'removed']);
    const ready = waitForEvent(c, 'ready', { filter: (ids: string[]) => ids.includes(subId), timeout: 2000 });
    server.dropConnections();
    await ready;
    assert.deepEqual(log.log, []);
    assert.equal(c.collections.get('items')?.size, 2);
  });

  test(
    'a document that vanished while the last subscription of its collection was dropped is removed',
    T,
    async (t) => {
      const server = await startRealServer();
      t.after(() => server.close());
      server.store.set('solo', 'only', { v: 1 });
      const c = newClient(t, server.url);
      await c.connect();
      const subId = await subscribeReady(c, 'docs', ['solo']);
      await server.stop();
      server.store.remove('solo', 'only');
      const removed = waitForEvent(c, 'removed', { timeout: 3000 });
      await server.start();
      const [coll, id] = await removed;
      assert.deepEqual([coll, id], ['solo', 'only']);
      assert.equal(c.collections.get('solo')?.size ?? 0, 0);
      assert.equal(c.subscriptions.get(subId)?.state, 'ready');
    },
  );

  test('live changes after the reconnect reach the store again', T, async (t) => {
    const server = await startRealServer();
    t.after(() => server.close());
    server.store.set('items', 'a', { n: 1 });
    const c = newClient(t, server.url);
    await c.connect();
    const subId = await subscribeReady(c, 'docs', ['items']);
    const ready = waitForEvent(c, 'ready', { filter: (ids: string[]) => ids.includes(subId), timeout: 2000 });
    server.dropConnections();
    await ready;
    const changed = waitForEvent(c, 'changed', { timeout: 1000 });
    server.store.change('items', 'a', { n: 2 });
    const [, id, fields] = await changed;
    assert.equal(id, 'a');
    assert.deepEqual(fields, { n: 2 });
    assert.equal(c.collections.get('items')?.get('a')?.n, 2);
  });

  test('after a reconnect, connect is the first frame, then the resent subscriptions', T, async (t) => {
    const s = await startScriptServer();
    t.after(() => s.close());
    const c = newClient(t, s.url);
    await c.connect();
    const first = await s.nextConnection();
    const subId = c.subscribe('things', ['p']);
    await first.next('sub');
    first.terminate();
    const second = await s.nextConnection(2000);
    const sub = await second.next('sub');
    assert.deepEqual(sub, { msg: 'sub', id: subId, name: 'things', params: ['p'] });
    assert.equal(second.messages[0].msg, 'connect');
    assert.equal(second.messages.filter((m) => m.msg === 'sub').length, 1, 'sent once');
  });

  test('a subscription ready callback runs once, not again after a reconnect', T, async (t) => {
    const server = await startRealServer();
    t.after(() => server.close());
    const c = newClient(t, server.url);
    await c.connect();
    let calls = 0;
    const id = c.subscribe('empty', [], () => calls++);
    await waitForEvent(c, 'ready', { filter: (ids: string[]) => ids.includes(id) });
    const again = waitForEvent(c, 'ready', { filter: (ids: string[]) => ids.includes(id), timeout: 2000 });
    server.dropConnections();
    await again;
    assert.equal(calls, 1);
  });

  test('server restart on the same port: the client comes back by itself', T, async (t) => {
    const server = await startRealServer();
    t.after(() => server.close());
    const c = newClient(t, server.url);
    await c.connect();
    await server.stop();
    await waitForEvent(c, 'socket_closed');
    await expectNoEvent(c, 'connected', 100);
    await server.start();
    await waitForEvent(c, 'reconnected', { timeout: 2000 });
    assert.equal(await c.call('math.add', [2, 2]), 4);
  });
});

describe('client-reconnect: edge cases', () => {
  test(
    'a second drop before the resubscriptions are ready: the diff is still against the data before the first drop',
    T,
    async (t) => {
      const s = await startScriptServer();
      t.after(() => s.close());
      const c = newClient(t, s.url);
      await c.connect();
      const c1 = await s.nextConnection();
      const subId = c.subscribe('things');
      await c1.next('sub');
      c1.sendAll([
        { msg: 'added', collection: 'things', id: 'keep', fields: { v: 1 } },
        { msg: 'added', collection: 'things', id: 'change', fields: { v: 1 } },
        { msg: 'added', collection: 'things', id: 'drop', fields: { v: 1 } },
        { msg: 'ready', subs: [subId] },
      ]);
      await waitForEvent(c, 'ready', { filter: (ids: string[]) => ids.includes(subId) });
      const log = recordAll(c, ['added', 'changed', 'removed']);
      c1.terminate();
      // Second connection: partial data, then dropped before `ready`.
      const c2 = await s.nextConnection(2000);
      await c2.next('sub');
      c2.sendAll([
        { msg: 'added', collection: 'things', id: 'keep', fields: { v: 1 } },
        { msg: 'added', collection: 'things', id: 'partial-only', fields: { v: 9 } },
      ]);
      c2.send({ msg: 'ping', id: 'barrier' });
      await c2.next('pong');
      assert.deepEqual(log.log, [], 'nothing applied before ready');
      assert.deepEqual([...c.collections.get('things')!.keys()].sort(), ['change', 'drop', 'keep']);
      c2.terminate();
      // Third connection: the full new state, then ready.
      const c3 = await s.nextConnection(2000);
      await c3.next('sub');
      const ready = waitForEvent(c, 'ready', { filter: (ids: string[]) => ids.includes(subId), timeout: 2000 });
      c3.sendAll([
        { msg: 'added', collection: 'things', id: 'keep', fields: { v: 1 } },
        { msg: 'added', collection: 'things', id: 'change', fields: { v: 2 } },
        { msg: 'ready', subs: [subId] },
      ]);
      await ready;
      assert.deepEqual(
        log.log.map((e) => `${e[0]} ${e[2]}`).sort(),
        ['changed change', 'removed drop'],
        `events: ${JSON.stringify(log.log)}`,
      );
      assert.deepEqual([...c.collections.get('things')!.keys()].sort(), ['change', 'keep']);
      assert.deepEqual(c.collections.get('things')!.get('change'), { v: 2 });
    },
  );

  test('a subscription that was never ready does not freeze the data after a reconnect', T, async (t) => {
    // Meteor revives only the subscriptions that were ready before the drop (_subsBeingRevived); one that
    // never becomes ready must not hold every other document back forever.
    const server = await startRealServer();
    t.after(() => server.close());
    server.store.set('items', 'a', { n: 1 });
    const c = newClient(t, server.url);
    await c.connect();
    const items = await subscribeReady(c, 'docs', ['items']);
    c.subscribe('pending');
    await waitUntil(() => server.liveSubs.get('pending') === 1, 2000);
    const revived = waitForEvent(server.events, 'subStart', {
      filter: (name: string) => name === 'pending',
      timeout: 3000,
    });
    server.dropConnections();
    await revived;
    await waitUntil(() => c.subscriptions.get(items)?.state === 'ready' && c.status === 'connected', 2000);
    const changed = waitForEvent(c, 'changed', { timeout: 2000 });
    server.store.change('items', 'a', { n: 2 });
    const [, id, fields] = await changed;
    assert.equal(id, 'a');
    assert.deepEqual(fields, { n: 2 });
    assert.equal(c.collections.get('items')?.get('a')?.n, 2);
  });

  test('reconcile compares values, not key order or object identity', T, async (t) => {
    const s = await startScriptServer();
    t.after(() => s.close());
    const c = newClient(t, s.url);
    await c.connect();
    const c1 = await s.nextConnection();
    const subId = c.subscribe('things');
    await c1.next('sub');
    c1.sendAll([
      { msg: 'added', collection: 'things', id: 'x', fields: { a: 1, b: { p: 1, q: [1, { r: 2 }] }, d: { $date: 7 } } },
      { msg: 'ready', subs: [subId] },
    ]);
    await waitForEvent(c, 'ready', { filter: (ids: string[]) => ids.includes(subId) });
    const log = recordAll(c, ['added', 'changed', 'removed']);
    c1.terminate();
    const c2 = await s.nextConnection(2000);
    await c2.next('sub');
    const ready = waitForEvent(c, 'ready', { filter: (ids: string[]) => ids.includes(subId), timeout: 2000 });
    c2.sendAll([
      { msg: 'added', collection: 'things', id: 'x', fields: { d: { $date: 7 }, b: { q: [1, { r: 2 }], p: 1 }, a: 1 } },
      { msg: 'ready', subs: [subId] },
    ]);
    await ready;
    assert.deepEqual(log.log, []);
  });

  test('a subscription made while disconnected is sent after the reconnect and becomes ready', T, async (t) => {
    const server = await startRealServer();
    t.after(() => server.close());
    server.store.set('items', 'a', { n: 1 });
    server.store.set('later', 'l', { n: 2 });
    const c = newClient(t, server.url);
    await c.connect();
    await subscribeReady(c, 'docs', ['items']);
    await server.stop();
    await waitUntil(() => c.status !== 'connected', 2000);
    const added = record(c, 'added');
    const late = subscribeReady(c, 'docs', ['later']);
    await server.start();
    await late;
    assert.deepEqual(c.collections.get('later')?.get('l'), { n: 2 });
    assert.deepEqual(
      added.events.map((e) => `${e[0]}/${e[1]}`),
      ['later/l'],
      'only the new document is announced',
    );
  });

  test(
    'unsubscribe while disconnected: not resent, and its documents are removed after the reconnect',
    T,
    async (t) => {
      const server = await startRealServer();
      t.after(() => server.close());
      server.store.set('items', 'a', { n: 1 });
      server.store.set('other', 'o', { n: 2 });
      const c = newClient(t, server.url);
      await c.connect();
      const keep = await subscribeReady(c, 'docs', ['items']);
      const drop = await subscribeReady(c, 'docs', ['other']);
      await server.stop();
      await waitUntil(() => c.status !== 'connected', 2000);
      c.unsubscribe(drop);
      const log = recordAll(c, ['added', 'changed', 'removed']);
      const firstNew = server.connectionCount;
      const ready = waitForEvent(c, 'ready', { filter: (ids: string[]) => ids.includes(keep), timeout: 3000 });
      await server.start();
      await ready;
      await waitUntil(() => (c.collections.get('other')?.size ?? 0) === 0, 1000, { message: 'other/o removed' });
      assert.deepEqual(log.log, [['removed', 'other', 'o']]);
      const resent = server.received
        .filter((m) => m.connection >= firstNew && m.msg.msg === 'sub')
        .map((m) => m.msg.id);
      assert.deepEqual(resent, [keep]);
    },
  );

  test(
    'the server closing with a code and reason (Rocket.Chat 4000 TIMEOUT) is reported, then reconnected',
    T,
    async (t) => {
      const s = await startScriptServer();
      t.after(() => s.close());
      const c = newClient(t, s.url);
      await c.connect();
      const conn = await s.nextConnection();
      const closed = waitForEvent(c, 'socket_closed');
      conn.close(4000, 'TIMEOUT');
      const [code, reason] = await closed;
      assert.equal(code, 4000);
      assert.equal(reason, 'TIMEOUT');
      await waitForEvent(c, 'reconnected', { timeout: 2000 });
    },
  );

  test('with autoReconnect false, a drop ends the client: pending calls rejected, no reconnect', T, async (t) => {
    const s = await startScriptServer();
    t.after(() => s.close());
    const c = newClient(t, s.url, { autoReconnect: false });
    await c.connect();
    const conn = await s.nextConnection();
    const p = c.call('never.answered');
    await conn.next('method');
    conn.terminate();
    const outcome = await settle(p, 2000);
    assert.equal(outcome.status, 'rejected');
    await expectNoEvent(c, 'connecting', 300);
    assert.equal(s.connections.length, 1);
    assert.ok(c.status === 'closed' || c.status === 'failed', c.status);
  });
});
