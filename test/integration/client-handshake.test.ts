// The handshake is tolerant of odd servers and never loops: `connected` without a session, version negotiation that
// would go round in circles, SockJS endpoints, and socket-level failures that must reach the caller intact.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DdpConnectionError, type SocketError } from '../../src/ddp';
import { startScriptServer, type ScriptConnection } from '../support/scriptServer';
import { expectNoEvent, record, settle, waitForEvent } from '../support/wait';
import { newClient, protocolErrors, refusedPort, trapUnhandled } from '../support/clients';

const T = { timeout: 5000 };

describe('client-handshake: connected without a session id', () => {
  test(
    '"connected" with a numeric session_id (Tarang\'s ddp-server): accepted, one warning, session undefined',
    T,
    async (t) => {
      const s = await startScriptServer({ autoConnect: false });
      t.after(() => s.close());
      const c = newClient(t, s.url);
      const errors = protocolErrors(c);
      const p = c.connect();
      const conn = await s.nextConnection();
      await conn.next('connect');
      conn.send({ server_id: 0 });
      conn.send({ msg: 'connected', session_id: 1795996717174 });
      await p;
      assert.equal(c.status, 'connected');
      assert.equal(c.session, undefined);
      assert.equal(errors.events.length, 1, JSON.stringify(errors.events));
      assert.match(errors.events[0][0], /"connected" without a string "session" \(it has "session_id"\)/);
      // The session works, and a reconnect does not send a session it never had.
      const call = c.call('x', []);
      const m = await conn.next('method');
      conn.send({ msg: 'result', id: m.id, result: 1 });
      assert.equal(await call, 1);
      conn.terminate();
      const conn2 = await s.nextConnection();
      const connect2 = await conn2.next('connect');
      assert.equal('session' in connect2, false);
      conn2.send({ msg: 'connected' });
      await waitForEvent(c, 'connected');
      assert.equal(errors.events.length, 2);
    },
  );
});

describe('client-handshake: version negotiation never loops', () => {
  /** A server that refuses every `connect`, naming the next version of `rotation` each time. */
  async function rotatingServer(t: import('node:test').TestContext, rotation: string[], acceptFirst = false) {
    const s = await startScriptServer({ autoConnect: false });
    t.after(() => s.close());
    let n = 0;
    s.on('message', (conn: ScriptConnection, msg: any) => {
      if (msg?.msg !== 'connect') return;
      if (acceptFirst && conn.index === 0) return conn.accept();
      conn.send({ msg: 'failed', version: rotation[n++ % rotation.length] });
      conn.close();
    });
    return s;
  }

  test(
    'a server naming a different version on every attempt: each version once, then version_mismatch and stop',
    T,
    async (t) => {
      const s = await rotatingServer(t, ['pre2', 'pre1', '1']);
      const c = newClient(t, s.url, { autoReconnectTimeout: 10, maxReconnectTimeout: 10 });
      const mismatch = record(c, 'version_mismatch');
      const outcome = await settle(c.connect(), 3000);
      assert.equal(outcome.status, 'rejected');
      const err = (outcome as { reason: DdpConnectionError }).reason;
      assert.ok(err instanceof DdpConnectionError);
      assert.equal(err.code, 'VERSION_MISMATCH');
      assert.deepEqual(
        s.messages('connect').map((m) => m.version),
        ['1', 'pre2', 'pre1'],
      );
      assert.equal(mismatch.events.length, 1);
      assert.equal(c.status, 'failed');
      // Stopped: with a 10 ms backoff any further attempt would show within this window.
      await expectNoEvent(c, 'connecting', 300);
      assert.equal(s.connections.length, 3);
    },
  );

  test('the same on a reconnect after a working session: bounded, then version_mismatch', T, async (t) => {
    const s = await rotatingServer(t, ['pre1', 'pre2', '1'], true);
    const c = newClient(t, s.url, { autoReconnectTimeout: 10, maxReconnectTimeout: 10 });
    await c.connect();
    const mismatch = waitForEvent(c, 'version_mismatch', { timeout: 3000 });
    s.connections[0].terminate();
    await mismatch;
    assert.equal(c.status, 'failed');
    await expectNoEvent(c, 'connecting', 300);
    assert.equal(s.connections.length, 4, '1 session + 3 refused proposals');
  });

  test('a later connect() starts a new cycle: every version may be tried again', T, async (t) => {
    const s = await rotatingServer(t, ['pre2', 'pre1', '1']);
    const c = newClient(t, s.url);
    await settle(c.connect(), 3000);
    const again = await settle(c.connect(), 3000);
    assert.equal((again as { reason: DdpConnectionError }).reason.code, 'VERSION_MISMATCH');
    assert.equal(s.connections.length, 6);
  });
});

describe("client-handshake: with transport 'websocket', a SockJS endpoint fails at once", () => {
  const framings: Array<[string, string[]]> = [
    ['the open frame "o"', ['o']],
    ['a heartbeat "h"', ['h']],
    ['a message array a[...]', ['a["{\\"msg\\":\\"connected\\",\\"session\\":\\"x\\"}"]']],
    ['a close frame c[...]', ['c[3000,"Go away!"]']],
  ];
  for (const [what, frames] of framings) {
    test(`SockJS framing (${what}): connect() rejects with UNSUPPORTED_TRANSPORT, no retry`, T, async (t) => {
      const unhandled = trapUnhandled(t);
      const s = await startScriptServer({ autoConnect: false });
      t.after(() => s.close());
      s.on('connection', (conn: ScriptConnection) => conn.sendAll(frames));
      // A long connectTimeout proves the failure does not wait for it.
      const c = newClient(t, s.url, { connectTimeout: 10_000, transport: 'websocket' });
      const failed = record(c, 'status');
      const outcome = await settle(c.connect(), 1500);
      assert.equal(outcome.status, 'rejected');
      const err = (outcome as { reason: DdpConnectionError }).reason;
      assert.ok(err instanceof DdpConnectionError);
      assert.equal(err.code, 'UNSUPPORTED_TRANSPORT');
      assert.match(err.message, /SockJS/);
      assert.match(err.message, /\/websocket/);
      assert.equal(c.status, 'failed');
      assert.ok(failed.events.some(([st]) => st === 'failed'));
      await expectNoEvent(c, 'connecting', 200);
      assert.equal(s.connections.length, 1);
      assert.deepEqual(unhandled, []);
    });
  }

  test('a /sockjs/<n>/<id>/websocket URL: the message names the raw /websocket URL to use', T, async (t) => {
    const s = await startScriptServer({ autoConnect: false });
    t.after(() => s.close());
    s.on('connection', (conn: ScriptConnection) => conn.send('o'));
    const c = newClient(t, `ws://127.0.0.1:${s.port}/sockjs/123/abcdefgh/websocket`, { transport: 'websocket' });
    const outcome = await settle(c.connect(), 1500);
    const err = (outcome as { reason: DdpConnectionError }).reason;
    assert.equal(err.code, 'UNSUPPORTED_TRANSPORT');
    assert.ok(err.message.includes(`ws://127.0.0.1:${s.port}/websocket`), err.message);
    assert.equal(s.paths[0], '/sockjs/123/abcdefgh/websocket');
  });

  test(
    'calls queued before connect() are rejected too (nothing waits for a connection that cannot come)',
    T,
    async (t) => {
      const s = await startScriptServer({ autoConnect: false });
      t.after(() => s.close());
      s.on('connection', (conn: ScriptConnection) => conn.send('o'));
      const c = newClient(t, s.url, { transport: 'websocket' });
      const call = c.call('queued', []);
      let subError: Error | undefined;
      c.subscribe('queued', [], (e) => (subError = e));
      await settle(c.connect(), 1500);
      const outcome = await settle(call, 1000);
      assert.equal(outcome.status, 'rejected');
      assert.ok(subError instanceof DdpConnectionError, 'the subscription callback was told');
    },
  );

  test('after the session is up, a frame looking like SockJS is just a bad frame', T, async (t) => {
    const s = await startScriptServer();
    t.after(() => s.close());
    const c = newClient(t, s.url);
    const connP = waitForEvent<[ScriptConnection]>(s, 'connection');
    await c.connect();
    const errors = protocolErrors(c);
    (await connP)[0].send('h');
    await errors.waitCount(1);
    assert.equal(c.status, 'connected');
  });
});

describe('client-handshake: socket failures keep their original error', () => {
  async function httpServer(t: import('node:test').TestContext, status: number): Promise<string> {
    const srv = http.createServer((req, res) => {
      res.writeHead(status, { 'content-type': 'text/html' });
      res.end('<html>not a DDP server</html>');
    });
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => srv.close(() => resolve())));
    return `ws://127.0.0.1:${(srv.address() as AddressInfo).port}/websocket`;
  }

  for (const status of [404, 200]) {
    test(
      `HTTP ${status} to the upgrade: socket_error carries statusCode ${status}; connect() rejects with it as cause`,
      T,
      async (t) => {
        const url = await httpServer(t, status);
        const c = newClient(t, url, { autoReconnect: false });
        const socketErrors = record(c, 'socket_error');
        const outcome = await settle(c.connect(), 3000);
        const err = (outcome as { reason: DdpConnectionError }).reason;
        assert.equal(err.code, 'SOCKET');
        assert.equal((err.cause as SocketError).statusCode, status);
        assert.equal(socketErrors.events.length, 1);
        assert.equal(socketErrors.events[0][0].statusCode, status);
      },
    );
  }

  test(
    'connection refused: socket_error with code ECONNREFUSED before socket_closed; retried with autoReconnect',
    T,
    async (t) => {
      const port = await refusedPort();
      const c = newClient(t, `ws://127.0.0.1:${port}/websocket`);
      const order: string[] = [];
      c.on('socket_error', (e) => order.push(`socket_error ${e.code}`));
      c.on('socket_closed', () => order.push('socket_closed'));
      c.connect().catch(() => undefined);
      await waitForEvent(c, 'reconnecting');
      await waitForEvent(c, 'reconnecting');
      assert.deepEqual(order.slice(0, 4), [
        'socket_error ECONNREFUSED',
        'socket_closed',
        'socket_error ECONNREFUSED',
        'socket_closed',
      ]);
    },
  );

  test(
    'connection refused with autoReconnect false: connect() rejects with the original error as cause',
    T,
    async (t) => {
      const port = await refusedPort();
      const c = newClient(t, `ws://127.0.0.1:${port}/websocket`, { autoReconnect: false });
      const outcome = await settle(c.connect(), 3000);
      const err = (outcome as { reason: DdpConnectionError }).reason;
      assert.equal(err.code, 'SOCKET');
      assert.equal((err.cause as SocketError).code, 'ECONNREFUSED');
      assert.match(err.message, /ECONNREFUSED/);
    },
  );

  test('TLS errors keep their code: self-signed certificate, and TLS to a plain server', T, async (t) => {
    const tls = await startScriptServer({ tls: true });
    const plain = await startScriptServer();
    t.after(() => Promise.all([tls.close(), plain.close()]));
    for (const [url, code] of [
      [tls.url, /SELF_SIGNED/],
      [`wss://127.0.0.1:${plain.port}/websocket`, /^(ERR_SSL_|EPROTO|ECONNRESET)/],
    ] as const) {
      const c = newClient(t, url, { autoReconnect: false });
      const socketError = waitForEvent(c, 'socket_error');
      const outcome = await settle(c.connect(), 3000);
      const [e] = await socketError;
      assert.match(String(e.code), code, `code ${e.code}: ${e.message}`);
      assert.equal(((outcome as { reason: DdpConnectionError }).reason.cause as SocketError).code, e.code);
    }
  });

  test(
    'an option the socket cannot be opened with (a header with a newline) rejects connect(), no hang',
    T,
    async (t) => {
      const s = await startScriptServer();
      t.after(() => s.close());
      const c = newClient(t, s.url, { headers: { 'X-Bad': 'a\nb' } });
      const outcome = await settle(c.connect(), 2000);
      assert.equal(outcome.status, 'rejected');
      assert.equal((outcome as { reason: DdpConnectionError }).reason.code, 'SOCKET');
      assert.equal(c.status, 'failed');
    },
  );
});
