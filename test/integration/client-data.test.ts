import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { DdpClient } from '../../src/ddp';
import { startRealServer, type RealServer } from '../support/realServer';
import { startScriptServer, type ScriptServer } from '../support/scriptServer';
import { waitForEvent, record, recordAll } from '../support/wait';
import { connectToScript, connectedClient, protocolErrors, trapUnhandled } from '../support/clients';

const T = { timeout: 5000 };

function subscribeReady(c: DdpClient, name: string, params: unknown[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const id: string = c.subscribe(name, params, (err?: Error) => (err ? reject(err) : resolve(id)));
  });
}

describe('client-data: real server', () => {
  let server: RealServer;
  before(async () => {
    server = await startRealServer();
  });
  after(() => server.close());

  test(
    'collections is a read-only view of views of fields (no Map to change); added carries (collection, id, fields)',
    T,
    async (t) => {
      server.store.set('data-a', 'x', { name: 'X', n: 1, tags: ['a', 'b'], sub: { k: 'v' } });
      server.store.set('data-a', 'y', { name: 'Y' });
      const c = await connectedClient(t, server.url);
      const log = recordAll(c, ['added']);
      await subscribeReady(c, 'docs', ['data-a']);
      // Read-only views: no Map leaks out, so no cast can reach the store to change it.
      assert.ok(!(c.collections instanceof Map));
      assert.equal((c.collections as unknown as { set?: unknown }).set, undefined);
      assert.equal(c.collections.size, 1);
      assert.deepEqual([...c.collections.keys()], ['data-a']);
      const coll = c.collections.get('data-a');
      assert.ok(coll && !(coll instanceof Map));
      assert.equal((coll as unknown as { delete?: unknown }).delete, undefined);
      assert.deepEqual([...coll].map(([id]) => id).sort(), ['x', 'y']);
      assert.deepEqual([...coll.keys()].sort(), ['x', 'y']);
      assert.deepEqual(coll.get('x'), { name: 'X', n: 1, tags: ['a', 'b'], sub: { k: 'v' } });
      assert.deepEqual(log.log.map((e) => e.slice(1, 3)).sort(), [
        ['data-a', 'x'],
        ['data-a', 'y'],
      ]);
      const x = log.log.find((e) => e[2] === 'x')!;
      assert.deepEqual(x[3], { name: 'X', n: 1, tags: ['a', 'b'], sub: { k: 'v' } });
    },
  );

  test('EJSON values in documents are decoded: Date, Uint8Array, nested Dates', T, async (t) => {
    const c = await connectedClient(t, server.url);
    const added = waitForEvent(c, 'added', { filter: (coll) => coll === 'ejson' });
    await subscribeReady(c, 'ejson');
    const doc = c.collections.get('ejson')!.get('e1') as any;
    assert.ok(doc.when instanceof Date, `when is ${typeof doc.when}`);
    assert.equal(doc.when.getTime(), Date.UTC(2021, 5, 7, 8, 9, 10, 11));
    assert.ok(doc.bytes instanceof Uint8Array, 'bytes is a Uint8Array');
    assert.deepEqual([...doc.bytes], [1, 2, 3, 250, 255]);
    assert.ok(doc.nested.at instanceof Date);
    assert.equal(doc.nested.at.getTime(), Date.UTC(2000, 0, 1));
    assert.ok(doc.nested.list[0] instanceof Date);
    assert.equal(doc.plain, 'text');
    assert.equal(doc.n, 42);
    const [, , fields] = await added;
    assert.ok((fields as any).when instanceof Date, 'the added event carries decoded values too');
  });

  test('changed applies fields and deletes cleared ones; the event carries both', T, async (t) => {
    server.store.set('data-c', 'doc', { a: 1, b: 'keep', c: new Date(1), gone: true });
    const c = await connectedClient(t, server.url);
    await subscribeReady(c, 'docs', ['data-c']);
    const changed = waitForEvent(c, 'changed');
    server.store.change('data-c', 'doc', { a: 2, c: new Date(2), gone: undefined, fresh: 'new' });
    const [coll, id, fields, cleared] = await changed;
    assert.equal(coll, 'data-c');
    assert.equal(id, 'doc');
    assert.equal(fields.a, 2);
    assert.ok(fields.c instanceof Date);
    assert.equal(fields.c.getTime(), 2);
    assert.equal(fields.fresh, 'new');
    assert.deepEqual(cleared, ['gone']);
    const doc = c.collections.get('data-c')!.get('doc')!;
    assert.equal(doc.a, 2);
    assert.equal(doc.b, 'keep', 'fields not in the message are left alone');
    assert.equal((doc.c as Date).getTime(), 2);
    assert.equal(doc.fresh, 'new');
    assert.ok(!('gone' in doc), 'cleared field deleted');
  });

  test('removed deletes the document and emits (collection, id)', T, async (t) => {
    server.store.set('data-r', 'r1', { v: 1 });
    server.store.set('data-r', 'r2', { v: 2 });
    const c = await connectedClient(t, server.url);
    await subscribeReady(c, 'docs', ['data-r']);
    const removed = waitForEvent(c, 'removed');
    server.store.remove('data-r', 'r1');
    assert.deepEqual(await removed, ['data-r', 'r1']);
    assert.equal(c.collections.get('data-r')!.has('r1'), false);
    assert.equal(c.collections.get('data-r')!.has('r2'), true);
  });

  test('a method that writes: the writes arrive (added) by the time `updated` comes', T, async (t) => {
    const c = await connectedClient(t, server.url);
    await subscribeReady(c, 'docs', ['data-m']);
    const order: string[] = [];
    c.on('added', (coll, id) => coll === 'data-m' && order.push(`added ${id}`));
    c.on('updated', (ids) => order.push(`updated ${ids.join(',')}`));
    const updated = waitForEvent(c, 'updated');
    await c.call('data.set', ['data-m', 'w1', { by: 'method' }]);
    await updated;
    assert.deepEqual(order.slice(0, 2), ['added w1', 'updated 1']);
    assert.deepEqual(c.collections.get('data-m')?.get('w1'), { by: 'method' });
  });
});

describe('client-data: writes made by methods', () => {
  test(
    'data.set / data.change / data.remove methods reach the subscriber as added / changed / removed',
    T,
    async (t) => {
      const server = await startRealServer();
      t.after(() => server.close());
      const c = await connectedClient(t, server.url);
      await subscribeReady(c, 'docs', ['by-method']);
      // Snapshot the arguments as they are emitted (aliasing is checked by its own test).
      const log: unknown[][] = [];
      for (const ev of ['added', 'changed', 'removed'] as const)
        c.on(ev, (...a: unknown[]) => log.push(structuredClone([ev, ...a])));
      await c.call('data.set', ['by-method', 'd', { a: 1, b: 2 }]);
      await c.call('data.change', ['by-method', 'd', { a: 5, b: null }]);
      await c.call('data.remove', ['by-method', 'd']);
      assert.deepEqual(log, [
        ['added', 'by-method', 'd', { a: 1, b: 2 }],
        ['changed', 'by-method', 'd', { a: 5 }, ['b']],
        ['removed', 'by-method', 'd'],
      ]);
      assert.equal(c.collections.get('by-method')?.has('d') ?? false, false);
    },
  );

  test(
    'the fields given to an `added` listener are not changed afterwards by later `changed` messages',
    T,
    async (t) => {
      // A listener (an event log, a history view) that keeps the object must keep what was added.
      const server = await startRealServer();
      t.after(() => server.close());
      const c = await connectedClient(t, server.url);
      await subscribeReady(c, 'docs', ['alias']);
      let addedFields: Record<string, unknown> | undefined;
      c.on('added', (coll, id, fields) => {
        if (coll === 'alias') addedFields = fields;
      });
      await c.call('data.set', ['alias', 'd', { a: 1, b: 2 }]);
      await c.call('data.change', ['alias', 'd', { a: 5, b: null }]);
      assert.deepEqual(c.collections.get('alias')?.get('d'), { a: 5 });
      assert.deepEqual(addedFields, { a: 1, b: 2 }, 'the added event payload was mutated by the later change');
    },
  );

  test('a listener that mutates the fields it receives does not corrupt the store', T, async (t) => {
    const server = await startRealServer();
    t.after(() => server.close());
    const c = await connectedClient(t, server.url);
    await subscribeReady(c, 'docs', ['mutating']);
    c.on('added', (coll, _id, fields) => {
      if (coll === 'mutating') (fields as Record<string, unknown>).injected = 'by listener';
    });
    await c.call('data.set', ['mutating', 'd', { a: 1 }]);
    assert.deepEqual(c.collections.get('mutating')?.get('d'), { a: 1 });
  });
});

describe('client-data: scripted frames', () => {
  let s: ScriptServer;
  before(async () => {
    s = await startScriptServer();
  });
  after(() => s.close());

  const setup = (t: import('node:test').TestContext) => connectToScript(t, s);

  test('added with no fields gives an empty document', T, async (t) => {
    const { c, conn } = await setup(t);
    const added = waitForEvent(c, 'added');
    conn.send({ msg: 'added', collection: 'bare', id: 'b1' });
    const [, , fields] = await added;
    assert.deepEqual(fields, {});
    assert.deepEqual(c.collections.get('bare')?.get('b1'), {});
  });

  test('changed with only cleared, and with neither fields nor cleared', T, async (t) => {
    const { c, conn } = await setup(t);
    conn.send({ msg: 'added', collection: 'cc', id: 'd', fields: { a: 1, b: 2 } });
    const first = waitForEvent(c, 'changed');
    conn.send({ msg: 'changed', collection: 'cc', id: 'd', cleared: ['a'] });
    const [, , fields, cleared] = await first;
    assert.deepEqual(fields, {});
    assert.deepEqual(cleared, ['a']);
    assert.deepEqual(c.collections.get('cc')?.get('d'), { b: 2 });
    const second = waitForEvent(c, 'changed');
    conn.send({ msg: 'changed', collection: 'cc', id: 'd' });
    const [, , f2, c2] = await second;
    assert.deepEqual(f2, {});
    assert.deepEqual(c2, []);
    assert.deepEqual(c.collections.get('cc')?.get('d'), { b: 2 });
  });

  test(
    'Rocket.Chat style changed for a never-added document is a stream event, not thrown nor stored',
    T,
    async (t) => {
      const unhandled = trapUnhandled(t);
      const { c, conn } = await setup(t);
      const errors = protocolErrors(c);
      const changedEvents = record(c, 'changed');
      const stream = waitForEvent(c, 'stream');
      conn.send({
        msg: 'changed',
        collection: 'stream-room-messages',
        id: 'id',
        fields: { eventName: 'GENERAL', args: [{ _id: 'm1', msg: 'hello', ts: { $date: 1700000000000 } }] },
      });
      const [event] = await stream;
      assert.equal(event.collection, 'stream-room-messages');
      assert.equal(event.eventName, 'GENERAL');
      const args = event.args as Array<{ msg: string; ts: unknown }>;
      assert.equal(args[0].msg, 'hello');
      assert.ok(args[0].ts instanceof Date, 'EJSON inside the stream event is decoded');
      // A second event for the same never-added id works too, and later normal data still applies.
      const again = waitForEvent(c, 'stream');
      conn.send({
        msg: 'changed',
        collection: 'stream-room-messages',
        id: 'id',
        fields: { eventName: 'GENERAL', args: [2] },
      });
      assert.deepEqual((await again)[0].args, [2]);
      // A changed of an unknown document that is no stream event still reaches `changed` listeners, unstored.
      const changed = waitForEvent(c, 'changed');
      conn.send({ msg: 'changed', collection: 'stream-room-messages', id: 'other', fields: { eventName: 'x' } });
      const [coll, id] = await changed;
      assert.deepEqual([coll, id], ['stream-room-messages', 'other']);
      const added = waitForEvent(c, 'added');
      conn.send({ msg: 'added', collection: 'normal', id: 'n1', fields: { ok: true } });
      await added;
      assert.deepEqual(c.collections.get('normal')?.get('n1'), { ok: true });
      assert.equal(c.collections.get('stream-room-messages'), undefined, 'nothing stored for the stream');
      assert.equal(changedEvents.events.length, 1);
      assert.equal(c.status, 'connected');
      assert.deepEqual(errors.events, []);
      assert.deepEqual(unhandled, []);
    },
  );

  test('removed for an unknown document is emitted, not thrown', T, async (t) => {
    const unhandled = trapUnhandled(t);
    const { c, conn } = await setup(t);
    const removed = waitForEvent(c, 'removed');
    conn.send({ msg: 'removed', collection: 'nowhere', id: 'ghost' });
    assert.deepEqual(await removed, ['nowhere', 'ghost']);
    const added = waitForEvent(c, 'added');
    conn.send({ msg: 'added', collection: 'nowhere', id: 'real', fields: {} });
    await added;
    assert.equal(c.status, 'connected');
    assert.deepEqual(unhandled, []);
  });

  test('addedBefore / movedBefore keep the server order', T, async (t) => {
    const { c, conn } = await setup(t);
    const log = recordAll(c, ['addedBefore', 'movedBefore']);
    const keys = () => [...(c.collections.get('ordered')?.keys() ?? [])];
    const step = async (frame: object) => {
      const ev = (frame as { msg: 'addedBefore' | 'movedBefore' }).msg;
      const seen = waitForEvent(c, ev);
      conn.send(frame);
      await seen;
    };
    await step({ msg: 'addedBefore', collection: 'ordered', id: 'a', fields: { n: 1 }, before: null });
    await step({ msg: 'addedBefore', collection: 'ordered', id: 'b', fields: { n: 2 }, before: null });
    await step({ msg: 'addedBefore', collection: 'ordered', id: 'c', fields: { n: 3 }, before: 'a' });
    assert.deepEqual(keys(), ['c', 'a', 'b']);
    await step({ msg: 'addedBefore', collection: 'ordered', id: 'd', fields: { n: 4 }, before: 'b' });
    assert.deepEqual(keys(), ['c', 'a', 'd', 'b']);
    await step({ msg: 'movedBefore', collection: 'ordered', id: 'b', before: 'c' });
    assert.deepEqual(keys(), ['b', 'c', 'a', 'd']);
    await step({ msg: 'movedBefore', collection: 'ordered', id: 'c', before: null });
    assert.deepEqual(keys(), ['b', 'a', 'd', 'c']);
    await step({ msg: 'movedBefore', collection: 'ordered', id: 'd', before: 'a' });
    assert.deepEqual(keys(), ['b', 'd', 'a', 'c']);
    assert.deepEqual(c.collections.get('ordered')?.get('d'), { n: 4 }, 'moving keeps the fields');
    assert.deepEqual(log.log[0], ['addedBefore', 'ordered', 'a', { n: 1 }, null]);
    assert.deepEqual(log.log[2], ['addedBefore', 'ordered', 'c', { n: 3 }, 'a']);
    assert.deepEqual(log.log[4], ['movedBefore', 'ordered', 'b', 'c']);
    // changed and removed work on ordered documents too, and keep the order of the rest.
    await step({ msg: 'changed', collection: 'ordered', id: 'a', fields: { n: 10 } });
    await step({ msg: 'removed', collection: 'ordered', id: 'd' });
    assert.deepEqual(keys(), ['b', 'a', 'c']);
    assert.deepEqual(c.collections.get('ordered')?.get('a'), { n: 10 });
  });

  test('addedBefore with EJSON fields decodes them', T, async (t) => {
    const { c, conn } = await setup(t);
    const seen = waitForEvent(c, 'addedBefore');
    conn.send({ msg: 'addedBefore', collection: 'ord-ejson', id: 'x', fields: { at: { $date: 99 } }, before: null });
    const [, , fields] = await seen;
    assert.ok((fields as any).at instanceof Date);
    assert.ok((c.collections.get('ord-ejson')?.get('x') as any).at instanceof Date);
  });

  test('movedBefore for an unknown document does not crash', T, async (t) => {
    const unhandled = trapUnhandled(t);
    const { c, conn } = await setup(t);
    conn.send({ msg: 'movedBefore', collection: 'ordered-x', id: 'ghost', before: null });
    const added = waitForEvent(c, 'added');
    conn.send({ msg: 'added', collection: 'ordered-x', id: 'after', fields: {} });
    await added;
    assert.equal(c.status, 'connected');
    assert.deepEqual(unhandled, []);
  });

  test('ObjectID values ($type oid) are decoded, not dropped', T, async (t) => {
    const { c, conn } = await setup(t);
    const added = waitForEvent(c, 'added');
    conn.send({
      msg: 'added',
      collection: 'oids',
      id: 'o',
      fields: { ref: { $type: 'oid', $value: '0123456789abcdef01234567' } },
    });
    await added;
    const ref = c.collections.get('oids')?.get('o')?.ref as
      { toJSONValue?: () => unknown; hexString?: string } | undefined;
    assert.ok(ref, 'document kept');
    assert.equal(ref.hexString ?? ref.toJSONValue?.(), '0123456789abcdef01234567');
  });

  test('escaped keys ($escape) are unescaped', T, async (t) => {
    const { c, conn } = await setup(t);
    const added = waitForEvent(c, 'added');
    conn.send({ msg: 'added', collection: 'esc', id: 'e', fields: { q: { $escape: { $date: 'not a date' } } } });
    await added;
    assert.deepEqual(c.collections.get('esc')?.get('e'), { q: { $date: 'not a date' } });
  });
});
