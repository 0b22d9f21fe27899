// Faults: the proxy stalls the connection (sockets stay open, nothing flows). The client's heartbeat must
// notice within heartbeatInterval + heartbeatTimeout of the last frame it received, and reconnect.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startRealServer } from '../support/realServer';
import { startProxy, type Direction } from '../support/proxy';
import { waitForEvent, waitUntil, settle, expectNoEvent } from '../support/wait';
import { newClient, trapUnhandled } from '../support/clients';
import { DdpConnectionError } from '../../src/ddp';

const T = { timeout: 30_000 };
const INTERVAL = 400;
const TIMEOUT = 400;
/** Scheduling slack on a busy 2-core machine. */
const SLACK = 400;

describe('fault-stall: a connection that stays open but carries nothing', () => {
  for (const dir of [undefined, 'down', 'up'] as Array<Direction | undefined>) {
    const what = dir === undefined ? 'both directions' : dir === 'down' ? 'server to client' : 'client to server';
    test(
      `stall of ${what}: heartbeat drops the socket within interval + timeout and the client recovers`,
      T,
      async (t) => {
        const unhandled = trapUnhandled(t);
        const s = await startRealServer();
        t.after(() => s.close());
        for (let i = 0; i < 100; i++) s.store.set('items', `i${i}`, { n: i });
        const proxy = await startProxy({ port: s.port });
        t.after(() => proxy.close());
        let lastFrameIn = 0;
        const c = newClient(t, proxy.url, {
          heartbeatInterval: INTERVAL,
          heartbeatTimeout: TIMEOUT,
          debug: (line) => {
            if (line.startsWith('<')) lastFrameIn = Date.now();
          },
        });
        await c.connect();
        const subId = c.subscribe('docs', ['items']);
        await waitUntil(() => c.subscriptions.get(subId)?.state === 'ready', 5000);
        // Let a heartbeat round or two pass on a healthy link first: no drop.
        await expectNoEvent(c, 'status', 3 * INTERVAL);
        assert.equal(c.status, 'connected');

        const stalledPair = [...proxy.pairs][0];
        stalledPair.stall(dir);
        const stalledAt = Date.now();
        // A call on the stalled link is not answered; it must be rejected once the drop is noticed.
        const call = c.call('echo', ['into the void']);
        call.catch(() => undefined);
        s.store.set('items', 'during-stall', { n: -1 });
        s.store.remove('items', 'i0');

        const [code] = await waitForEvent(c, 'socket_closed', { timeout: INTERVAL + TIMEOUT + 3000 });
        const closedAt = Date.now();
        // Never later than interval + timeout after the last frame, which came no later than the stall...
        assert.ok(
          closedAt - Math.max(lastFrameIn, 0) <= INTERVAL + TIMEOUT + SLACK,
          `dropped ${closedAt - lastFrameIn} ms after the last frame (limit ${INTERVAL + TIMEOUT} + ${SLACK} slack)`,
        );
        assert.ok(closedAt - stalledAt <= INTERVAL + TIMEOUT + SLACK);
        // ...and not before the heartbeat could have known.
        assert.ok(
          closedAt - lastFrameIn >= INTERVAL + TIMEOUT - 50,
          `dropped after only ${closedAt - lastFrameIn} ms of silence`,
        );
        assert.equal(typeof code, 'number');

        const outcome = await settle(call, 2000);
        assert.equal(outcome.status, 'rejected');
        assert.ok((outcome as any).reason instanceof DdpConnectionError);

        // The next connection flows (the proxy stalls only the old pair): resubscribed, data caught up.
        await waitForEvent(c, 'reconnected', { timeout: 5000 });
        await waitUntil(
          () => c.collections.get('items')?.has('during-stall') && !c.collections.get('items')?.has('i0'),
          5000,
          { message: 'changes made during the stall never arrived' },
        );
        assert.equal(c.collections.get('items')!.size, 100);
        assert.equal(c.subscriptions.get(subId)?.state, 'ready');
        assert.equal(await c.call('echo', ['after']), 'after');
        assert.deepEqual(unhandled, []);
      },
    );
  }

  test('a handshake that stalls is abandoned after connectTimeout and retried', T, async (t) => {
    const s = await startRealServer();
    t.after(() => s.close());
    const proxy = await startProxy({ port: s.port });
    t.after(() => proxy.close());
    proxy.stallNew = ['down'];
    proxy.on('pair', (p) => {
      if (p.index >= 2) p.resume();
    });
    const c = newClient(t, proxy.url, { connectTimeout: 500 });
    const started = Date.now();
    const call = c.call('echo', ['waited through two stalled handshakes']);
    await c.connect();
    const took = Date.now() - started;
    assert.equal(proxy.accepted, 3);
    assert.ok(took >= 2 * 500 - 50, `connected after ${took} ms, before two connect timeouts`);
    assert.ok(took < 2 * 500 + 2000, `connected only after ${took} ms`);
    assert.equal(await call, 'waited through two stalled handshakes');
  });
});
