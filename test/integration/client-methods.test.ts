import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DdpError, DdpConnectionError } from '../../src/ddp';
import { startRealServer, type RealServer } from '../support/realServer';
import { startScriptServer } from '../support/scriptServer';
import { waitForEvent, waitUntil, settle } from '../support/wait';
import { newClient, connectedClient, trapUnhandled, nextTurn } from '../support/clients';

const T = { timeout: 5000 };

describe('client-methods', () => {
  let server: RealServer;
  before(async () => {
    server = await startRealServer();
  });
  after(() => server.close());

  /** Method messages the server got from the most recent session (or from session `conn`). */
  function methodsOf(conn: number): Array<Record<string, any>> {
    return server.received.filter((m) => m.connection === conn && m.msg.msg === 'method').map((m) => m.msg);
  }

  test('method ids are "1", "2", "3"... per client', T, async (t) => {
    const c = await connectedClient(t, server.url);
    const conn = server.connectionCount - 1;
    assert.equal(await c.call('echo', ['a']), 'a');
    assert.equal(await c.call('echo', ['b']), 'b');
    assert.equal(await c.call('math.add', [1, 2]), 3);
    assert.deepEqual(
      methodsOf(conn).map((m) => m.id),
      ['1', '2', '3'],
    );
    const c2 = await connectedClient(t, server.url);
    const conn2 = server.connectionCount - 1;
    await c2.call('echo', ['again']);
    assert.deepEqual(
      methodsOf(conn2).map((m) => m.id),
      ['1'],
      'a second client counts from 1 again',
    );
  });

  test('method ids go on counting across reconnects (never reset)', T, async (t) => {
    const c = await connectedClient(t, server.url);
    await c.call('echo', [1]);
    await c.call('echo', [2]);
    const conn = server.connectionCount - 1;
    server.dropConnections();
    await waitForEvent(c, 'reconnected', { timeout: 2000 });
    await c.call('echo', [3]);
    const after = server.received.filter((m) => m.connection > conn && m.msg.msg === 'method').map((m) => m.msg.id);
    assert.deepEqual(after, ['3']);
  });

  test('the method frame carries method, params and id; randomSeed, if any, is a string', T, async (t) => {
    const c = await connectedClient(t, server.url);
    const conn = server.connectionCount - 1;
    await c.call('echo.all', [1, 'two', { three: [3] }]);
    const [m] = methodsOf(conn);
    assert.equal(m.method, 'echo.all');
    assert.deepEqual(m.params, [1, 'two', { three: [3] }]);
    if ('randomSeed' in m) assert.equal(typeof m.randomSeed, 'string');
  });

  test('result: values come back, EJSON decoded', T, async (t) => {
    const c = await connectedClient(t, server.url);
    assert.equal(await c.call('math.add', [2, 3]), 5);
    assert.deepEqual(await c.call('echo.all', [1, [2], { x: null }]), [1, [2], { x: null }]);
    const v = (await c.call('ejson.values')) as { when: Date; bytes: Uint8Array };
    assert.ok(v.when instanceof Date);
    assert.equal(v.when.getTime(), Date.UTC(2020, 0, 2, 3, 4, 5, 6));
    assert.ok(v.bytes instanceof Uint8Array);
    assert.deepEqual([...v.bytes], [0, 1, 2, 254, 255]);
    const echoed = await c.call('echo', [new Date(123456)]);
    assert.ok(echoed instanceof Date, 'a Date param is sent as EJSON and comes back a Date');
    assert.equal(echoed.getTime(), 123456);
  });

  test('params are EJSON encoded: the server receives a real Date', T, async (t) => {
    const c = await connectedClient(t, server.url);
    assert.deepEqual(await c.call('ejson.describe', [new Date(42)]), { type: 'Date', time: 42 });
  });

  test('a call with no params and a method returning nothing resolve (undefined)', T, async (t) => {
    const c = await connectedClient(t, server.url);
    assert.equal(await c.call('nothing'), undefined);
    assert.equal(await c.call('nothing', []), undefined);
  });

  test('a Meteor error rejects with a DdpError carrying error, reason, details', T, async (t) => {
    const c = await connectedClient(t, server.url);
    const outcome = await settle(c.call('fail', ['fixture-code', 'Fixture reason', 'fixture details']));
    assert.equal(outcome.status, 'rejected');
    const err = (outcome as { reason: any }).reason;
    assert.ok(err instanceof DdpError, `not a DdpError: ${err}`);
    assert.ok(err instanceof Error);
    assert.equal(err.error, 'fixture-code');
    assert.equal(err.reason, 'Fixture reason');
    assert.equal(err.details, 'fixture details');
    assert.equal(err.errorType, 'Meteor.Error');
    assert.equal(typeof err.message, 'string');
    assert.ok(err.message.length > 0);
  });

  test('numeric error codes: unknown method 404, server exception 500', T, async (t) => {
    const c = await connectedClient(t, server.url);
    const missing = await settle(c.call('no.such.method'));
    assert.equal(missing.status, 'rejected');
    const e404 = (missing as { reason: any }).reason;
    assert.ok(e404 instanceof DdpError);
    assert.equal(e404.error, 404);
    assert.match(e404.reason ?? '', /no\.such\.method/);
    const crash = await settle(c.call('crash'));
    const e500 = (crash as { reason: any }).reason;
    assert.ok(e500 instanceof DdpError);
    assert.equal(e500.error, 500);
    assert.equal(e500.reason, 'Internal server error');
  });

  test('updated is emitted with the method id', T, async (t) => {
    const c = await connectedClient(t, server.url);
    const updated = waitForEvent(c, 'updated', { filter: (ids) => ids.includes('1') });
    await c.call('data.set', ['m-upd', 'x', { v: 1 }]);
    const [ids] = await updated;
    assert.deepEqual(ids, ['1']);
  });

  test('a call resolves although `updated` arrives before `result` (this server sends it first)', T, async (t) => {
    const c = await connectedClient(t, server.url);
    const order: string[] = [];
    c.on('updated', () => order.push('updated'));
    const result = await c.call('echo', ['order']);
    order.push('resolved');
    assert.equal(result, 'order');
    assert.deepEqual(order, ['updated', 'resolved']);
  });

  test('methods run concurrently: a slow call does not hold back a fast one', T, async (t) => {
    const c = await connectedClient(t, server.url);
    const slowStarted = waitForEvent(server.events, 'slow', { filter: (k: string) => k === 'concurrent' });
    let slowDone = false;
    const slow = c.call('slow', ['concurrent']).then((v) => {
      slowDone = true;
      return v;
    });
    await slowStarted;
    assert.equal(await c.call('math.add', [1, 1]), 2);
    assert.equal(slowDone, false);
    server.release('concurrent', 'late');
    assert.equal(await slow, 'late');
  });

  test('a param JSON cannot carry (BigInt) rejects that call only; the client keeps working', T, async (t) => {
    const unhandled = trapUnhandled(t);
    const c = await connectedClient(t, server.url);
    let outcome: Awaited<ReturnType<typeof settle>>;
    try {
      outcome = await settle(c.call('echo', [10n]), 1000);
    } catch (err) {
      outcome = { status: 'rejected', reason: err };
      assert.fail(`call() threw synchronously instead of rejecting: ${(err as Error).message}`);
    }
    assert.equal(outcome.status, 'rejected');
    assert.equal(await c.call('echo', ['still fine']), 'still fine');
    await nextTurn();
    assert.deepEqual(unhandled, []);
  });

  test('a BigInt param queued before connect() does not break connect() or the other queued calls', T, async (t) => {
    const unhandled = trapUnhandled(t);
    const c = newClient(t, server.url);
    let bad: Promise<unknown> | undefined;
    try {
      bad = c.call('echo', [10n]);
    } catch {
      /* rejecting synchronously by throwing is acceptable here: it never reached the queue */
    }
    bad?.catch(() => {});
    const good = c.call('echo', ['queued fine']);
    const connected = await settle(c.connect(), 2000);
    assert.equal(connected.status, 'fulfilled', 'connect() resolved');
    assert.equal(await good, 'queued fine');
    if (bad) assert.equal((await settle(bad, 1000)).status, 'rejected');
    await nextTurn();
    assert.deepEqual(unhandled, [], 'no uncaught exception from the socket handlers');
  });

  test('calls made before connect() are queued and sent once connected', T, async (t) => {
    const c = newClient(t, server.url);
    const p1 = c.call('echo', ['queued-1']);
    const p2 = c.call('math.add', [40, 2]);
    await c.connect();
    assert.deepEqual(await Promise.all([p1, p2]), ['queued-1', 42]);
  });

  test('queued calls go out after the connect frame, in call order', T, async (t) => {
    const s = await startScriptServer();
    t.after(() => s.close());
    const c = newClient(t, s.url);
    const p = c.call('first', [1]);
    p.catch(() => {});
    const q = c.call('second', [2]);
    q.catch(() => {});
    await c.connect();
    const conn = await s.nextConnection();
    await conn.next('method');
    await conn.next('method');
    assert.deepEqual(
      conn.messages.map((m) => m.msg),
      ['connect', 'method', 'method'],
    );
    assert.deepEqual(
      conn.ofType('method').map((m) => [m.id, m.method]),
      [
        ['1', 'first'],
        ['2', 'second'],
      ],
    );
    conn.send({ msg: 'result', id: '2', result: 'two' });
    conn.send({ msg: 'result', id: '1', result: 'one' });
    assert.deepEqual(await Promise.all([p, q]), ['one', 'two'], 'results matched by id, not by order');
  });

  test('calls made while reconnecting are queued and sent after the reconnect', T, async (t) => {
    const local = await startRealServer();
    t.after(() => local.close());
    const c = newClient(t, local.url);
    await c.connect();
    await local.stop();
    await waitUntil(() => c.status !== 'connected', 2000);
    const p = c.call('math.add', [5, 6]);
    await local.start();
    assert.equal(await p, 11);
    assert.equal(local.methodRuns.get('math.add'), 1, 'sent exactly once');
  });

  test('an unanswered call is rejected with a clear DdpConnectionError when the connection drops', T, async (t) => {
    const c = await connectedClient(t, server.url);
    const started = waitForEvent(server.events, 'slow', { filter: (k: string) => k === 'dropped' });
    const p = c.call('slow', ['dropped']);
    await started;
    const conn = server.connectionCount - 1;
    const [callId] = methodsOf(conn).map((m) => m.id);
    server.dropConnections();
    const outcome = await settle(p, 2000);
    assert.equal(outcome.status, 'rejected');
    const err = (outcome as { reason: any }).reason;
    assert.ok(err instanceof DdpConnectionError, `not a DdpConnectionError: ${err}`);
    assert.ok(!(err instanceof DdpError));
    assert.match(err.message, /slow/, 'names the method');
    assert.match(err.message, /may or may not/i, 'says the method may have run');
    await waitForEvent(c, 'connected', { timeout: 2000 });
    // Not resent on the new connection.
    assert.equal(await c.call('echo', ['after']), 'after');
    const resent = server.received.filter((m) => m.connection > conn && m.msg.msg === 'method' && m.msg.id === callId);
    assert.deepEqual(resent, []);
    server.release('dropped');
  });

  test('{retry: true}: an unanswered call is resent after reconnecting, with the same id and params', T, async (t) => {
    const c = await connectedClient(t, server.url);
    const started = waitForEvent(server.events, 'slow', { filter: (k: string) => k === 'retry-me' });
    const p = c.call('slow', ['retry-me'], { retry: true });
    await started;
    const conn = server.connectionCount - 1;
    const [original] = methodsOf(conn);
    const restarted = waitForEvent(server.events, 'message', {
      filter: (m: any) => m.connection > conn && m.msg.msg === 'method',
      timeout: 3000,
    });
    server.dropConnections();
    const [again] = await restarted;
    assert.equal(again.msg.id, original.id, 'same id');
    assert.deepEqual(again.msg.params, original.params, 'same params');
    assert.equal(again.msg.method, 'slow');
    server.release('retry-me', 'finally');
    assert.equal(await p, 'finally');
  });

  test('the retry option also works with a callback: call(method, params, callback, {retry})', T, async (t) => {
    const c = await connectedClient(t, server.url);
    const started = waitForEvent(server.events, 'slow', { filter: (k: string) => k === 'retry-cb' });
    let got: [unknown, unknown] | undefined;
    const done = new Promise<void>((resolve) => {
      void c.call(
        'slow',
        ['retry-cb'],
        (err, result) => {
          got = [err, result];
          resolve();
        },
        { retry: true },
      );
    });
    await started;
    const conn = server.connectionCount - 1;
    const restarted = waitForEvent(server.events, 'slow', { filter: (k: string) => k === 'retry-cb', timeout: 3000 });
    server.dropConnections();
    await restarted;
    assert.ok(server.connectionCount - 1 > conn);
    server.release('retry-cb', 'cb-ok');
    await done;
    assert.ok(got![0] === undefined || got![0] === null);
    assert.equal(got![1], 'cb-ok');
  });

  test('callback form gets (undefined, result) and the promise still resolves', T, async (t) => {
    const c = await connectedClient(t, server.url);
    const args = await new Promise<unknown[]>((resolve) => {
      const p = c.call('math.add', [1, 2], (...a: unknown[]) => resolve(a));
      assert.ok(p instanceof Promise, 'still returns a promise');
    });
    assert.ok(args[0] === undefined || args[0] === null, `error argument: ${args[0]}`);
    assert.equal(args[1], 3);
  });

  test('callback form gets the DdpError, and no rejection goes unhandled', T, async (t) => {
    const unhandled = trapUnhandled(t);
    const c = await connectedClient(t, server.url);
    const err = await new Promise<unknown>((resolve) => {
      // The returned promise is ignored on purpose.
      void c.call('fail', ['cb-code', 'cb reason'], (e) => resolve(e));
    });
    assert.ok(err instanceof DdpError);
    assert.equal(err.error, 'cb-code');
    await nextTurn();
    assert.deepEqual(unhandled, []);
  });

  test('callback form on a dropped connection: the callback gets the error, no unhandled rejection', T, async (t) => {
    const unhandled = trapUnhandled(t);
    const c = await connectedClient(t, server.url);
    const started = waitForEvent(server.events, 'slow', { filter: (k: string) => k === 'cb-drop' });
    const got = new Promise<unknown>((resolve) => {
      void c.call('slow', ['cb-drop'], (e) => resolve(e));
    });
    await started;
    server.dropConnections();
    const err = await got;
    assert.ok(err instanceof DdpConnectionError);
    await nextTurn();
    assert.deepEqual(unhandled, []);
    server.release('cb-drop');
  });
});

describe('client-methods: scripted', () => {
  test(
    '{wait: true} is sent after earlier calls complete and holds later calls back until it completes',
    T,
    async (t) => {
      const s = await startScriptServer();
      t.after(() => s.close());
      const c = newClient(t, s.url);
      await c.connect();
      const conn = await s.nextConnection();
      const a = c.call('a');
      const w = c.call('w', [], { wait: true });
      const b = c.call('b');
      const ma = await conn.next('method');
      assert.equal(ma.method, 'a');
      // Only `a` is out: ping as a barrier to be sure nothing else followed it.
      conn.send({ msg: 'ping', id: 'b1' });
      await conn.next('pong');
      assert.deepEqual(
        conn.ofType('method').map((m) => m.method),
        ['a'],
      );
      conn.send({ msg: 'result', id: ma.id, result: 'A' });
      const mw = await conn.next('method');
      assert.equal(mw.method, 'w');
      conn.send({ msg: 'ping', id: 'b2' });
      await conn.next('pong');
      assert.deepEqual(
        conn.ofType('method').map((m) => m.method),
        ['a', 'w'],
        '`b` waits for `w`',
      );
      conn.send({ msg: 'result', id: mw.id, result: 'W' });
      const mb = await conn.next('method');
      assert.equal(mb.method, 'b');
      conn.send({ msg: 'result', id: mb.id, result: 'B' });
      assert.deepEqual(await Promise.all([a, w, b]), ['A', 'W', 'B']);
    },
  );

  test('a result without a result field (Rocket.Chat leaves falsy ones out) resolves undefined', T, async (t) => {
    const s = await startScriptServer();
    t.after(() => s.close());
    const c = newClient(t, s.url);
    await c.connect();
    const conn = await s.nextConnection();
    const p = c.call('rc.method');
    const m = await conn.next('method');
    conn.send({ msg: 'result', id: m.id });
    assert.equal(await p, undefined);
  });

  test('error objects with extra fields and no reason still make a DdpError', T, async (t) => {
    const s = await startScriptServer();
    t.after(() => s.close());
    const c = newClient(t, s.url);
    await c.connect();
    const conn = await s.nextConnection();
    const p = c.call('x');
    const m = await conn.next('method');
    conn.send({
      msg: 'result',
      id: m.id,
      error: { error: 'too-many-requests', details: { timeToReset: 5 }, errorType: 'Meteor.Error', extra: 1 },
    });
    const outcome = await settle(p);
    const err = (outcome as { reason: any }).reason;
    assert.ok(err instanceof DdpError);
    assert.equal(err.error, 'too-many-requests');
    assert.deepEqual(err.details, { timeToReset: 5 });
    assert.ok(err.message.length > 0);
  });

  test('a version mismatch rejects calls queued before connect()', T, async (t) => {
    const s = await startScriptServer({ failVersion: '2' });
    t.after(() => s.close());
    const c = newClient(t, s.url);
    const p = c.call('queued');
    const connected = c.connect();
    connected.catch(() => {});
    const outcome = await settle(p, 2000);
    assert.equal(outcome.status, 'rejected');
    assert.ok((outcome as { reason: unknown }).reason instanceof DdpConnectionError);
  });
});
