// Faults: the connection is cut with a TCP RST (through our proxy) during a 10,000-document subscription,
// during method calls and during the handshake. The client must reconnect, resubscribe, end with exactly
// the server's documents, and answer or reject every call with a clear error: nothing hangs.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startRealServer, type RealServer } from '../support/realServer';
import { startProxy, type ProxyPair } from '../support/proxy';
import { waitForEvent, waitUntil, settle } from '../support/wait';
import { newClient, trapUnhandled } from '../support/clients';
import { DdpConnectionError, type DdpClient } from '../../src/ddp';

const T = { timeout: 45_000 };

/** Canonical text of a collection: sorted ids, each with its fields in sorted key order. */
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

function serverDocs(s: RealServer, collection: string): string {
  return canon(s.store.collections.get(collection));
}

function clientDocs(c: DdpClient, collection: string): string {
  return canon(c.collections.get(collection));
}

/** A copy of the data set built only from the client's events: proves no event was lost or doubled. */
function mirror(c: DdpClient): Map<string, Map<string, Record<string, unknown>>> {
  const m = new Map<string, Map<string, Record<string, unknown>>>();
  const coll = (name: string) => {
    let x = m.get(name);
    if (!x) m.set(name, (x = new Map()));
    return x;
  };
  c.on('added', (name, id, fields) => {
    assert.ok(!coll(name).has(id), `'added' for ${name}/${id}, which the events had already added`);
    coll(name).set(id, { ...fields });
  });
  c.on('addedBefore', (name, id, fields) => coll(name).set(id, { ...fields }));
  c.on('changed', (name, id, fields, cleared) => {
    const doc = coll(name).get(id);
    if (!doc) return;
    Object.assign(doc, fields);
    for (const k of cleared) delete doc[k];
  });
  c.on('removed', (name, id) => {
    assert.ok(coll(name).delete(id), `'removed' for ${name}/${id}, unknown to the events`);
  });
  return m;
}

function fill(s: RealServer, collection: string, n: number): void {
  for (let i = 0; i < n; i++) s.store.set(collection, `d${i}`, { i, label: `doc ${i}`, tags: [i % 7, 'x'] });
}

describe('fault-cut: connection reset (RST) through the proxy', () => {
  test(
    'cut twice during a 10,000-document subscription: resubscribes and ends with exactly the server documents',
    T,
    async (t) => {
      const unhandled = trapUnhandled(t);
      const s = await startRealServer();
      t.after(() => s.close());
      fill(s, 'big', 10_000);
      const proxy = await startProxy({ port: s.port });
      t.after(() => proxy.close());

      // Each added frame the client reads, re-sent ones included (those emit no event until the reconciliation).
      let addedFrames = 0;
      const c = newClient(t, proxy.url, {
        debug: (line) => {
          if (line.startsWith('< {"msg":"added"')) addedFrames++;
        },
      });
      const events = mirror(c);
      const reconnected: number[] = [];
      c.on('reconnected', () => reconnected.push(Date.now()));
      const readies: number[] = [];
      const firstPair = proxy.nextPair(10_000);
      await c.connect();
      const pair1 = await firstPair;

      // The proxy decides where each cut falls: it holds everything past a byte count (an added frame is about 100
      // bytes), the test waits until the client has read a good part of what went through, then resets. A reset
      // throws away what the client's kernel had not handed over yet, so the cut must not race the reading.
      const holdAfter = (pair: ProxyPair, bytes: number) => {
        let seen = 0;
        pair.on('data', (dir: string, data: Buffer) => {
          if (dir === 'down' && (seen += data.length) >= bytes) pair.stall('down');
        });
      };

      // First cut: after 2,000 to about 3,000 documents.
      holdAfter(pair1, 300_000);
      const subId = c.subscribe('docs', ['big']);
      c.on('ready', (ids) => {
        if (ids.includes(subId)) readies.push(reconnected.length);
      });
      await waitUntil(() => addedFrames >= 2000, 30_000, { message: 'the first 2,000 documents never arrived' });
      // The proxy stops listening so the data can change while the client is away.
      await proxy.stop();
      const afterFirst = c.collections.get('big')!.size;
      assert.ok(
        afterFirst >= 2000 && afterFirst < 10_000,
        `the first cut came mid-subscription (${afterFirst} documents)`,
      );
      for (let i = 0; i < 10_000; i += 97) s.store.remove('big', `d${i}`);
      for (let i = 1; i < 10_000; i += 89)
        if (s.store.get('big', `d${i}`)) s.store.change('big', `d${i}`, { label: `changed ${i}`, tags: undefined });
      for (let i = 0; i < 50; i++) s.store.set('big', `new${i}`, { i: -i, label: 'added while away' });
      const next = proxy.nextPair(30_000);
      await proxy.start();

      // Second cut: while the re-sent subscription is refilling the data set (2,000 to about 4,000 documents in).
      const pair2 = await next;
      holdAfter(pair2, 400_000);
      await waitForEvent(c, 'connected', { timeout: 10_000 });
      const base = addedFrames;
      await waitUntil(() => addedFrames >= base + 2000, 30_000, { message: 'resubscription stalled' });
      pair2.cut('during resubscribe');
      // The subscription was not ready when the first connection dropped, so (as in Meteor) the reconnect waited
      // for nothing: the old partial data set went at once and the store refilled live, frame by frame.
      assert.equal(c.collections.get('big')!.size, addedFrames - base);
      assert.deepEqual(readies, [], 'neither cut connection got as far as ready');

      // Third connection: let it complete.
      await waitUntil(
        () => reconnected.length === 2 && c.subscriptions.get(subId)?.state === 'ready' && c.status === 'connected',
        30_000,
        {
          message: 'subscription never became ready again',
        },
      );
      assert.deepEqual(readies, [2]);
      assert.equal(proxy.accepted, 3);
      assert.equal(c.collections.get('big')!.size, s.store.collections.get('big')!.size);
      assert.equal(clientDocs(c, 'big'), serverDocs(s, 'big'));
      // The events told the whole story: a copy built from them alone equals the store.
      assert.equal(canon(events.get('big')), serverDocs(s, 'big'));
      // And it stays live.
      s.store.change('big', 'd1', { label: 'live again' });
      await waitUntil(() => c.collections.get('big')?.get('d1')?.label === 'live again', 5000);
      assert.deepEqual(unhandled, []);
    },
  );

  test('cut during method calls: each call is answered or rejected with a clear error, none hangs', T, async (t) => {
    const unhandled = trapUnhandled(t);
    const s = await startRealServer();
    t.after(() => s.close());
    const proxy = await startProxy({ port: s.port });
    t.after(() => proxy.close());
    const c = newClient(t, proxy.url);
    await c.connect();

    const slowStarted = new Set<string>();
    s.events.on('slow', (k: string) => slowStarted.add(k));
    const plain = track(c.call('slow', ['plain']));
    const retried = track(c.call('slow', ['retried'], { retry: true }));
    const waiting = track(c.call('slow', ['waiting'], { wait: true }));
    const behindWait = track(c.call('echo', ['behind the wait method']));
    await waitUntil(() => slowStarted.has('plain') && slowStarted.has('retried'), 5000);
    // The wait method goes out only once the two in flight are answered; it is queued now, with the echo behind it.
    assert.equal(slowStarted.has('waiting'), false);

    const drop = waitForEvent(c, 'socket_closed', { timeout: 5000 });
    proxy.cutAll('during calls');
    await drop;
    // Calls made while the connection is down wait for the next one.
    const duringOutage = track(c.call('math.add', [2, 3]));

    const plainOutcome = await settle(plain, 5000);
    assert.equal(plainOutcome.status, 'rejected');
    assert.ok(plainOutcome.status === 'rejected' && plainOutcome.reason instanceof DdpConnectionError);
    assert.equal((plainOutcome as any).reason.code, 'CONNECTION_LOST');
    assert.match((plainOutcome as any).reason.message, /slow/);

    await waitForEvent(c, 'reconnected', { timeout: 10_000 });
    // The retried call is sent again on the new connection (same id) and runs again there.
    const sentRetried = () => s.received.filter((m) => m.msg.msg === 'method' && m.msg.params?.[0] === 'retried');
    await waitUntil(() => sentRetried().length === 2, 5000, { message: 'retried call was not re-sent' });
    const resent = sentRetried();
    assert.equal(resent[0].msg.id, resent[1].msg.id);
    assert.notEqual(resent[0].session, resent[1].session);
    // Everything queued after the wait method waits for the retried call, then for the wait method.
    assert.equal(slowStarted.has('waiting'), false);
    s.release('retried', 'r-done');
    assert.equal(await withTimeoutOf(retried, 5000), 'r-done');
    await waitUntil(() => s.pendingSlow().includes('waiting'), 5000, { message: 'queued wait method never went out' });
    s.release('waiting', 'w-done');
    assert.equal(await withTimeoutOf(waiting, 5000), 'w-done');
    assert.equal(await withTimeoutOf(behindWait, 5000), 'behind the wait method');
    assert.equal(await withTimeoutOf(duringOutage, 5000), 5);
    s.release('plain');
    assert.deepEqual(unhandled, []);
  });

  test('a wait method cut while on the wire is rejected and the calls queued behind it still go out', T, async (t) => {
    const s = await startRealServer();
    t.after(() => s.close());
    const proxy = await startProxy({ port: s.port });
    t.after(() => proxy.close());
    const c = newClient(t, proxy.url);
    await c.connect();
    const started = waitForEvent(s.events, 'slow', { timeout: 5000 });
    const waiting = c.call('slow', ['w'], { wait: true });
    const behind = [c.call('echo', [1]), c.call('echo', [2]), c.call('echo', [3])];
    await started;
    proxy.cutAll();
    const w = await settle(waiting, 5000);
    assert.equal(w.status, 'rejected');
    assert.equal((w as any).reason.code, 'CONNECTION_LOST');
    assert.deepEqual(await withTimeoutOf(Promise.all(behind), 10_000), [1, 2, 3]);
    s.release('w');
  });

  for (const stage of ['upgrade', 'connect-sent', 'connected-in-flight'] as const) {
    test(
      `cut during the handshake (${stage}): connects on a later attempt; queued subscriptions and calls complete`,
      T,
      async (t) => {
        const unhandled = trapUnhandled(t);
        const s = await startRealServer();
        t.after(() => s.close());
        fill(s, 'small', 20);
        const proxy = await startProxy({ port: s.port });
        t.after(() => proxy.close());
        // The first two connections are cut at the chosen stage; the third goes through.
        let cuts = 0;
        proxy.on('pair', (pair: ProxyPair) => {
          if (pair.index >= 2) return;
          if (stage === 'upgrade') {
            // Cut as the HTTP upgrade request arrives: the server never sees it.
            pair.on('data', (dir) => dir === 'up' && (cuts++, pair.cut('upgrade')));
          } else if (stage === 'connect-sent') {
            // Let the upgrade through, cut as the DDP `connect` frame (the second upstream write) passes.
            let ups = 0;
            pair.on('data', (dir) => dir === 'up' && ++ups === 2 && (cuts++, pair.cut('connect')));
          } else {
            // The server has answered `connected`, but it is held in the proxy: cut before the client sees it.
            pair.stall('down');
            let ups = 0;
            pair.on('data', (dir) => {
              if (dir !== 'up' || ++ups !== 1) return;
              pair.resume('down'); // the 101 response may pass...
              pair.once('data', () => pair.stall('down')); // ...but nothing after it
            });
          }
        });
        if (stage === 'connected-in-flight') {
          s.events.on('connection', () => {
            for (const p of [...proxy.pairs])
              if (p.index < 2) {
                cuts++;
                p.cut('connected in flight');
              }
          });
        }
        const c = newClient(t, proxy.url);
        const statuses: string[] = [];
        c.on('status', (st) => statuses.push(st));
        const subId = c.subscribe('docs', ['small']);
        const call = c.call('echo', ['queued before connect']);
        const connected = c.connect();
        assert.equal(
          await withTimeoutOf(
            connected.then(() => 'ok'),
            10_000,
          ),
          'ok',
        );
        assert.equal(cuts, 2);
        assert.equal(proxy.accepted, 3);
        assert.equal(await withTimeoutOf(call, 5000), 'queued before connect');
        await waitUntil(() => c.subscriptions.get(subId)?.state === 'ready', 5000);
        assert.equal(clientDocs(c, 'small'), serverDocs(s, 'small'));
        assert.equal(c.status, 'connected');
        assert.ok(statuses.includes('reconnecting'));
        // The client did not count the cut attempts as sessions: the first `connected` is the first one.
        assert.deepEqual(unhandled, []);
      },
    );
  }

  test('cut on every connection for a while, then recover: calls made meanwhile complete in order', T, async (t) => {
    const s = await startRealServer();
    t.after(() => s.close());
    fill(s, 'small', 50);
    const proxy = await startProxy({ port: s.port });
    t.after(() => proxy.close());
    const c = newClient(t, proxy.url);
    await c.connect();
    const subId = c.subscribe('docs', ['small']);
    await waitUntil(() => c.subscriptions.get(subId)?.state === 'ready', 5000);
    proxy.refuseNew = true;
    const dropped = waitForEvent(c, 'socket_closed', { timeout: 5000 });
    proxy.cutAll();
    await dropped;
    const calls = Array.from({ length: 20 }, (_, i) => c.call('echo', [i]));
    s.store.set('small', 'while-down', { i: 999 });
    s.store.remove('small', 'd3');
    await waitUntil(() => proxy.accepted >= 4, 10_000, { message: 'client stopped retrying' });
    proxy.refuseNew = false;
    assert.deepEqual(
      await withTimeoutOf(Promise.all(calls), 10_000),
      Array.from({ length: 20 }, (_, i) => i),
    );
    await waitUntil(() => clientDocs(c, 'small') === serverDocs(s, 'small'), 5000, {
      message: 'documents differ after recovery',
    });
  });
});

/** Marks a promise as handled (the test still awaits it); a failing test must not leave unhandled rejections behind. */
function track<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

async function withTimeoutOf<T>(p: Promise<T>, ms: number): Promise<T> {
  const r = await settle(p, ms);
  if (r.status === 'rejected') throw r.reason;
  return r.value;
}
