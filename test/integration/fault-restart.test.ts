// Faults: the server restarts on the same port while 10 clients are subscribed. All 10 must recover:
// reconnect, resubscribe, show exactly the server's documents (changed while it was down), answer calls.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startRealServer } from '../support/realServer';
import { waitUntil, settle } from '../support/wait';
import { newClient, trapUnhandled } from '../support/clients';
import type { DdpClient } from '../../src/ddp';

const T = { timeout: 45_000 };
const CLIENTS = 10;

function canon(docs: Iterable<[string, Record<string, unknown>]> | undefined): string {
  const rows: string[] = [];
  for (const [id, f] of docs ?? []) {
    const keys = Object.keys(f)
      .filter((k) => k !== '_id')
      .sort();
    rows.push(`${id}=${JSON.stringify(keys.map((k) => [k, f[k]]))}`);
  }
  return rows.sort().join('\n');
}

describe('fault-restart: the server restarts under 10 subscribed clients', () => {
  test('all 10 clients reconnect, resubscribe, converge on the new data and answer calls', T, async (t) => {
    const unhandled = trapUnhandled(t);
    const s = await startRealServer();
    t.after(() => s.close());
    for (let i = 0; i < 500; i++) s.store.set('items', `i${i}`, { n: i, text: `item ${i}` });
    s.store.set('other', 'o1', { v: 1 });

    const clients: DdpClient[] = [];
    const subs: string[][] = [];
    const reconnects = new Array<number>(CLIENTS).fill(0);
    for (let k = 0; k < CLIENTS; k++) {
      const c = newClient(t, s.url);
      c.on('reconnected', () => reconnects[k]++);
      clients.push(c);
    }
    await Promise.all(clients.map((c) => c.connect()));
    for (const c of clients) subs.push([c.subscribe('docs', ['items']), c.subscribe('docs', ['other'])]);
    await waitUntil(
      () => clients.every((c, k) => subs[k].every((id) => c.subscriptions.get(id)?.state === 'ready')),
      15_000,
    );
    const sessionsBefore = clients.map((c) => c.session);

    await s.stop();
    await waitUntil(() => clients.every((c) => c.status === 'reconnecting'), 5000, {
      message: 'not every client saw the server go',
    });
    // The data changes while the server is down; calls made now wait for it to come back.
    for (let i = 0; i < 500; i += 5) s.store.remove('items', `i${i}`);
    for (let i = 1; i < 500; i += 7)
      if (s.store.get('items', `i${i}`)) s.store.change('items', `i${i}`, { text: `changed ${i}` });
    s.store.set('items', 'born-while-down', { n: -1 });
    s.store.remove('other', 'o1');
    const calls = clients.map((c, k) => c.call('math.add', [k, 1000]));
    for (const p of calls) p.catch(() => undefined);

    await s.start();
    const results = await Promise.all(calls.map((p) => settle(p, 15_000)));
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason))),
      clients.map((_, k) => k + 1000),
    );
    await waitUntil(
      () => clients.every((c) => canon(c.collections.get('items')) === canon(s.store.collections.get('items'))),
      15_000,
      { message: 'not every client converged on the server documents' },
    );
    for (const [k, c] of clients.entries()) {
      assert.equal(c.status, 'connected');
      assert.equal(reconnects[k], 1);
      assert.notEqual(c.session, sessionsBefore[k]);
      assert.equal(c.collections.get('other')?.size ?? 0, 0);
      for (const id of subs[k]) assert.equal(c.subscriptions.get(id)?.state, 'ready');
    }
    assert.equal(s.liveSubs.get('docs'), 2 * CLIENTS);
    // Live again on every client.
    s.store.set('items', 'after-restart', { n: 1 });
    await waitUntil(() => clients.every((c) => c.collections.get('items')?.has('after-restart')), 5000);
    assert.deepEqual(unhandled, []);
  });

  test('two restarts in quick succession, one while clients are still resubscribing', T, async (t) => {
    const s = await startRealServer();
    t.after(() => s.close());
    for (let i = 0; i < 2000; i++) s.store.set('items', `i${i}`, { n: i });
    const clients = Array.from({ length: CLIENTS }, () => newClient(t, s.url));
    await Promise.all(clients.map((c) => c.connect()));
    const subs = clients.map((c) => c.subscribe('docs', ['items']));
    await waitUntil(() => clients.every((c, k) => c.subscriptions.get(subs[k])?.state === 'ready'), 20_000);
    await s.stop();
    s.store.remove('items', 'i0');
    await s.start();
    // Wait until at least one client is back and refilling, then restart again.
    await waitUntil(() => s.connectionCount > CLIENTS, 10_000);
    await s.stop();
    s.store.remove('items', 'i1');
    await s.start();
    await waitUntil(
      () =>
        clients.every(
          (c, k) =>
            c.status === 'connected' &&
            c.subscriptions.get(subs[k])?.state === 'ready' &&
            canon(c.collections.get('items')) === canon(s.store.collections.get('items')),
        ),
      30_000,
      { message: 'not every client recovered from two restarts' },
    );
  });
});
