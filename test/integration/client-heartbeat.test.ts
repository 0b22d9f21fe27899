import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startScriptServer } from '../support/scriptServer';
import { startRealServer } from '../support/realServer';
import { waitForEvent, expectNoEvent } from '../support/wait';
import { newClient } from '../support/clients';

const T = { timeout: 5000 };

describe('client-heartbeat', () => {
  test('answers a server ping at once with a pong echoing its id', T, async (t) => {
    const s = await startScriptServer();
    t.after(() => s.close());
    const c = newClient(t, s.url);
    await c.connect();
    const conn = await s.nextConnection();
    const sent = Date.now();
    conn.send({ msg: 'ping', id: 'hb-42' });
    const pong = await conn.next('pong', 1000);
    assert.deepEqual(pong, { msg: 'pong', id: 'hb-42' });
    assert.ok(Date.now() - sent < 500);
  });

  test('answers a ping without id with a pong without id', T, async (t) => {
    const s = await startScriptServer();
    t.after(() => s.close());
    const c = newClient(t, s.url);
    await c.connect();
    const conn = await s.nextConnection();
    conn.send({ msg: 'ping' });
    const pong = await conn.next('pong', 1000);
    assert.deepEqual(pong, { msg: 'pong' });
    assert.ok(!('id' in pong));
  });

  test('answers pings from the real server (Meteor heartbeat) and stays connected', T, async (t) => {
    const server = await startRealServer({ heartbeatInterval: 80, heartbeatTimeout: 400 });
    t.after(() => server.close());
    const c = newClient(t, server.url);
    await c.connect();
    const session = c.session;
    // The server pings after 80 ms of silence and kills the session after 400 ms without an answer.
    await expectNoEvent(c, 'socket_closed', 1000);
    assert.equal(c.status, 'connected');
    assert.equal(c.session, session);
  });

  test('sends a ping after heartbeatInterval of silence', T, async (t) => {
    const s = await startScriptServer();
    t.after(() => s.close());
    const c = newClient(t, s.url, { heartbeatInterval: 100, heartbeatTimeout: 200 });
    await c.connect();
    const conn = await s.nextConnection();
    // Measured from when the server sent `connected`: the client cannot have heard anything earlier.
    const connectedAt = conn.sent.find((f) => f.msg?.msg === 'connected')!.at;
    const ping = await conn.next('ping', 1500);
    const elapsed = conn.received.find((f) => f.msg?.msg === 'ping')!.at - connectedAt;
    assert.equal(ping.msg, 'ping');
    if ('id' in ping) assert.equal(typeof ping.id, 'string');
    assert.ok(elapsed >= 95, `pinged after ${elapsed} ms of silence, before heartbeatInterval`);
    assert.ok(elapsed < 1000, `pinged only after ${elapsed} ms`);
  });

  test('any incoming frame counts as life: no ping while the server keeps talking', T, async (t) => {
    const s = await startScriptServer();
    t.after(() => s.close());
    const c = newClient(t, s.url, { heartbeatInterval: 300, heartbeatTimeout: 300 });
    await c.connect();
    const conn = await s.nextConnection();
    let n = 0;
    const chatter = setInterval(
      () => conn.send({ msg: 'added', collection: 'chatter', id: `d${n++}`, fields: {} }),
      30,
    );
    t.after(() => clearInterval(chatter));
    await expectNoEvent(c, 'socket_closed', 900);
    clearInterval(chatter);
    assert.equal(conn.ofType('ping').length, 0, 'no ping while frames keep arriving');
    assert.equal(c.status, 'connected');
  });

  test('a pong keeps the connection alive over several heartbeat rounds', T, async (t) => {
    const s = await startScriptServer();
    t.after(() => s.close());
    const c = newClient(t, s.url, { heartbeatInterval: 60, heartbeatTimeout: 300 });
    await c.connect();
    const conn = await s.nextConnection();
    await expectNoEvent(c, 'socket_closed', 700);
    assert.ok(conn.ofType('ping').length >= 2, `only ${conn.ofType('ping').length} pings in 700 ms`);
    assert.ok(!conn.closed);
    assert.equal(s.connections.length, 1);
  });

  test(
    'half-open server: no answer to our ping -> socket dropped and reconnect within interval+timeout',
    T,
    async (t) => {
      const s = await startScriptServer();
      t.after(() => s.close());
      const interval = 100;
      const timeout = 200;
      const c = newClient(t, s.url, {
        heartbeatInterval: interval,
        heartbeatTimeout: timeout,
        autoReconnectTimeout: 30,
      });
      await c.connect();
      const conn = await s.nextConnection();
      conn.autoPong = false; // half-open from now on: the socket stays open, nothing answers
      conn.silent = true;
      // Measured from when the server sent `connected` (the client's silence timer cannot start earlier).
      const start = conn.sent.find((f) => f.msg?.msg === 'connected')!.at;
      const closed = waitForEvent(c, 'socket_closed', { timeout: 2500 });
      await conn.next('ping', 1500);
      await closed;
      const droppedAfter = Date.now() - start;
      assert.ok(droppedAfter >= interval + timeout - 5, `dropped after ${droppedAfter} ms, before the timeout ran out`);
      const next = await s.nextConnection(2000);
      const reconnectedAfter = Date.now() - start;
      // interval (maybe twice, for a tick-based check) + timeout + first backoff + slack
      assert.ok(reconnectedAfter < 2 * interval + timeout + 900, `reconnected only after ${reconnectedAfter} ms`);
      await waitForEvent(c, 'connected', { timeout: 1000 });
      assert.equal(c.status, 'connected');
      assert.equal(next.ofType('connect').length, 1);
      await conn.waitClosed(1000);
    },
  );

  test('heartbeatInterval 0 disables the heartbeat', T, async (t) => {
    const s = await startScriptServer();
    t.after(() => s.close());
    const c = newClient(t, s.url, { heartbeatInterval: 0, heartbeatTimeout: 50 });
    await c.connect();
    const conn = await s.nextConnection();
    conn.autoPong = false;
    await expectNoEvent(c, 'socket_closed', 500);
    assert.equal(conn.ofType('ping').length, 0);
  });

  test('no heartbeat on pre1', T, async (t) => {
    const s = await startScriptServer({ versions: ['pre1'] });
    t.after(() => s.close());
    const c = newClient(t, s.url, { heartbeatInterval: 50, heartbeatTimeout: 50 });
    await c.connect();
    assert.equal(c.version, 'pre1');
    const conn = s.last!;
    conn.autoPong = false;
    await expectNoEvent(c, 'socket_closed', 500);
    assert.equal(conn.ofType('ping').length, 0, 'no ping on pre1');
  });
});
