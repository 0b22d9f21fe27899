// Faults: slow links (200 ms each way) and frames split into small TCP writes. The same scenario runs
// directly and through the proxy; every result, every document and every data event must be the same.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startRealServer } from '../support/realServer';
import { startProxy, type ProxyOptions } from '../support/proxy';
import { waitUntil } from '../support/wait';
import { newClient, trapUnhandled } from '../support/clients';
import { stringifyEJSON, type DdpClient } from '../../src/ddp';
import type { TestContext } from 'node:test';

const T = { timeout: 60_000 };

interface Outcome {
  results: unknown[];
  errors: unknown[];
  events: string[];
  documents: string;
  socketsClosed: number;
}

function seed(store: { set(c: string, id: string, f: Record<string, unknown>): void }): void {
  for (let i = 0; i < 300; i++) {
    store.set('items', `i${String(i).padStart(3, '0')}`, {
      n: i,
      text: `item ${i} ` + 'é∑😀'.repeat(i % 5) + 'x'.repeat(i % 97),
      when: new Date(Date.UTC(2020, 0, 1) + i * 86_400_000),
      bytes: new Uint8Array([i % 256, 0, 255, 7]),
      nested: { deep: { list: [i, `s${i}`, { k: i % 3 === 0 }] } },
    });
  }
}

function dump(c: DdpClient): string {
  const out: string[] = [];
  for (const name of [...c.collections.keys()].sort()) {
    const coll = c.collections.get(name)!;
    for (const id of [...coll.keys()].sort()) out.push(`${name}/${id} ${stringifyEJSON(coll.get(id), 0)}`);
  }
  return out.join('\n');
}

async function scenario(t: TestContext, via?: Omit<ProxyOptions, 'port'>): Promise<Outcome> {
  const s = await startRealServer();
  t.after(() => s.close());
  seed(s.store);
  let url = s.url;
  if (via) {
    const proxy = await startProxy({ port: s.port, ...via });
    t.after(() => proxy.close());
    url = proxy.url;
  }
  // A heartbeat that must not mistake a slow link for a dead one (round trip 400 ms < timeout). Compression on, as
  // on the slow links it is meant for: it also puts permessage-deflate through odd TCP chunking, and keeps the
  // 200 kB call below from taking, through 1-byte writes, longer than this deliberately tight heartbeat.
  const c = newClient(t, url, { heartbeatInterval: 300, heartbeatTimeout: 1500, compression: true });
  const events: string[] = [];
  let socketsClosed = 0;
  c.on('socket_closed', () => socketsClosed++);
  c.on('added', (coll, id, f) => events.push(`added ${coll}/${id} ${stringifyEJSON(f, 0)}`));
  c.on('changed', (coll, id, f, cleared) =>
    events.push(`changed ${coll}/${id} ${stringifyEJSON(f, 0)} -${cleared.join(',')}`),
  );
  c.on('removed', (coll, id) => events.push(`removed ${coll}/${id}`));
  await c.connect();

  const results: unknown[] = [];
  const errors: unknown[] = [];
  const ready = (name: string, params: unknown[]) =>
    new Promise<string>((resolve, reject) => {
      const id = c.subscribe(name, params, (err) => (err ? reject(err) : resolve(id)));
    });
  const itemsSub = await ready('docs', ['items']);
  await ready('ejson', []);
  // Many calls at once, with EJSON values both ways and a large payload.
  const big = 'B'.repeat(200_000);
  const parallel = await Promise.all([
    ...Array.from({ length: 20 }, (_, i) => c.call('math.add', [i, i * 2])),
    c.call('echo', [{ when: new Date(Date.UTC(1999, 11, 31)), list: [1, 'two', null, { three: 3 }] }]),
    c.call('echo', [big]).then((r) => (r === big ? 'big ok' : 'big corrupted')),
    c.call('ejson.values'),
    c.call('echo.all', ['a', 2, true, null, [], {}]),
  ]);
  results.push(...parallel.map((r) => stringifyEJSON(r, 0)));
  for (const failing of [
    c.call('fail', ['E42', 'Told to fail', { why: 'test' }]),
    c.call('crash'),
    c.call('math.add', ['x']),
  ]) {
    try {
      await failing;
      errors.push('no error');
    } catch (err: any) {
      errors.push({ name: err.name, error: err.error, reason: err.reason, details: err.details, message: err.message });
    }
  }
  // Live changes, in a fixed order.
  results.push(await c.call('data.set', ['items', 'new', { n: -1, when: new Date(0) }]));
  results.push(await c.call('data.change', ['items', 'i001', { n: 1001, text: null }]));
  results.push(await c.call('data.remove', ['items', 'i002']));
  await waitUntil(() => !c.collections.get('items')?.has('i002'), 5000);
  c.unsubscribe(itemsSub);
  await waitUntil(() => (c.collections.get('items')?.size ?? 0) === 0, 5000, {
    message: 'unsubscribe did not remove the documents',
  });
  results.push(await c.call('echo', ['done']));
  return { results, errors, events, documents: dump(c), socketsClosed };
}

describe('fault-slow: slow links and small TCP chunks change nothing', () => {
  const variants: Array<[string, Omit<ProxyOptions, 'port'>]> = [
    ['200 ms each way', { delay: 200 }],
    ['chunks of 7 bytes', { chunkSize: 7 }],
    ['200 ms each way and chunks of 3 bytes', { delay: 200, chunkSize: 3 }],
    ['300 ms upstream only, 1-byte chunks', { delay: { up: 300 }, chunkSize: 1 }],
  ];
  let reference: Outcome | undefined;

  test('reference run, direct', T, async (t) => {
    reference = await scenario(t);
    assert.equal(reference.socketsClosed, 0);
    assert.ok(reference.events.length > 600);
    assert.equal(reference.errors.length, 3);
  });

  for (const [name, via] of variants) {
    test(`through the proxy, ${name}: same results, documents and events`, T, async (t) => {
      const unhandled = trapUnhandled(t);
      assert.ok(reference, 'the reference run failed');
      const started = Date.now();
      const got = await scenario(t, via);
      assert.equal(got.socketsClosed, 0, 'the slow link was mistaken for a dead one');
      assert.deepEqual(got.results, reference.results);
      assert.deepEqual(got.errors, reference.errors);
      assert.equal(got.documents, reference.documents);
      assert.deepEqual(got.events, reference.events);
      if (typeof via.delay === 'number')
        assert.ok(Date.now() - started > 10 * 2 * via.delay, 'the delay was not applied');
      assert.deepEqual(unhandled, []);
    });
  }
});
