// Meteor's call options over real sockets, with the connection cut by the fault proxy (test/support/proxy.ts):
// `noRetry` (never resent; fails when the connection drops before the answer, even with `retry`) and `wait` (held
// until every earlier call is answered; every later call AND subscription held until it is answered).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startRealServer } from '../support/realServer';
import { startProxy } from '../support/proxy';
import { waitForEvent, waitUntil, settle } from '../support/wait';
import { newClient } from '../support/clients';
import { isDdpConnectionError } from '../../src/ddp';

const T = { timeout: 30_000 };

describe('call options: noRetry and wait (Meteor semantics)', () => {
  test(
    'noRetry: a call on the wire when the connection drops fails with CONNECTION_LOST and is never resent, even with retry',
    T,
    async (t) => {
      const s = await startRealServer();
      t.after(() => s.close());
      const proxy = await startProxy({ port: s.port });
      t.after(() => proxy.close());
      const c = newClient(t, proxy.url);
      await c.connect();
      const started = waitForEvent(s.events, 'slow', { timeout: 5000, filter: (k: string) => k === 'once' });
      const once = c.call('slow', ['once'], { noRetry: true, retry: true });
      const retried = c.call('slow', ['again'], { retry: true });
      await started;
      await waitUntil(() => s.pendingSlow().includes('again'), 5000);
      proxy.cutAll('noRetry');
      const outcome = await settle(once, 5000);
      assert.equal(outcome.status, 'rejected');
      assert.ok(outcome.status === 'rejected' && isDdpConnectionError(outcome.reason));
      assert.equal((outcome.reason as { code?: string }).code, 'CONNECTION_LOST');
      await waitForEvent(c, 'reconnected', { timeout: 10_000 });
      // The retry call is resent on the new session; the noRetry one is not, before or after it.
      const sent = (key: string) => s.received.filter((m) => m.msg.msg === 'method' && m.msg.params?.[0] === key);
      await waitUntil(() => sent('again').length === 2, 5000);
      s.release('again', 'done');
      assert.equal(await retried, 'done');
      assert.equal(sent('once').length, 1);
      s.release('once');
    },
  );

  test(
    'noRetry does not fail a call that was never sent: queued while down, it goes out after connecting',
    T,
    async (t) => {
      const s = await startRealServer();
      t.after(() => s.close());
      const proxy = await startProxy({ port: s.port });
      t.after(() => proxy.close());
      const c = newClient(t, proxy.url);
      await c.connect();
      const drop = waitForEvent(c, 'socket_closed', { timeout: 5000 });
      proxy.cutAll('down');
      await drop;
      assert.equal(await c.call('math.add', [2, 3], { noRetry: true }), 5);
    },
  );

  test('wait: held until earlier calls are answered; later calls and subscriptions wait for it', T, async (t) => {
    const s = await startRealServer();
    t.after(() => s.close());
    const c = newClient(t, s.url);
    await c.connect();
    const before = c.call('slow', ['before']);
    await waitUntil(() => s.pendingSlow().includes('before'), 5000);
    const waiting = c.call('slow', ['waiting'], { wait: true });
    const after = c.call('echo', ['after']);
    let ready = false;
    c.subscribe('docs', ['held'], () => (ready = true));
    const sentOf = () =>
      s.received.map((m) => (m.msg.msg === 'sub' ? `sub:${m.msg.params?.[0]}` : `method:${m.msg.params?.[0]}`));
    // Only the first call is on the wire: the wait method waits for it, everything else for the wait method.
    assert.deepEqual(sentOf(), ['method:before']);
    s.release('before', 1);
    await before;
    await waitUntil(() => s.pendingSlow().includes('waiting'), 5000);
    assert.deepEqual(sentOf(), ['method:before', 'method:waiting']);
    s.release('waiting', 2);
    assert.equal(await waiting, 2);
    assert.equal(await after, 'after');
    await waitUntil(() => ready, 5000);
    assert.deepEqual(sentOf(), ['method:before', 'method:waiting', 'method:after', 'sub:held']);
  });
});
