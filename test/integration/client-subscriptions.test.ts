import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DdpError } from '../../src/ddp';
import { startRealServer, type RealServer } from '../support/realServer';
import { startScriptServer } from '../support/scriptServer';
import { waitForEvent, waitUntil, record, settle, withTimeout } from '../support/wait';
import { newClient, connectedClient, trapUnhandled, nextTurn } from '../support/clients';

const T = { timeout: 5000 };

describe('client-subscriptions', () => {
  let server: RealServer;
  before(async () => {
    server = await startRealServer();
  });
  after(() => server.close());

  test('subscribe returns an id; the callback runs on ready with no error; `ready` lists the id', T, async (t) => {
    server.store.set('subs-a', 'd1', { v: 1 });
    const c = await connectedClient(t, server.url);
    const readyEvents = record(c, 'ready');
    let id = '';
    const err = await new Promise<Error | undefined>((resolve) => {
      id = c.subscribe('docs', ['subs-a'], (e) => resolve(e));
    });
    assert.equal(err, undefined);
    assert.equal(typeof id, 'string');
    assert.ok(id.length > 0);
    assert.ok(readyEvents.events.some(([ids]) => ids.includes(id)));
    const info = c.subscriptions.get(id)!;
    assert.equal(info.id, id);
    assert.equal(info.name, 'docs');
    assert.deepEqual(info.params, ['subs-a']);
    assert.equal(info.state, 'ready');
    assert.equal(typeof info.readyAt, 'number');
    // The document arrived before ready.
    assert.deepEqual(c.collections.get('subs-a')?.get('d1'), { v: 1 });
  });

  test('the sub frame carries the id, name and params the client returned', T, async (t) => {
    const c = await connectedClient(t, server.url);
    const conn = server.connectionCount - 1;
    const id = c.subscribe('params', ['frame', 2, { k: [true] }]);
    await waitForEvent(c, 'ready', { filter: (ids: string[]) => ids.includes(id) });
    const subs = server.received.filter((m) => m.connection === conn && m.msg.msg === 'sub').map((m) => m.msg);
    assert.deepEqual(subs, [{ msg: 'sub', id, name: 'params', params: ['frame', 2, { k: [true] }] }]);
    assert.deepEqual(c.collections.get('params')?.get('frame'), { args: ['frame', 2, { k: [true] }] });
  });

  test('subscription ids are unique', T, async (t) => {
    const c = await connectedClient(t, server.url);
    const ids = new Set<string>();
    for (let i = 0; i < 50; i++) ids.add(c.subscribe('empty'));
    assert.equal(ids.size, 50);
  });

  test('unknown publication: nosub with error 404, passed to the callback and the nosub event', T, async (t) => {
    const c = await connectedClient(t, server.url);
    const nosub = waitForEvent(c, 'nosub');
    let id = '';
    const err = await new Promise<Error | undefined>((resolve) => {
      id = c.subscribe('no-such-publication', [], (e) => resolve(e));
    });
    assert.ok(err instanceof DdpError, `callback got ${err}`);
    assert.equal(err.error, 404);
    assert.match(err.reason ?? '', /no-such-publication/);
    const [nid, nerr] = await nosub;
    assert.equal(nid, id);
    assert.ok(nerr instanceof DdpError);
    assert.equal(nerr.error, 404);
    assert.equal(c.subscriptions.get(id)?.state, 'error');
    assert.equal((c.subscriptions.get(id)?.error as DdpError | undefined)?.error, 404);
  });

  test('a publication that calls this.error(): nosub with the Meteor error', T, async (t) => {
    const c = await connectedClient(t, server.url);
    const err = await new Promise<Error | undefined>((resolve) => {
      c.subscribe('denied', [], (e) => resolve(e));
    });
    assert.ok(err instanceof DdpError);
    assert.equal(err.error, 'not-allowed');
    assert.equal(err.reason, 'Fixture says no');
  });

  test('a publication that throws: nosub with 500', T, async (t) => {
    const c = await connectedClient(t, server.url);
    const err = await new Promise<Error | undefined>((resolve) => {
      c.subscribe('throws', [], (e) => resolve(e));
    });
    assert.ok(err instanceof DdpError);
    assert.equal(err.error, 500);
  });

  test('a subscription not ready yet is pending', T, async (t) => {
    const c = await connectedClient(t, server.url);
    const id = c.subscribe('pending');
    await waitUntil(() => server.received.some((m) => m.msg.msg === 'sub' && m.msg.id === id), 2000);
    assert.equal(c.subscriptions.get(id)?.state, 'pending');
  });

  test('unsubscribe: removed for its documents, then nosub without error; the store empties', T, async (t) => {
    server.store.set('subs-u', 'u1', { a: 1 });
    server.store.set('subs-u', 'u2', { a: 2 });
    const c = await connectedClient(t, server.url);
    const id = await new Promise<string>((resolve, reject) => {
      const sid = c.subscribe('docs', ['subs-u'], (e) => (e ? reject(e) : resolve(sid)));
    });
    assert.equal(c.collections.get('subs-u')?.size, 2);
    const order: string[] = [];
    c.on('removed', (coll, docId) => coll === 'subs-u' && order.push(`removed ${docId}`));
    c.on('nosub', (nid, e) => nid === id && order.push(`nosub ${e === undefined ? 'ok' : 'error'}`));
    const nosub = waitForEvent(c, 'nosub', { filter: (nid: string) => nid === id });
    c.unsubscribe(id);
    await nosub;
    assert.deepEqual(order.slice().sort(), ['nosub ok', 'removed u1', 'removed u2']);
    assert.equal(order.at(-1), 'nosub ok', 'nosub comes after the removals');
    assert.equal(c.collections.get('subs-u')?.size ?? 0, 0);
    assert.ok(server.received.some((m) => m.msg.msg === 'unsub' && m.msg.id === id));
    assert.equal(c.subscriptions.get(id)?.state, 'stopped');
  });

  test(
    'ended subscriptions are forgotten beyond the last 100: a subscribe/unsubscribe loop does not grow the map',
    T,
    async (t) => {
      const c = await connectedClient(t, server.url);
      const kept = c.subscribe('empty', []);
      const ids: string[] = [];
      for (let i = 0; i < 250; i++) {
        const id = c.subscribe('empty', []);
        ids.push(id);
        c.unsubscribe(id);
      }
      assert.equal(c.subscriptions.size, 101);
      assert.equal(c.subscriptions.get(ids[149]), undefined);
      assert.equal(c.subscriptions.get(ids[150])?.state, 'stopped');
      await waitUntil(() => c.subscriptions.get(kept)?.state === 'ready', 2000);
    },
  );

  test('unsubscribe of one of two overlapping subscriptions keeps the shared documents', T, async (t) => {
    server.store.set('subs-o', 'shared', { s: 1 });
    const c = await connectedClient(t, server.url);
    const ready = (name: string, params: unknown[]) =>
      new Promise<string>((resolve, reject) => {
        const sid = c.subscribe(name, params, (e) => (e ? reject(e) : resolve(sid)));
      });
    const one = await ready('docs', ['subs-o']);
    await ready('all', []);
    const removed = record(c, 'removed');
    const nosub = waitForEvent(c, 'nosub', { filter: (nid: string) => nid === one });
    c.unsubscribe(one);
    await nosub;
    assert.deepEqual(
      removed.events.filter((e) => e[0] === 'subs-o'),
      [],
    );
    assert.deepEqual(c.collections.get('subs-o')?.get('shared'), { s: 1 });
  });

  test(
    'a BigInt subscription param queued before connect() does not break connect() or other subscriptions',
    T,
    async (t) => {
      const unhandled = trapUnhandled(t);
      const c = newClient(t, server.url);
      try {
        c.subscribe('params', ['big', 5n], () => {});
      } catch {
        /* refusing at once by throwing is acceptable: it never reached the queue */
      }
      const ready = new Promise<Error | undefined>((resolve) => c.subscribe('empty', [], (e) => resolve(e)));
      const connected = await settle(c.connect(), 2000);
      assert.equal(connected.status, 'fulfilled', 'connect() resolved');
      assert.equal(await withTimeout(ready, 2000, 'the other subscription'), undefined);
      await nextTurn();
      assert.deepEqual(unhandled, [], 'no uncaught exception from the socket handlers');
    },
  );

  test('subscribe before connect(): sent once connected', T, async (t) => {
    const c = newClient(t, server.url);
    const ready = new Promise<Error | undefined>((resolve) => c.subscribe('empty', [], (e) => resolve(e)));
    await c.connect();
    assert.equal(await ready, undefined);
  });

  test('unsubscribe before connect(): nothing is sent', T, async (t) => {
    const s = await startScriptServer();
    t.after(() => s.close());
    const c = newClient(t, s.url);
    const id = c.subscribe('never');
    c.unsubscribe(id);
    const keep = c.subscribe('kept');
    await c.connect();
    const conn = await s.nextConnection();
    const sub = await conn.next('sub');
    assert.equal(sub.id, keep);
    assert.deepEqual(
      conn.ofType('sub').map((m) => m.id),
      [keep],
    );
    assert.deepEqual(conn.ofType('unsub'), []);
  });

  test('params are EJSON encoded on the wire and decoded in the published document', T, async (t) => {
    const c = await connectedClient(t, server.url);
    const conn = server.connectionCount - 1;
    const when = new Date(Date.UTC(2022, 1, 3));
    const id = c.subscribe('params', ['dated', when]);
    await waitForEvent(c, 'ready', { filter: (ids: string[]) => ids.includes(id) });
    const sub = server.received.find((m) => m.connection === conn && m.msg.msg === 'sub')!.msg;
    assert.ok(sub.params[1] instanceof Date, 'the server decoded a Date: the client sent {$date}');
    const doc = c.collections.get('params')?.get('dated') as { args: unknown[] };
    assert.ok(doc.args[1] instanceof Date);
    assert.equal(doc.args[1].getTime(), when.getTime());
  });

  test('ready for several subscriptions in one message calls each callback', T, async (t) => {
    const s = await startScriptServer();
    t.after(() => s.close());
    const c = newClient(t, s.url);
    await c.connect();
    const conn = await s.nextConnection();
    const got: string[] = [];
    const a = c.subscribe('a', [], (e) => got.push(`a:${e ?? 'ok'}`));
    const b = c.subscribe('b', [], (e) => got.push(`b:${e ?? 'ok'}`));
    await conn.next('sub');
    await conn.next('sub');
    const ready = waitForEvent(c, 'ready');
    conn.send({ msg: 'ready', subs: [a, b] });
    const [ids] = await ready;
    assert.deepEqual(ids, [a, b]);
    assert.deepEqual(got.sort(), ['a:ok', 'b:ok']);
  });
});
