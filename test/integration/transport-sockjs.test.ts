// DDP over SockJS against mongodb-livedata-server's own SockJS endpoint (Meteor's server, ported): its WebSocket
// transport, and with WebSockets disabled (DISABLE_WEBSOCKETS=1) xhr-streaming and xhr-polling. Every promise of
// the library holds on each: calls and subscriptions, reconnect with resubscribe after a cut, calls settling,
// heartbeats over a stalled link, maxPayload, close() leaving nothing behind, and hostile SockJS frames.
// (The whole reliability suites also run on SockJS: `npm run test:sockjs`, see test/support/transports.ts.)

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startRealServer, type RealServer } from '../support/realServer';
import { startProxy } from '../support/proxy';
import { newClient, protocolErrors, trapUnhandled } from '../support/clients';
import { TEST_TRANSPORTS, type TestTransport } from '../support/transports';
import { record, settle, waitForEvent, waitUntil } from '../support/wait';
import { DdpConnectionError, type DdpClient } from '../../src/ddp';

const T = { timeout: 30_000 };
const CASES: TestTransport[] = [
  TEST_TRANSPORTS['sockjs-websocket'],
  TEST_TRANSPORTS['sockjs-xhr-streaming'],
  TEST_TRANSPORTS['sockjs-xhr-polling'],
];

function canon(docs: Iterable<[string, Record<string, unknown>]> | undefined): string {
  return [...(docs ?? [])]
    .map(([id, f]) => `${id}=${JSON.stringify(Object.entries(f).sort())}`)
    .sort()
    .join('\n');
}

/** The data set rebuilt from the client's events alone. */
function mirror(c: DdpClient): Map<string, Map<string, Record<string, unknown>>> {
  const m = new Map<string, Map<string, Record<string, unknown>>>();
  const coll = (name: string) => m.get(name) ?? m.set(name, new Map()).get(name)!;
  c.on('added', (name, id, fields) => coll(name).set(id, { ...fields }));
  c.on('changed', (name, id, fields, cleared) => {
    const doc = coll(name).get(id);
    if (!doc) return;
    Object.assign(doc, fields);
    for (const k of cleared) delete doc[k];
  });
  c.on('removed', (name, id) => coll(name).delete(id));
  return m;
}

async function server(t: import('node:test').TestContext, tr: TestTransport): Promise<RealServer> {
  const s = await startRealServer({ disableWebsockets: tr.httpOnly });
  t.after(() => s.close());
  return s;
}

for (const tr of CASES) {
  describe(`transport-sockjs: ${tr.name}`, () => {
    test('connects over it, says so in client.transport; calls and a live subscription work', T, async (t) => {
      const s = await server(t, tr);
      s.store.set('tasks', 't1', { title: 'one', at: new Date(5) });
      const c = newClient(t, s.httpUrl, tr.client);
      const errors = protocolErrors(c);
      await c.connect();
      assert.equal(c.transport, tr.name);
      assert.equal(await c.call('math.add', [2, 3]), 5);
      await assert.rejects(c.call('fail', ['nope', 'No.']), { error: 'nope', reason: 'No.' });
      await new Promise<void>((resolve, reject) => c.subscribe('docs', ['tasks'], (e) => (e ? reject(e) : resolve())));
      assert.deepEqual(c.collections.get('tasks')?.get('t1'), { title: 'one', at: new Date(5) });
      const changed = waitForEvent(c, 'changed');
      s.store.change('tasks', 't1', { title: 'two' });
      assert.deepEqual((await changed).slice(0, 3), ['tasks', 't1', { title: 'two' }]);
      // Messages in both directions keep their order, many at once (xhr_send batches them).
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => c.call('echo', [i])));
      assert.deepEqual(
        results,
        Array.from({ length: 50 }, (_, i) => i),
      );
      assert.deepEqual(errors.events, []);
    });

    test('every connection cut: reconnects, resubscribes and ends with exactly the server documents', T, async (t) => {
      const unhandled = trapUnhandled(t);
      const s = await server(t, tr);
      for (let i = 0; i < 2000; i++) s.store.set('big', `d${i}`, { i, label: `doc ${i}` });
      const c = newClient(t, s.httpUrl, tr.client);
      const events = mirror(c);
      await c.connect();
      await new Promise<void>((resolve) => c.subscribe('docs', ['big'], () => resolve()));
      const slow = settle(c.call('slow', ['cut']), 10_000);
      const retried = c.call('counter', [], undefined, { retry: true });
      await waitUntil(() => s.pendingSlow().includes('cut'), 5000);
      const reconnected = waitForEvent(c, 'reconnected', { timeout: 15_000 });
      s.dropConnections();
      await waitUntil(() => c.status !== 'connected', 5000);
      for (let i = 0; i < 2000; i += 7) s.store.remove('big', `d${i}`);
      s.store.set('big', 'new', { i: -1, label: 'added while away' });
      s.store.change('big', 'd1', { label: 'changed while away' });
      const lost = await slow;
      assert.equal(lost.status, 'rejected');
      assert.equal(((lost as { reason: DdpConnectionError }).reason as DdpConnectionError).code, 'CONNECTION_LOST');
      await reconnected;
      assert.equal(typeof (await retried), 'number');
      await waitUntil(() => canon(c.collections.get('big')) === canon(s.store.collections.get('big')), 15_000, {
        message: 'the client never converged on the server documents',
      });
      assert.equal(canon(events.get('big')), canon(s.store.collections.get('big')));
      assert.equal(c.transport, tr.name);
      assert.deepEqual(unhandled, []);
    });

    test('a stalled link is dropped by the heartbeat and the client recovers', T, async (t) => {
      const s = await server(t, tr);
      const proxy = await startProxy({ port: s.port });
      t.after(() => proxy.close());
      const c = newClient(t, `http://127.0.0.1:${proxy.port}`, {
        ...tr.client,
        heartbeatInterval: 200,
        heartbeatTimeout: 400,
      });
      await c.connect();
      const closed = waitForEvent(c, 'socket_closed', { timeout: 5000 });
      proxy.stallAll();
      const [, reason] = await closed;
      assert.match(reason, /heartbeat/);
      proxy.resumeAll();
      await waitForEvent(c, 'reconnected', { timeout: 10_000 });
      assert.equal(await c.call('math.add', [1, 1]), 2);
    });

    test('a frame over maxPayload closes the socket (1009); the client reconnects and resubscribes', T, async (t) => {
      const s = await server(t, tr);
      s.store.set('big', 'small', { n: 1 });
      const c = newClient(t, s.httpUrl, { ...tr.client, maxPayload: 64 * 1024 });
      await c.connect();
      const subId = c.subscribe('docs', ['big']);
      await waitUntil(() => c.subscriptions.get(subId)?.state === 'ready', 5000);
      const closed = waitForEvent(c, 'socket_closed', { timeout: 5000 });
      const tooLarge = waitForEvent(c, 'socket_error', { timeout: 5000 });
      s.store.set('big', 'huge', { text: 'x'.repeat(200 * 1024) });
      const [error] = await tooLarge;
      assert.match(error.message, /Max payload size exceeded/);
      await closed;
      s.store.remove('big', 'huge');
      await waitForEvent(c, 'reconnected', { timeout: 10_000 });
      await waitUntil(
        () => c.subscriptions.get(subId)?.state === 'ready' && !c.collections.get('big')?.has('huge'),
        5000,
      );
      assert.deepEqual(c.collections.get('big')?.get('small'), { n: 1 });
    });

    for (const state of ['connecting', 'connected', 'reconnecting'] as const) {
      test(`close() while ${state}: settles everything and leaves no socket or timer behind`, T, async (t) => {
        const s = await server(t, tr);
        const baseline = handles();
        const c = newClient(t, s.httpUrl, { ...tr.client, autoReconnectTimeout: 60_000, maxReconnectTimeout: 60_000 });
        const connected = c.connect();
        if (state !== 'connecting') await connected;
        if (state === 'reconnecting') {
          s.dropConnections();
          await waitUntil(() => c.nextReconnect !== undefined, 5000);
        }
        const call = c.call('slow', ['never']);
        c.close();
        const after = record(c, 'added');
        const outcome = await settle(call, 2000);
        assert.equal(((outcome as { reason: DdpConnectionError }).reason as DdpConnectionError).code, 'CLOSED');
        if (state === 'connecting') assert.equal((await settle(connected, 2000)).status, 'rejected');
        assert.equal(c.status, 'closed');
        await waitUntil(() => handles() <= baseline, 3000).catch(() => {
          throw new Error(`handles left: ${JSON.stringify(process.getActiveResourcesInfo())} (baseline ${baseline})`);
        });
        assert.deepEqual(after.events, []);
      });
    }
  });
}

/**
 * Open TCP sockets of this process (the in-process server's side of each connection too: it goes when the client's
 * goes). Timers are not counted here: the SockJS server keeps each session for 60 s after its last request.
 */
function handles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}

describe('transport-sockjs: choosing the transport', () => {
  test(
    "transport 'websocket' on a server with WebSockets disabled fails at once, saying it is SockJS only",
    T,
    async (t) => {
      const s = await server(t, TEST_TRANSPORTS['sockjs-xhr-streaming']);
      const c = newClient(t, s.url, { transport: 'websocket', connectTimeout: 10_000 });
      const errors = record(c, 'socket_error');
      const outcome = await settle(c.connect(), 5000);
      assert.equal(outcome.status, 'rejected');
      const err = (outcome as { reason: DdpConnectionError }).reason;
      assert.equal(err.code, 'UNSUPPORTED_TRANSPORT');
      assert.match(err.message, /SockJS only.*'sockjs' or 'auto'/);
      assert.equal(c.status, 'failed');
      assert.equal(errors.events[0]?.[0].statusCode, 404);
      assert.equal(s.connectionCount, 0);
    },
  );

  test("'auto' on the same server: xhr-streaming, and the refused upgrade is no socket_error", T, async (t) => {
    const s = await server(t, TEST_TRANSPORTS['sockjs-xhr-streaming']);
    const c = newClient(t, s.url);
    const errors = record(c, 'socket_error');
    await c.connect();
    assert.equal(c.transport, 'sockjs-xhr-streaming');
    assert.deepEqual(errors.events, []);
  });

  test("a /sockjs URL goes to SockJS at once ('auto'); a /websocket URL stays on the raw WebSocket", T, async (t) => {
    const s = await server(t, TEST_TRANSPORTS.websocket);
    const viaSockJs = newClient(t, `${s.httpUrl}/sockjs`);
    await viaSockJs.connect();
    assert.equal(viaSockJs.transport, 'sockjs-websocket');
    const raw = newClient(t, s.url);
    await raw.connect();
    assert.equal(raw.transport, 'websocket');
  });
});

/**
 * A scripted SockJS server (xhr-streaming only, WebSockets refused with 404 as DISABLE_WEBSOCKETS does): answers
 * `connect`, and lets the test write any frame, hostile ones included, into the client's stream.
 */
async function hostileSockJs(t: import('node:test').TestContext) {
  const streams: http.ServerResponse[] = [];
  const received: string[] = [];
  const srv = http.createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/sockjs/info') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{"websocket":false,"origins":["*:*"],"cookie_needed":false,"entropy":1}');
    }
    if (/^\/sockjs\/\d+\/\w+\/xhr_streaming$/.test(url)) {
      res.writeHead(200, { 'content-type': 'application/javascript' });
      res.write(`${'h'.repeat(2048)}\n`);
      res.write('o\n');
      streams.push(res);
      return;
    }
    if (/^\/sockjs\/\d+\/\w+\/xhr_send$/.test(url)) {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        for (const m of JSON.parse(body) as string[]) {
          received.push(m);
          if (m.includes('"msg":"connect"'))
            streams.at(-1)?.write(`a${JSON.stringify([JSON.stringify({ msg: 'connected', session: 's1' })])}\n`);
        }
        res.writeHead(204);
        res.end();
      });
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const s of streams) s.destroy();
    srv.closeAllConnections();
    await new Promise<void>((resolve) => srv.close(() => resolve()));
  });
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    received,
    streams,
    /** Writes raw text into the latest stream. */
    write: (text: string) => streams.at(-1)?.write(text),
  };
}

const added = (id: string, v: number) =>
  `a${JSON.stringify([JSON.stringify({ msg: 'added', collection: 'c', id, fields: { v } })])}\n`;

describe('transport-sockjs: hostile SockJS frames', () => {
  test('frames that cannot be read are protocol errors and change nothing; later frames apply', T, async (t) => {
    const unhandled = trapUnhandled(t);
    const s = await hostileSockJs(t);
    const c = newClient(t, s.url);
    const sockets = record(c, 'socket_error');
    await c.connect();
    assert.equal(c.transport, 'sockjs-xhr-streaming');
    assert.deepEqual(sockets.events, [], 'the refused upgrade is not reported: SockJS answered');
    const errors = protocolErrors(c);
    const hostile = ['x', 'a[1]', 'a{', 'o', 'c{}', 'a["not json"]', 'a[{"msg":"added"}]', 'a"x"', 'c["1000"]'];
    for (const f of hostile) s.write(`${f}\n`);
    s.write(added('1', 1));
    await waitUntil(() => c.collections.get('c')?.get('1') !== undefined, 5000);
    assert.equal(errors.events.length, hostile.length, JSON.stringify(errors.events));
    assert.equal(c.status, 'connected');
    // A frame split over many writes, and several frames in one write.
    const frame = added('2', 2);
    for (const ch of frame) s.write(ch);
    s.write(added('3', 3) + added('4', 4));
    await waitUntil(() => c.collections.get('c')?.size === 4, 5000);
    assert.deepEqual(c.collections.get('c')?.get('2'), { v: 2 });
    assert.equal(await settleCall(c, s), 'answered');
    assert.deepEqual(unhandled, []);
  });

  test('c[3000,"Go away!"] ends the socket with that code and reason; the client reconnects', T, async (t) => {
    const s = await hostileSockJs(t);
    const c = newClient(t, s.url);
    await c.connect();
    const closed = waitForEvent(c, 'socket_closed', { timeout: 5000 });
    s.write('c[3000,"Go away!"]\n');
    assert.deepEqual(await closed, [3000, 'Go away!']);
    await waitForEvent(c, 'reconnected', { timeout: 5000 });
    assert.equal(s.streams.length, 2);
  });

  test(
    'a frame over maxPayload in the stream: socket_error, the socket closes, the client reconnects',
    T,
    async (t) => {
      const s = await hostileSockJs(t);
      const c = newClient(t, s.url, { maxPayload: 1024 });
      await c.connect();
      const error = waitForEvent(c, 'socket_error', { timeout: 5000 });
      // Never ends with a newline: the client must not wait for it to refuse the frame.
      s.write(`a["${'x'.repeat(4096)}`);
      assert.match((await error)[0].message, /Max payload size exceeded/);
      await waitForEvent(c, 'reconnected', { timeout: 5000 });
    },
  );
});

/** A method call over xhr_send whose answer the server writes into the stream. */
async function settleCall(c: DdpClient, s: Awaited<ReturnType<typeof hostileSockJs>>): Promise<string> {
  const call = c.call('m', [1]);
  await waitUntil(() => s.received.some((m) => m.includes('"method":"m"')), 5000);
  const id = (JSON.parse(s.received.find((m) => m.includes('"method":"m"'))!) as { id: string }).id;
  s.write(`a${JSON.stringify([JSON.stringify({ msg: 'result', id, result: 'answered' })])}\n`);
  return (await call) as string;
}
