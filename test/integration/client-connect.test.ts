import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DdpClient, normalizeUrl } from '../../src/ddp';
import { startRealServer, type RealServer } from '../support/realServer';
import * as fs from 'node:fs';
import { startScriptServer, TLS_CERT } from '../support/scriptServer';
import { waitForEvent, waitUntil, record, expectNoEvent, settle } from '../support/wait';
import { newClient, connectedClient, refusedPort, trapUnhandled } from '../support/clients';

const T = { timeout: 5000 };

describe('client-connect: against the real server', () => {
  let server: RealServer;
  before(async () => {
    server = await startRealServer();
  });
  after(() => server.close());

  test('connect() resolves on the DDP `connected` and sets session and version', T, async (t) => {
    const c = newClient(t, server.url);
    assert.equal(c.status, 'idle');
    const connected = record(c, 'connected');
    const reconnected = record(c, 'reconnected');
    const before = server.connectionCount;
    await c.connect();
    assert.equal(c.status, 'connected');
    assert.equal(connected.events.length, 1, '`connected` emitted once');
    assert.equal(reconnected.events.length, 0, 'no `reconnected` on the first connection');
    assert.equal(typeof c.session, 'string');
    assert.ok(c.session!.length > 0);
    assert.equal(c.version, '1');
    assert.equal(server.connectionCount, before + 1);
    // The session really works.
    assert.equal(await c.call('math.add', [20, 22]), 42);
  });

  test('connect() twice at once: both resolve, one socket', T, async (t) => {
    const c = newClient(t, server.url);
    const before = server.connectionCount;
    await Promise.all([c.connect(), c.connect()]);
    assert.equal(server.connectionCount, before + 1);
    await c.connect();
    assert.equal(server.connectionCount, before + 1, 'connect() when connected resolves at once');
  });

  test('status goes idle -> connecting -> connected, then closed on close()', T, async (t) => {
    const c = newClient(t, server.url);
    const statuses = record(c, 'status');
    const connecting = record(c, 'connecting');
    await c.connect();
    assert.deepEqual(
      statuses.events.map((e) => e[0]),
      ['connecting', 'connected'],
    );
    assert.equal(connecting.events.length, 1);
    assert.equal(connecting.events[0][0], server.url, '`connecting` carries the url');
    c.close();
    assert.equal(c.status, 'closed');
    assert.deepEqual(
      statuses.events.map((e) => e[0]),
      ['connecting', 'connected', 'closed'],
    );
  });

  for (const form of ['ws://H/websocket', 'ws://H', 'ws://H/', 'http://H', 'http://H/', 'http://H/websocket', 'H']) {
    test(`URL form ${form} is normalised to ws://.../websocket and connects`, T, async (t) => {
      const input = form.replace('H', `127.0.0.1:${server.port}`);
      const c = newClient(t, input);
      assert.equal(c.url, `ws://127.0.0.1:${server.port}/websocket`);
      await c.connect();
      assert.equal(c.status, 'connected');
    });
  }

  test('https:// and wss:// map to wss, paths keep /websocket once', () => {
    assert.equal(normalizeUrl('https://example.com'), 'wss://example.com/websocket');
    assert.equal(normalizeUrl('https://example.com:8443/app'), 'wss://example.com:8443/app/websocket');
    assert.equal(normalizeUrl('wss://example.com/websocket'), 'wss://example.com/websocket');
    assert.equal(normalizeUrl('http://localhost:3000/websocket/'), 'ws://localhost:3000/websocket');
    assert.equal(normalizeUrl('localhost:3000'), 'ws://localhost:3000/websocket');
    assert.equal(new DdpClient('https://example.com', { autoReconnect: false }).url, 'wss://example.com/websocket');
  });

  test('normalizeUrl throws a TypeError with a readable message on nonsense', () => {
    assert.throws(() => normalizeUrl(''), TypeError);
    assert.throws(() => normalizeUrl('ftp://example.com'), TypeError);
    assert.throws(() => normalizeUrl('http://'), TypeError);
  });

  test('close() closes the socket and stops everything: no reconnect afterwards', T, async (t) => {
    const c = await connectedClient(t, server.url, { autoReconnectTimeout: 10 });
    const before = server.connectionCount;
    const closed = record(c, 'socket_closed');
    const connecting = record(c, 'connecting');
    c.close();
    assert.equal(c.status, 'closed');
    await expectNoEvent(c, 'connecting', 300);
    assert.equal(connecting.events.length, 0);
    assert.equal(server.connectionCount, before, 'no new session after close()');
    assert.ok(closed.events.length <= 1);
  });

  test('a call pending when close() is called is rejected, not left hanging', T, async (t) => {
    const c = await connectedClient(t, server.url);
    const slowStarted = waitForEvent(server.events, 'slow', { filter: (k: string) => k === 'close-pending' });
    const p = c.call('slow', ['close-pending']);
    await slowStarted;
    c.close();
    const outcome = await settle(p, 1000);
    assert.equal(outcome.status, 'rejected');
    assert.ok((outcome as { reason: unknown }).reason instanceof Error);
    server.release('close-pending');
  });

  test('a call made after close() rejects promptly', T, async (t) => {
    const c = await connectedClient(t, server.url);
    c.close();
    const outcome = await settle(c.call('echo', [1]), 1000);
    assert.equal(outcome.status, 'rejected');
  });

  test('close() while reconnecting cancels the pending retry', T, async (t) => {
    const port = await refusedPort();
    const c = newClient(t, `127.0.0.1:${port}`, { autoReconnectTimeout: 50 });
    const p = c.connect();
    p.catch(() => {});
    await waitForEvent(c, 'reconnecting');
    c.close();
    assert.equal(c.status, 'closed');
    await expectNoEvent(c, 'connecting', 300);
  });

  test('debug callback receives every frame in (<) and out (>)', T, async (t) => {
    const lines: string[] = [];
    const c = await connectedClient(t, server.url, { debug: (line: string) => lines.push(line) });
    await c.call('echo', ['dbg']);
    const out = lines.filter((l) => l.startsWith('> ')).map((l) => JSON.parse(l.slice(2)));
    const inn = lines.filter((l) => l.startsWith('< ')).map((l) => JSON.parse(l.slice(2)));
    assert.ok(
      out.some((m) => m.msg === 'connect'),
      'connect frame logged',
    );
    assert.ok(
      out.some((m) => m.msg === 'method' && m.method === 'echo'),
      'method frame logged',
    );
    assert.ok(
      inn.some((m) => m.msg === 'connected'),
      'connected frame logged',
    );
    assert.ok(
      inn.some((m) => m.msg === 'result' && m.result === 'dbg'),
      'result frame logged',
    );
  });
});

describe('client-connect: socket level', () => {
  test('with autoReconnect false, connect() rejects on connection refused (reported, not thrown)', T, async (t) => {
    const unhandled = trapUnhandled(t);
    const port = await refusedPort();
    const c = newClient(t, `127.0.0.1:${port}`, { autoReconnect: false });
    const closed = record(c, 'socket_closed');
    const outcome = await settle(c.connect(), 2000);
    assert.equal(outcome.status, 'rejected');
    assert.ok((outcome as { reason: unknown }).reason instanceof Error);
    assert.ok(closed.events.length >= 1, 'socket_closed reported');
    assert.notEqual(c.status, 'connected');
    await expectNoEvent(c, 'connecting', 200);
    assert.deepEqual(unhandled, []);
  });

  test('sends the upgrade to /websocket, with the configured headers', T, async (t) => {
    const s = await startScriptServer();
    t.after(() => s.close());
    const c = newClient(t, `http://127.0.0.1:${s.port}`, { headers: { 'x-ddp-test': 'yes' } });
    await c.connect();
    assert.deepEqual(s.paths, ['/websocket']);
    assert.equal(s.requestHeaders[0]['x-ddp-test'], 'yes');
  });

  test('offers permessage-deflate only when compression is asked for', T, async (t) => {
    const s = await startScriptServer();
    t.after(() => s.close());
    const plain = newClient(t, s.url);
    await plain.connect();
    const compressed = newClient(t, s.url, { compression: true });
    await compressed.connect();
    assert.equal(s.requestHeaders[0]['sec-websocket-extensions'], undefined);
    assert.match(String(s.requestHeaders[1]['sec-websocket-extensions']), /permessage-deflate/);
  });

  test('a compressed connection to the real server carries data like a plain one', T, async (t) => {
    const real = await startRealServer();
    t.after(() => real.close());
    const c = newClient(t, real.url, { compression: true });
    await c.connect();
    assert.equal(await c.call('math.add', [2, 3]), 5);
    await new Promise<void>((resolve, reject) => c.subscribe('ejson', [], (e) => (e ? reject(e) : resolve())));
    assert.ok(c.collections.get('ejson')?.get('e1')?.when instanceof Date);
  });

  test('first frame is connect with version and full support list, no session', T, async (t) => {
    const s = await startScriptServer();
    t.after(() => s.close());
    const c = newClient(t, s.url);
    await c.connect();
    const first = s.frames.find((f) => f.dir === 'in')!;
    assert.deepEqual(first.msg, { msg: 'connect', version: '1', support: ['1', 'pre2', 'pre1'] });
  });

  test('a server that never answers connect: dropped after connectTimeout, then retried', T, async (t) => {
    const s = await startScriptServer({ silent: true });
    t.after(() => s.close());
    const c = newClient(t, s.url, { connectTimeout: 200, autoReconnectTimeout: 30 });
    const start = Date.now();
    const p = c.connect();
    p.catch(() => {});
    const first = await s.nextConnection();
    await first.waitClosed(1500);
    const elapsed = Date.now() - start;
    assert.ok(elapsed >= 190, `dropped after ${elapsed} ms, before connectTimeout`);
    await s.nextConnection(1500);
    assert.notEqual(c.status, 'connected');
  });

  test('with autoReconnect false, connect() rejects after connectTimeout on a silent server', T, async (t) => {
    const s = await startScriptServer({ silent: true });
    t.after(() => s.close());
    const c = newClient(t, s.url, { connectTimeout: 200, autoReconnect: false });
    const start = Date.now();
    const outcome = await settle(c.connect(), 2000);
    assert.equal(outcome.status, 'rejected');
    assert.ok(Date.now() - start >= 150);
    await waitUntil(() => s.connections[0]?.closed, 1000, { message: 'socket closed by client' });
  });

  test('reconnected is emitted after connected on every connection but the first', T, async (t) => {
    const s = await startScriptServer();
    t.after(() => s.close());
    const c = newClient(t, s.url);
    const log: string[] = [];
    c.on('connected', () => log.push('connected'));
    c.on('reconnected', () => log.push('reconnected'));
    await c.connect();
    (await s.nextConnection()).terminate();
    await waitForEvent(c, 'reconnected');
    (await s.nextConnection()).terminate();
    await waitForEvent(c, 'reconnected');
    assert.deepEqual(log, ['connected', 'connected', 'reconnected', 'connected', 'reconnected']);
  });
});

describe('client-connect: TLS and DNS failures are retried, reported, never thrown', () => {
  test('wss:// to a self-signed server: refused by default, reported via socket_closed and retried', T, async (t) => {
    const unhandled = trapUnhandled(t);
    const s = await startScriptServer({ tls: true });
    t.after(() => s.close());
    const c = newClient(t, s.url, { autoReconnectTimeout: 20 });
    const closed = record(c, 'socket_closed');
    const reconnecting = record(c, 'reconnecting');
    const p = c.connect();
    p.catch(() => {});
    await reconnecting.waitCount(2, 3000);
    assert.notEqual(c.status, 'connected');
    assert.ok(closed.events.length >= 2);
    assert.match(closed.events[0][1], /self[- ]signed|certificate/i, `reason: ${closed.events[0][1]}`);
    assert.equal(s.messages('connect').length, 0, 'no DDP over an unverified socket');
    assert.deepEqual(unhandled, []);
  });

  test('wss:// with rejectUnauthorized false connects', T, async (t) => {
    const s = await startScriptServer({ tls: true });
    t.after(() => s.close());
    const c = newClient(t, s.url, { rejectUnauthorized: false });
    await c.connect();
    assert.equal(c.status, 'connected');
  });

  test('wss:// with the server certificate given as ca connects', T, async (t) => {
    const s = await startScriptServer({ tls: true });
    t.after(() => s.close());
    const c = newClient(t, s.url, { ca: fs.readFileSync(TLS_CERT) });
    await c.connect();
    assert.equal(c.status, 'connected');
  });

  test('https:// URL maps to wss and reaches a TLS server', T, async (t) => {
    const s = await startScriptServer({ tls: true });
    t.after(() => s.close());
    const c = newClient(t, `https://127.0.0.1:${s.port}`, { rejectUnauthorized: false });
    assert.equal(c.url, `wss://127.0.0.1:${s.port}/websocket`);
    await c.connect();
  });

  test('wss:// to a plain ws server fails the TLS handshake: reported, retried', T, async (t) => {
    const unhandled = trapUnhandled(t);
    const s = await startScriptServer();
    t.after(() => s.close());
    const c = newClient(t, `wss://127.0.0.1:${s.port}/websocket`, { autoReconnectTimeout: 20 });
    const reconnecting = record(c, 'reconnecting');
    const p = c.connect();
    p.catch(() => {});
    await reconnecting.waitCount(2, 3000);
    assert.notEqual(c.status, 'connected');
    assert.deepEqual(unhandled, []);
  });

  test('DNS failure: reported via socket_closed; with autoReconnect false connect() rejects', T, async (t) => {
    const unhandled = trapUnhandled(t);
    // .invalid never resolves (RFC 2606); connectTimeout bounds a slow resolver.
    const c = newClient(t, 'ws://ddp-explorer-test.invalid:3000', { autoReconnect: false, connectTimeout: 2500 });
    const closed = record(c, 'socket_closed');
    const outcome = await settle(c.connect(), 4000);
    assert.equal(outcome.status, 'rejected');
    assert.ok(closed.events.length >= 1);
    assert.deepEqual(unhandled, []);
  });
});
