// close() is final wherever it is called from (a listener, between frames of one TCP chunk, a slow handshake), and
// a listener that throws cannot stop the client.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DdpConnectionError, type DdpClient, type DdpEventName } from '../../src/ddp';
import { startScriptServer, type ScriptConnection, type ScriptServer } from '../support/scriptServer';
import { startProxy } from '../support/proxy';
import { expectNoEvent, record, recordAll, settle, waitForEvent, waitUntil } from '../support/wait';
import { newClient } from '../support/clients';

const T = { timeout: 5000 };

/**
 * Collects uncaught exceptions for the rest of the test instead of the test runner (which would report them as
 * failures): the client rethrows listener errors asynchronously on purpose.
 */
function catchUncaught(t: import('node:test').TestContext): unknown[] {
  const seen: unknown[] = [];
  const saved = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  const mine = (err: unknown) => seen.push(err);
  process.on('uncaughtException', mine);
  t.after(() => {
    process.off('uncaughtException', mine);
    for (const l of saved) process.on('uncaughtException', l);
  });
  return seen;
}

/** Every event a user could see as "the client is alive". */
const LIVE_EVENTS: DdpEventName[] = [
  'connected',
  'reconnected',
  'added',
  'changed',
  'removed',
  'addedBefore',
  'movedBefore',
  'ready',
  'nosub',
  'updated',
  'protocol_error',
  'connecting',
  'reconnecting',
  'login',
  'logout',
  'failed',
  'version_mismatch',
];

/** Sends the frames in one TCP write, so the client's socket reads them in one chunk. */
function sendInOneChunk(conn: ScriptConnection, frames: unknown[]): void {
  const socket = (conn.ws as any)._socket as import('node:net').Socket;
  socket.cork();
  conn.sendAll(frames);
  process.nextTick(() => socket.uncork());
}

/** Records the live events and status changes that happen after the client's status became 'closed'. */
function afterClose(c: DdpClient): { events: string[] } {
  const events: string[] = [];
  for (const name of [...LIVE_EVENTS, 'status' as const]) {
    c.on(name, (...args: unknown[]) => {
      if (c.status === 'closed' || events.length > 0) events.push(`${name} ${JSON.stringify(args)}`);
    });
  }
  return { events };
}

describe('client-close: close() is final', () => {
  let s: ScriptServer;
  before(async () => {
    s = await startScriptServer({ autoConnect: false });
  });
  after(() => s.close());

  /** A client whose connect frame has reached the server (which has not answered it). */
  async function handshaking(t: import('node:test').TestContext, options = {}) {
    const c = newClient(t, s.url, options);
    const connP = waitForEvent<[ScriptConnection]>(s, 'connection');
    const connected = c.connect();
    connected.catch(() => undefined);
    const conn = (await connP)[0];
    await conn.next('connect');
    return { c, conn, connected };
  }

  test('close() in a `connected` listener, with more frames in the same chunk: nothing after it', T, async (t) => {
    const { c, conn, connected } = await handshaking(t);
    const after = afterClose(c);
    c.on('connected', () => c.close());
    sendInOneChunk(conn, [
      { msg: 'connected', session: 's' },
      { msg: 'added', collection: 'c', id: '1', fields: {} },
      { msg: 'ready', subs: ['x'] },
    ]);
    const outcome = await settle(connected);
    assert.equal((outcome as { reason: DdpConnectionError }).reason.code, 'CLOSED');
    await conn.waitClosed();
    assert.equal(c.status, 'closed');
    assert.deepEqual(
      after.events.filter((e) => !e.startsWith('status ["closed"]')),
      [],
    );
    assert.equal(c.collections.size, 0);
  });

  test(
    'close() in a status listener as the status turns connected: no `connected` event, connect() rejects CLOSED',
    T,
    async (t) => {
      const { c, conn, connected } = await handshaking(t);
      const log = recordAll(c, LIVE_EVENTS);
      c.on('status', (st) => st === 'connected' && c.close());
      conn.accept();
      const outcome = await settle(connected);
      assert.equal((outcome as { reason: DdpConnectionError }).reason.code, 'CLOSED');
      await conn.waitClosed();
      assert.equal(c.status, 'closed');
      assert.deepEqual(log.log, []);
    },
  );

  test(
    'close() in an `added` listener while later frames wait in the same chunk: none of them is applied',
    T,
    async (t) => {
      const { c, conn, connected } = await handshaking(t);
      conn.accept();
      await connected;
      const call = c.call('pending', []);
      const m = await conn.next('method');
      const after = afterClose(c);
      c.on('added', () => c.close());
      sendInOneChunk(conn, [
        { msg: 'added', collection: 'c', id: '1', fields: {} },
        { msg: 'added', collection: 'c', id: '2', fields: {} },
        { msg: 'changed', collection: 'c', id: '1', fields: { a: 1 } },
        { msg: 'result', id: m.id, result: 'late' },
        { msg: 'updated', methods: [m.id] },
      ]);
      const outcome = await settle(call);
      assert.equal((outcome as { reason: DdpConnectionError }).reason.code, 'CLOSED');
      await conn.waitClosed();
      assert.deepEqual(
        after.events.filter((e) => !e.startsWith('status ["closed"]')),
        [],
      );
      assert.deepEqual([...(c.collections.get('c')?.keys() ?? [])], ['1']);
      assert.equal(c.status, 'closed');
    },
  );

  test('close() during a slow handshake: the `connected` arriving afterwards changes nothing', T, async (t) => {
    const proxy = await startProxy({ port: s.port });
    t.after(() => proxy.close());
    const c = newClient(t, `ws://127.0.0.1:${proxy.port}/websocket`);
    const log = recordAll(c, LIVE_EVENTS);
    const connP = waitForEvent<[ScriptConnection]>(s, 'connection');
    const pairP = proxy.nextPair();
    const connected = c.connect();
    const conn = (await connP)[0];
    await conn.next('connect');
    const pair = await pairP;
    log.log.length = 0; // `connecting` is expected before close()
    pair.stall('down');
    conn.sendAll([
      { msg: 'connected', session: 'slow' },
      { msg: 'added', collection: 'c', id: '1', fields: {} },
    ]);
    c.close();
    pair.resume('down');
    const outcome = await settle(connected);
    assert.equal((outcome as { reason: DdpConnectionError }).reason.code, 'CLOSED');
    await conn.waitClosed();
    assert.equal(c.status, 'closed');
    assert.deepEqual(log.log, []);
    assert.equal(c.collections.size, 0);
  });

  test('close() then connect() in a `connected` listener: connect() resolves only on the new session', T, async (t) => {
    const { c, conn } = await handshaking(t);
    let second: Promise<void> | undefined;
    const statusAtResolve: string[] = [];
    const reconnected = record(c, 'reconnected');
    const connectedEvents = record(c, 'connected');
    c.once('connected', () => {
      c.close();
      second = c.connect();
      void second.then(() => statusAtResolve.push(c.status));
    });
    conn.accept();
    const conn2 = (await waitForEvent<[ScriptConnection]>(s, 'connection'))[0];
    await conn2.next('connect');
    assert.deepEqual(statusAtResolve, [], 'not resolved by the closed session');
    assert.equal(reconnected.events.length, 0, 'the closed session emitted nothing more');
    conn2.accept('second');
    await second;
    assert.deepEqual(statusAtResolve, ['connected']);
    assert.equal(c.session, 'second');
    assert.equal(connectedEvents.events.length, 2);
    assert.equal(reconnected.events.length, 1, 'the new session is a reconnect');
  });

  test('close() in a `connecting` listener: no socket is opened', T, async (t) => {
    const c = newClient(t, s.url);
    c.once('connecting', () => c.close());
    const outcome = await settle(c.connect());
    assert.equal((outcome as { reason: DdpConnectionError }).reason.code, 'CLOSED');
    await expectNoEvent(s, 'connection', 300);
    assert.equal(c.status, 'closed');
  });

  test('close() in a `reconnecting` or `socket_closed` listener: no reconnect follows', T, async (t) => {
    for (const event of ['reconnecting', 'socket_closed'] as const) {
      const { c, conn, connected } = await handshaking(t);
      conn.accept();
      await connected;
      c.once(event, () => c.close());
      conn.terminate();
      await waitUntil(() => c.status === 'closed');
      // With the 30 ms backoff of the tests, a reconnect would show within this window.
      await expectNoEvent(s, 'connection', 300);
      assert.equal(c.status, 'closed');
    }
  });

  test(
    'reconnectNow() in a status listener as a socket drops: the calls that were on it still settle',
    T,
    async (t) => {
      const { c, conn, connected } = await handshaking(t, {
        autoReconnectTimeout: 60_000,
        maxReconnectTimeout: 60_000,
      });
      conn.accept();
      await connected;
      const call = c.call('in.flight', []);
      await conn.next('method');
      c.once('status', (st) => st === 'reconnecting' && c.reconnectNow());
      conn.terminate();
      const outcome = await settle(call);
      assert.equal((outcome as { reason: DdpConnectionError }).reason.code, 'CONNECTION_LOST');
      const conn2 = (await waitForEvent<[ScriptConnection]>(s, 'connection'))[0];
      await conn2.next('connect');
      conn2.accept();
      await waitForEvent(c, 'connected');
      const next = c.call('after', []);
      const m = await conn2.next('method');
      conn2.send({ msg: 'result', id: m.id, result: 'ok' });
      assert.equal(await next, 'ok');
    },
  );

  test(
    'pending calls reject and waiting subscription callbacks learn CLOSED; the subscription is sent again on connect()',
    T,
    async (t) => {
      const { c, conn, connected } = await handshaking(t);
      conn.accept();
      await connected;
      const call = c.call('pending', []);
      let subError: Error | undefined;
      let calls = 0;
      const id = c.subscribe('waiting', [], (e) => {
        calls++;
        subError = e;
      });
      await conn.next('sub');
      c.close();
      assert.equal(((await settle(call)) as { reason: DdpConnectionError }).reason.code, 'CLOSED');
      assert.ok(subError instanceof DdpConnectionError);
      assert.equal(subError.code, 'CLOSED');
      const connP = waitForEvent<[ScriptConnection]>(s, 'connection');
      const again = c.connect();
      const conn2 = (await connP)[0];
      await conn2.next('connect');
      conn2.accept();
      await again;
      const sub = await conn2.next('sub');
      assert.equal(sub.id, id);
      conn2.send({ msg: 'ready', subs: [id] });
      await waitForEvent(c, 'ready');
      assert.equal(calls, 1, 'the callback ran once');
    },
  );
});

describe('client-close: a listener that throws cannot stop the client', () => {
  let s: ScriptServer;
  before(async () => {
    s = await startScriptServer();
  });
  after(() => s.close());

  async function connected(t: import('node:test').TestContext, c: DdpClient): Promise<ScriptConnection> {
    const connP = waitForEvent<[ScriptConnection]>(s, 'connection');
    await c.connect();
    return (await connP)[0];
  }

  test(
    'a throwing `connected` listener: connect() resolves, listener_error reports it, later frames apply',
    T,
    async (t) => {
      const c = newClient(t, s.url);
      const boom = new Error('listener bug');
      c.on('connected', () => {
        throw boom;
      });
      const reported = record(c, 'listener_error');
      const conn = await connected(t, c);
      assert.equal(c.status, 'connected');
      assert.deepEqual(reported.events, [[boom, 'connected']]);
      const added = waitForEvent(c, 'added');
      conn.send({ msg: 'added', collection: 'c', id: '1', fields: {} });
      await added;
      assert.ok(c.collections.get('c')?.has('1'));
    },
  );

  test(
    'without a listener_error listener the error is rethrown asynchronously, and the client goes on',
    T,
    async (t) => {
      const unhandled = catchUncaught(t);
      const c = newClient(t, s.url);
      const boom = new Error('async rethrow');
      c.on('connected', () => {
        throw boom;
      });
      const conn = await connected(t, c);
      await waitUntil(() => unhandled.length > 0);
      assert.deepEqual(unhandled, [boom]);
      const added = waitForEvent(c, 'added');
      conn.send({ msg: 'added', collection: 'c', id: '1', fields: {} });
      await added;
    },
  );

  test(
    'a throwing `added` listener: every frame of the chunk applies, and the other listeners still run',
    T,
    async (t) => {
      const c = newClient(t, s.url);
      c.on('listener_error', () => undefined);
      c.on('added', () => {
        throw new Error('first listener');
      });
      const seen: string[] = [];
      c.on('added', (_coll, id) => seen.push(id));
      const conn = await connected(t, c);
      sendInOneChunk(
        conn,
        [1, 2, 3].map((n) => ({ msg: 'added', collection: 'c', id: String(n), fields: {} })),
      );
      await waitUntil(() => seen.length === 3);
      assert.deepEqual(seen, ['1', '2', '3']);
      assert.equal(c.collections.get('c')?.size, 3);
    },
  );

  test('a throwing status listener during the handshake: connect() still resolves', T, async (t) => {
    const c = newClient(t, s.url);
    c.on('listener_error', () => undefined);
    c.on('status', () => {
      throw new Error('status listener');
    });
    await connected(t, c);
    assert.equal(c.status, 'connected');
  });

  test(
    'throwing subscribe and call callbacks, and a throwing debug function, are reported, and the client goes on',
    T,
    async (t) => {
      const c = newClient(t, s.url);
      const reported = record(c, 'listener_error');
      const conn = await connected(t, c);
      c.debug = () => {
        throw new Error('debug');
      };
      const id = c.subscribe('p', [], () => {
        throw new Error('sub callback');
      });
      await conn.next('sub');
      conn.send({ msg: 'ready', subs: [id] });
      void c.call('m', [], () => {
        throw new Error('call callback');
      });
      const m = await conn.next('method');
      conn.send({ msg: 'result', id: m.id, result: 1 });
      const added = waitForEvent(c, 'added');
      conn.send({ msg: 'added', collection: 'c', id: '1', fields: {} });
      await added;
      await waitUntil(() => reported.events.some(([, where]) => where === 'call callback'));
      const where = new Set(reported.events.map(([, w]) => w));
      assert.ok(where.has('subscribe callback') && where.has('call callback') && where.has('debug'), [...where].join());
      assert.equal(c.subscriptions.get(id)?.state, 'ready');
    },
  );

  test('a throwing protocol_error listener: the unreadable answer still rejects its call', T, async (t) => {
    const c = newClient(t, s.url);
    c.on('listener_error', () => undefined);
    c.on('protocol_error', () => {
      throw new Error('protocol listener');
    });
    const conn = await connected(t, c);
    const p = c.call('m', []);
    const m = await conn.next('method');
    conn.send(`{"msg":"result","id":"${m.id}","result":${'['.repeat(3000)}${']'.repeat(3000)}}`);
    assert.equal(((await settle(p)) as { reason: DdpConnectionError }).reason.code, 'PROTOCOL');
  });

  test('a throwing listener_error listener: its error is rethrown asynchronously, the client goes on', T, async (t) => {
    const unhandled = catchUncaught(t);
    const c = newClient(t, s.url);
    const second = new Error('listener_error listener');
    c.on('listener_error', () => {
      throw second;
    });
    c.on('connected', () => {
      throw new Error('first');
    });
    const conn = await connected(t, c);
    await waitUntil(() => unhandled.length > 0);
    assert.deepEqual(unhandled, [second]);
    const p = c.call('m', []);
    const m = await conn.next('method');
    conn.send({ msg: 'result', id: m.id, result: 'ok' });
    assert.equal(await p, 'ok');
  });
});
