// Every call and subscription settles, whatever shape of answer a server sends, and a call the server never
// answers ends at its timeout.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DdpConnectionError, DdpError, isDdpConnectionError, isDdpError, type DdpClient } from '../../src/ddp';
import { startScriptServer, type ScriptConnection, type ScriptServer } from '../support/scriptServer';
import { record, settle, waitForEvent } from '../support/wait';
import { newClient, connectToScript, protocolErrors, trapUnhandled } from '../support/clients';

const T = { timeout: 5000 };

let markerCount = 0;
/** Frames are handled in order: once this marker document is in, every frame sent before it has been handled. */
async function barrier(c: DdpClient, conn: ScriptConnection): Promise<void> {
  const id = `marker-${++markerCount}`;
  const seen = waitForEvent(c, 'added', {
    filter: (coll: string, docId: string) => coll === 'markers' && docId === id,
  });
  conn.send({ msg: 'added', collection: 'markers', id, fields: {} });
  await seen;
}

describe('client-settle: non-standard answers settle their call or subscription', () => {
  let s: ScriptServer;
  before(async () => {
    s = await startScriptServer();
  });
  after(() => s.close());

  const setup = (t: import('node:test').TestContext, options = {}) => connectToScript(t, s, options);

  /** Calls `name`, answers its method frame with `answer(id)` and returns how the call settled. */
  async function answered(c: DdpClient, conn: ScriptConnection, answer: (id: string) => unknown) {
    const p = c.call('odd.method', [1]);
    const m = await conn.next('method');
    conn.send(answer(m.id));
    return settle(p, 2000);
  }

  const errorFrames: Array<[string, (id: string) => unknown, RegExp]> = [
    [
      '{"id","error"} without msg (ddp-server-reactive, Tarang)',
      (id) => ({ id, error: { error: 404, reason: 'Method not found', errorType: 'Meteor.Error' } }),
      /without "msg"/,
    ],
    [
      '{"msg":"error","id","error"} (ddp-server-event)',
      (id) => ({ msg: 'error', id, error: { error: 404, reason: 'Method not found' } }),
      /"msg":"error","id","error"/,
    ],
  ];
  for (const [what, frame, shape] of errorFrames) {
    test(`${what}: the call rejects with a DdpError and one protocol_error names the shape`, T, async (t) => {
      const unhandled = trapUnhandled(t);
      const { c, conn } = await setup(t);
      const errors = protocolErrors(c);
      const outcome = await answered(c, conn, frame);
      assert.equal(outcome.status, 'rejected');
      const err = (outcome as { reason: DdpError }).reason;
      assert.ok(err instanceof DdpError, `a DdpError, got ${err}`);
      assert.equal(err.error, 404);
      assert.equal(err.reason, 'Method not found');
      await barrier(c, conn);
      assert.equal(errors.events.length, 1, JSON.stringify(errors.events));
      assert.match(errors.events[0][0], shape);
      assert.match(errors.events[0][0], /non-standard/);
      assert.equal(c.status, 'connected');
      assert.deepEqual(unhandled, []);
    });
  }

  const oddResults: Array<[string, (id: string) => unknown, (err: DdpError) => void]> = [
    [
      '"error" as a string',
      (id) => ({ msg: 'result', id, error: 'Something broke' }),
      (e) => {
        assert.equal(e.error, 'Something broke');
        assert.equal(e.message, 'Something broke');
      },
    ],
    ['"error" as a number', (id) => ({ msg: 'result', id, error: 500 }), (e) => assert.equal(e.error, 500)],
    [
      'an error object without a code',
      (id) => ({ msg: 'result', id, error: { reason: 'No code here' } }),
      (e) => assert.equal(e.reason, 'No code here'),
    ],
    [
      'an error object with a boolean code',
      (id) => ({ msg: 'result', id, error: { error: true, message: 'bool' } }),
      (e) => assert.equal(e.message, 'bool'),
    ],
    [
      '"error" as an array',
      (id) => ({ msg: 'result', id, error: ['x'] }),
      (e) => assert.match(e.message, /unreadable error/),
    ],
    [
      'a string error without msg',
      (id) => ({ id, error: 'plain text error' }),
      (e) => assert.equal(e.message, 'plain text error'),
    ],
  ];
  for (const [what, frame, check] of oddResults) {
    test(`a result with ${what} rejects the call with a DdpError (one protocol_error)`, T, async (t) => {
      const { c, conn } = await setup(t);
      const errors = protocolErrors(c);
      const outcome = await answered(c, conn, frame);
      assert.equal(outcome.status, 'rejected');
      const err = (outcome as { reason: DdpError }).reason;
      assert.ok(err instanceof DdpError, `a DdpError, got ${err}`);
      check(err);
      await barrier(c, conn);
      assert.equal(errors.events.length, 1, JSON.stringify(errors.events));
    });
  }

  test('a result with a numeric id settles the call it names (one protocol_error)', T, async (t) => {
    const { c, conn } = await setup(t);
    const errors = protocolErrors(c);
    const outcome = await answered(c, conn, (id) => ({ msg: 'result', id: Number(id), result: 'ok' }));
    assert.deepEqual(outcome, { status: 'fulfilled', value: 'ok' });
    await barrier(c, conn);
    assert.equal(errors.events.length, 1);
    assert.match(errors.events[0][0], /numeric "id"/);
  });

  test('a result without msg settles the call it names', T, async (t) => {
    const { c, conn } = await setup(t);
    const errors = protocolErrors(c);
    const outcome = await answered(c, conn, (id) => ({ id, result: 7 }));
    assert.deepEqual(outcome, { status: 'fulfilled', value: 7 });
    assert.equal(errors.events.length, 1);
  });

  test('a result nested too deep to read rejects its call (PROTOCOL)', T, async (t) => {
    const { c, conn } = await setup(t);
    const outcome = await answered(
      c,
      conn,
      (id) => `{"msg":"result","id":"${id}","result":${'['.repeat(3000)}${']'.repeat(3000)}}`,
    );
    assert.equal(outcome.status, 'rejected');
    assert.equal((outcome as { reason: DdpConnectionError }).reason.code, 'PROTOCOL');
  });

  test('a "wait" call answered by a non-standard error frame releases the calls queued behind it', T, async (t) => {
    const { c, conn } = await setup(t);
    const first = c.call('blocking', [], { wait: true });
    const m1 = await conn.next('method');
    const second = c.call('after', []);
    conn.send({ id: m1.id, error: { error: 500, reason: 'boom' } });
    assert.equal((await settle(first)).status, 'rejected');
    const m2 = await conn.next('method');
    assert.equal(m2.method, 'after');
    conn.send({ msg: 'result', id: m2.id, result: 2 });
    assert.equal(await second, 2);
  });

  test('a server error whose offendingMessage is JSON text still refuses the call it names', T, async (t) => {
    const { c, conn } = await setup(t);
    const outcome = await answered(c, conn, (id) => ({
      msg: 'error',
      reason: 'Bad request',
      offendingMessage: JSON.stringify({ msg: 'method', id, method: 'odd.method', params: [1] }),
    }));
    assert.equal(outcome.status, 'rejected');
    // A refusal has its own code: the answer was readable, the server refused the message itself.
    assert.equal((outcome as { reason: DdpConnectionError }).reason.code, 'REFUSED');
    assert.ok(isDdpConnectionError((outcome as { reason: unknown }).reason));
    assert.ok(!isDdpError((outcome as { reason: unknown }).reason));
  });

  const subAnswers: Array<[string, (id: string) => unknown, (err: Error) => void]> = [
    [
      'nosub with "error" as a string',
      (id) => ({ msg: 'nosub', id, error: 'not allowed' }),
      (e) => {
        assert.ok(e instanceof DdpError);
        assert.equal(e.message, 'not allowed');
      },
    ],
    [
      '{"msg":"error","id","error"} for the subscription',
      (id) => ({ msg: 'error', id, error: { error: 403, reason: 'denied' } }),
      (e) => {
        assert.ok(e instanceof DdpError);
        assert.equal(e.error, 403);
      },
    ],
    [
      '{"id","error"} without msg for the subscription',
      (id) => ({ id, error: { error: 403, reason: 'denied' } }),
      (e) => {
        assert.ok(e instanceof DdpError);
        assert.equal(e.reason, 'denied');
      },
    ],
    [
      'a server error refusing the sub message',
      (id) => ({ msg: 'error', reason: 'Bad request', offendingMessage: { msg: 'sub', id, name: 'x' } }),
      (e) => {
        assert.ok(isDdpConnectionError(e));
        assert.equal(e.code, 'REFUSED');
      },
    ],
    [
      'an unreadable nosub (nested too deep)',
      (id) => `{"msg":"nosub","id":"${id}","error":{"error":1,"details":${'['.repeat(3000)}${']'.repeat(3000)}}}`,
      (e) => {
        assert.ok(e instanceof DdpConnectionError);
        assert.equal(e.code, 'PROTOCOL');
      },
    ],
  ];
  for (const [what, frame, check] of subAnswers) {
    test(`${what}: the pending subscription ends with that error, callback and nosub event once`, T, async (t) => {
      const { c, conn } = await setup(t);
      const errors = protocolErrors(c);
      const nosubs = record(c, 'nosub');
      const callbacks: Array<Error | undefined> = [];
      const id = c.subscribe('odd.pub', [], (err) => callbacks.push(err));
      const sub = await conn.next('sub');
      assert.equal(sub.id, id);
      conn.send(frame(id));
      await barrier(c, conn);
      assert.equal(callbacks.length, 1);
      check(callbacks[0]!);
      assert.equal(c.subscriptions.get(id)?.state, 'error');
      assert.equal(nosubs.events.length, 1);
      assert.equal(nosubs.events[0][0], id);
      assert.equal(errors.events.length, 1, JSON.stringify(errors.events));
    });
  }

  test('ready with "subs" as a single string readies that subscription', T, async (t) => {
    const { c, conn } = await setup(t);
    const errors = protocolErrors(c);
    const ready = new Promise<Error | undefined>((resolve) => {
      const id = c.subscribe('one', [], resolve);
      void conn.next('sub').then(() => conn.send({ msg: 'ready', subs: id }));
    });
    assert.equal(await ready, undefined);
    assert.equal(errors.events.length, 1);
  });

  test('updated with "id" instead of "methods" (ddp-server-reactive) is read as that method', T, async (t) => {
    const { c, conn } = await setup(t);
    const updated = waitForEvent(c, 'updated');
    conn.send({ msg: 'updated', id: '42' });
    assert.deepEqual((await updated)[0], ['42']);
  });
});

describe('client-settle: call timeouts', () => {
  let s: ScriptServer;
  before(async () => {
    s = await startScriptServer();
  });
  after(() => s.close());

  const setup = (t: import('node:test').TestContext, options = {}) => connectToScript(t, s, options);

  test(
    'call(name, params, { timeout }) rejects with TIMEOUT; the late answer and its updated are ignored',
    T,
    async (t) => {
      const unhandled = trapUnhandled(t);
      const { c, conn } = await setup(t);
      const errors = protocolErrors(c);
      const updated = record(c, 'updated');
      const p = c.call('never.answered', [1], { timeout: 50 });
      const m = await conn.next('method');
      const outcome = await settle(p, 2000);
      assert.equal(outcome.status, 'rejected');
      const err = (outcome as { reason: DdpConnectionError }).reason;
      assert.ok(err instanceof DdpConnectionError);
      assert.equal(err.code, 'TIMEOUT');
      assert.match(err.message, /did not answer method 'never\.answered' within 50 ms/);
      conn.send({ msg: 'updated', methods: [m.id] });
      conn.send({ msg: 'result', id: m.id, result: 'too late' });
      conn.send({ msg: 'updated', methods: [m.id, 'other'] });
      await barrier(c, conn);
      assert.deepEqual(errors.events, [], 'a late answer is not a protocol error');
      assert.deepEqual(updated.events, [[['other']]], 'the late call is left out of updated');
      // The client goes on working.
      const q = c.call('answered', [], { timeout: 2000 });
      const m2 = await conn.next('method');
      conn.send({ msg: 'result', id: m2.id, result: 'yes' });
      assert.equal(await q, 'yes');
      assert.deepEqual(unhandled, []);
    },
  );

  test('the methodTimeout option applies to every call; { timeout: 0 } opts one call out', T, async (t) => {
    const { c, conn } = await setup(t, { methodTimeout: 50 });
    let patientSettled = false;
    const patient = c.call('patient', [], { timeout: 0 });
    patient.finally(() => (patientSettled = true)).catch(() => undefined);
    const mp = await conn.next('method');
    const outcome = await settle(c.call('hasty', []), 2000);
    assert.equal((outcome as { reason: DdpConnectionError }).reason.code, 'TIMEOUT');
    assert.equal(patientSettled, false, 'the call with timeout 0 still waits');
    conn.send({ msg: 'result', id: mp.id, result: 'worth the wait' });
    assert.equal(await patient, 'worth the wait');
  });

  test('a timed-out "wait" call releases the calls queued behind it', T, async (t) => {
    const { c, conn } = await setup(t);
    const first = c.call('blocking', [], { wait: true, timeout: 50 });
    await conn.next('method');
    const second = c.call('after', []);
    assert.equal(((await settle(first)) as { reason: DdpConnectionError }).reason.code, 'TIMEOUT');
    const m2 = await conn.next('method');
    assert.equal(m2.method, 'after');
    conn.send({ msg: 'result', id: m2.id, result: 2 });
    assert.equal(await second, 2);
  });

  test(
    'the timeout counts while the call is queued: a call made before connect() times out and is never sent',
    T,
    async (t) => {
      const c = newClient(t, s.url);
      const outcome = await settle(c.call('queued', [], { timeout: 30 }), 2000);
      assert.equal((outcome as { reason: DdpConnectionError }).reason.code, 'TIMEOUT');
      const connP = waitForEvent<[ScriptConnection]>(s, 'connection');
      await c.connect();
      const conn = (await connP)[0];
      const p = c.call('next', []);
      const m = await conn.next('method');
      assert.equal(m.method, 'next', 'the timed-out call was not sent');
      conn.send({ msg: 'result', id: m.id, result: 1 });
      await p;
    },
  );

  test('a timed-out call given to the callback form reaches the callback once', T, async (t) => {
    const { c } = await setup(t);
    const seen = await new Promise<Error | undefined>(
      (resolve) => void c.call('cb', [], (err) => resolve(err), { timeout: 30 }),
    );
    assert.equal((seen as DdpConnectionError).code, 'TIMEOUT');
  });

  test(
    'the resume login after a reconnect is bounded by methodTimeout: the calls queued behind it go out',
    T,
    async (t) => {
      const { c, conn } = await setup(t, { methodTimeout: 100 });
      const login = c.loginWithToken('resume-token');
      const m = await conn.next('method');
      conn.send({ msg: 'result', id: m.id, result: { id: 'user-1', token: 'resume-token' } });
      await login;
      conn.terminate();
      const conn2 = (await waitForEvent<[ScriptConnection]>(s, 'connection'))[0];
      const resume = await conn2.next('method');
      assert.equal(resume.method, 'login');
      const after = c.call('after.reconnect', [], { timeout: 0 });
      // The server never answers the resume login; the queue behind it is released when it times out.
      const m2 = await conn2.nextMessage((x) => x?.msg === 'method' && x.method === 'after.reconnect');
      conn2.send({ msg: 'result', id: m2.id, result: 'went out' });
      assert.equal(await after, 'went out');
    },
  );

  test('a retry call waiting for a reconnect times out too', T, async (t) => {
    const { c, conn } = await setup(t, { autoReconnectTimeout: 60_000, maxReconnectTimeout: 60_000 });
    const p = c.call('retry.me', [], { retry: true, timeout: 200 });
    await conn.next('method');
    conn.terminate();
    const outcome = await settle(p, 2000);
    assert.equal((outcome as { reason: DdpConnectionError }).reason.code, 'TIMEOUT');
  });
});
