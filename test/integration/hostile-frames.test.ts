// Hostile input, property-tested with fast-check: random and mutated DDP frames from a server, fed to a live client
// (parser and EJSON decoding alone: test/unit/hostile-frames.test.ts).
// - no exception escapes (parser, client, listeners' view of the store);
// - frames that are invalid never change the store, and later valid frames still apply;
// - for every valid sequence, the client's store equals a simple model (contents and server order), and the
//   client's events alone rebuild the same data set;
// - no prototype is ever touched, with `__proto__`, `constructor`, `prototype`, ... as collection names,
//   ids and field names (also nested and inside EJSON).
// Every run sends at least 10,000 frames. The seed is fixed (deterministic) unless FC_SEED is set, and is
// printed on failure: FC_SEED=<seed> node --import tsx --test test/integration/hostile-frames.test.ts

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startScriptServer, type ScriptServer, type ScriptConnection } from '../support/scriptServer';
import { DdpClient } from '../../src/ddp';
import { waitForEvent, expectNoEvent } from '../support/wait';
import {
  assertPrototypesUntouched,
  canon,
  storeText,
  nameArb,
  keyArb,
  idArb,
  rawOpArb,
  hostileArb,
  validify,
  copy,
  fcParams,
  assertProperty,
  Model,
  type Doc,
} from '../support/hostileFrames';

const T = { timeout: 120_000 };

// ------------------------------------------------------------------------------------------------
// Harness: a real DdpClient fed by the scriptable server

interface Harness {
  server: ScriptServer;
  close(): Promise<void>;
}

async function harness(): Promise<Harness> {
  const server = await startScriptServer();
  return { server, close: () => server.close() };
}

/** Sends the frames, then a sentinel, and resolves once the client has processed all of them. */
async function feed(conn: ScriptConnection, client: DdpClient, frames: string[], tag: string): Promise<void> {
  const done = waitForEvent(client, 'updated', {
    timeout: 10_000,
    filter: (ids: string[]) => ids[0] === tag,
    message: `sentinel ${tag}`,
  });
  for (const f of frames) conn.send(f);
  conn.send({ msg: 'updated', methods: [tag] });
  await done;
}

/** Rebuilds the data set from the client's events alone. */
function eventMirror(client: DdpClient): Map<string, Map<string, Doc>> {
  const m = new Map<string, Map<string, Doc>>();
  const coll = (name: string) => {
    let c = m.get(name);
    if (!c) m.set(name, (c = new Map()));
    return c;
  };
  const set = (c: Map<string, Doc>, id: string, fields: Doc, before: string | null) => {
    c.delete(id);
    if (before === null || !c.has(before)) return void c.set(id, fields);
    const entries = [...c];
    c.clear();
    for (const [k, v] of entries) {
      if (k === before) c.set(id, fields);
      c.set(k, v);
    }
  };
  client.on('added', (name, id, fields) => set(coll(name), id, copy(fields), null));
  client.on('addedBefore', (name, id, fields, before) => set(coll(name), id, copy(fields), before));
  client.on('movedBefore', (name, id, before) => {
    const doc = coll(name).get(id);
    if (doc) set(coll(name), id, doc, before);
  });
  client.on('changed', (name, id, fields, cleared) => {
    const doc = coll(name).get(id);
    if (!doc) return;
    for (const k of Object.keys(fields))
      Object.defineProperty(doc, k, { value: fields[k], enumerable: true, writable: true, configurable: true });
    for (const k of cleared) delete doc[k];
  });
  client.on('removed', (name, id) => coll(name).delete(id));
  return m;
}

describe('hostile-frames: random and mutated frames from the server', () => {
  test(
    'valid sequences with hostile frames interleaved: the store equals the model, events rebuild it, nothing escapes (>= 10,000 frames)',
    T,
    async (t) => {
      const h = await harness();
      t.after(() => h.close());
      const escaped: unknown[] = [];
      const onErr = (e: unknown) => escaped.push(e);
      process.on('uncaughtException', onErr);
      process.on('unhandledRejection', onErr);
      t.after(() => {
        process.off('uncaughtException', onErr);
        process.off('unhandledRejection', onErr);
      });
      let frames = 0;
      let hostileFrames = 0;
      let runs = 0;
      const program = fc.array(
        fc.oneof(
          { weight: 3, arbitrary: rawOpArb.map((op) => ({ op })) },
          { weight: 1, arbitrary: hostileArb().map((hostile) => ({ hostile })) },
        ),
        { minLength: 40, maxLength: 120 },
      );
      await assertProperty('store-model', () =>
        fc.assert(
          fc.asyncProperty(program, async (steps) => {
            const run = ++runs;
            const client = new DdpClient(h.server.url, { autoReconnect: false, heartbeatInterval: 0 });
            try {
              const mirror = eventMirror(client);
              const protocolErrors: string[] = [];
              client.on('protocol_error', (p) => protocolErrors.push(p));
              await client.connect();
              const conn = h.server.last!;
              const model = new Model();
              const wire: string[] = [];
              for (const step of steps) {
                if ('op' in step) wire.push(...validify([step.op], model));
                else {
                  wire.push(step.hostile);
                  hostileFrames++;
                }
              }
              frames += wire.length;
              await feed(conn, client, wire, `sentinel-${run}`);
              assert.equal(client.status, 'connected', 'a hostile frame ended the session');
              assert.equal(storeText(client.collections), storeText(model.colls), 'store differs from the model');
              assert.equal(storeText(mirror), storeText(model.colls), 'the events do not rebuild the store');
              // A final valid frame still applies.
              await feed(
                conn,
                client,
                [JSON.stringify({ msg: 'added', collection: 'after', id: `r${run}`, fields: { ok: true } })],
                `after-${run}`,
              );
              assert.deepEqual(canon(client.collections.get('after')?.get(`r${run}`)), canon({ ok: true }));
              assertPrototypesUntouched();
              assert.deepEqual(escaped, []);
            } finally {
              client.close();
            }
          }),
          fcParams(300),
        ),
      );
      assert.ok(frames >= 10_000, `only ${frames} frames were sent`);
      assert.ok(hostileFrames >= 2_000, `only ${hostileFrames} hostile frames`);
    },
  );

  test(
    'malformed and hostile EJSON in fields: stored without throwing, other fields intact, no prototype touched (>= 10,000 frames)',
    T,
    async (t) => {
      const h = await harness();
      t.after(() => h.close());
      const client = new DdpClient(h.server.url, { autoReconnect: false, heartbeatInterval: 0 });
      t.after(() => client.close());
      await client.connect();
      const conn = h.server.last!;
      const badEjson = fc.oneof(
        fc.jsonValue({ maxDepth: 1 }).map((v) => ({ $date: v })),
        fc.jsonValue({ maxDepth: 1 }).map((v) => ({ $binary: v })),
        fc.jsonValue({ maxDepth: 1 }).map((v) => ({ $InfNaN: v })),
        fc
          .tuple(fc.jsonValue({ maxDepth: 1 }), fc.jsonValue({ maxDepth: 1 }))
          .map(([a, b]) => ({ $regexp: a, $flags: b })),
        fc
          .tuple(fc.oneof(nameArb, fc.jsonValue({ maxDepth: 1 })), fc.jsonValue({ maxDepth: 1 }))
          .map(([a, b]) => ({ $type: a, $value: b })),
        fc.jsonValue({ maxDepth: 2 }).map((v) => ({ $escape: v })),
        fc.dictionary(
          fc.constantFrom('$date', '$binary', '$type', '$value', '$escape', '$InfNaN', '$regexp', '$flags', '$x', '$'),
          fc.jsonValue({ maxDepth: 1 }),
          { minKeys: 1, maxKeys: 3 },
        ),
        fc.constantFrom<unknown>(
          { $escape: { constructor: { prototype: { polluted: true } } } },
          { $type: 'oid', $value: { __proto__: 'x' } },
          { $type: 'oid', $value: 'not hex at all' },
          { $date: 1e300 },
          { $binary: '!!!!' },
          { a: { $escape: { prototype: { $date: 0 } } } },
          JSON.parse('{"__proto__":{"polluted":true},"b":{"$date":0}}'),
          JSON.parse('{"constructor":{"prototype":{"polluted":true}},"c":{"$binary":"AA=="}}'),
        ),
      );
      let frames = 0;
      let round = 0;
      await assertProperty('malformed-ejson', () =>
        fc.assert(
          fc.asyncProperty(
            fc.array(fc.tuple(idArb, keyArb, badEjson), { minLength: 20, maxLength: 60 }),
            async (items) => {
              const r = ++round;
              const wire = items.map(([id, key, bad]) =>
                JSON.stringify({
                  msg: 'added',
                  collection: `ejson${r}`,
                  id: `${id}#${r}`,
                  fields: { [key]: bad, plain: r, d: { $date: r } },
                }),
              );
              frames += wire.length;
              await feed(conn, client, wire, `ejson-${r}`);
              const coll = client.collections.get(`ejson${r}`);
              assert.ok(coll, 'no document of the round was stored');
              for (const [id, ,] of items) {
                const doc = coll.get(`${id}#${r}`);
                assert.ok(doc, `document ${id}#${r} missing`);
                assert.equal(Object.getPrototypeOf(doc), Object.prototype);
                assert.equal(doc.plain, r);
                assert.ok(
                  doc.d instanceof Date && doc.d.getTime() === r,
                  'a well-formed field next to a malformed one was not decoded',
                );
              }
              assertPrototypesUntouched();
              assert.equal(client.status, 'connected');
            },
          ),
          fcParams(400),
        ),
      );
      assert.ok(frames >= 10_000, `only ${frames} frames`);
    },
  );

  test(
    'a stray "failed" frame in an established session does not end it: protocol_error, later frames apply',
    T,
    async (t) => {
      const h = await harness();
      t.after(() => h.close());
      const outcomes: string[] = [];
      for (const version of ['pre1', 'zzz']) {
        const client = new DdpClient(h.server.url, { autoReconnectTimeout: 30, heartbeatInterval: 0 });
        t.after(() => client.close());
        const problems: string[] = [];
        const closed: number[] = [];
        client.on('protocol_error', (p) => problems.push(p));
        client.on('socket_closed', (code) => closed.push(code));
        await client.connect();
        const conn = h.server.last!;
        const pending = client.call('m', []);
        pending.catch(() => undefined);
        await conn.next('method');
        conn.send({ msg: 'failed', version });
        const answered = client.call('n', []);
        answered.catch(() => undefined);
        await feed(
          conn,
          client,
          [JSON.stringify({ msg: 'added', collection: 'c', id: 'after-failed', fields: {} })],
          `failed-${version}`,
        ).catch(() => undefined);
        // The drop, if any, is asynchronous: watch for it over a bounded window.
        await expectNoEvent(client, 'socket_closed', 300).catch(() => undefined);
        outcomes.push(
          `version ${version}: sockets closed ${JSON.stringify(closed)}, status ${client.status}, ` +
            `later frame applied: ${!!client.collections.get('c')?.has('after-failed')}, protocol_errors: ${problems.length}`,
        );
      }
      assert.deepEqual(outcomes, [
        'version pre1: sockets closed [], status connected, later frame applied: true, protocol_errors: 1',
        'version zzz: sockets closed [], status connected, later frame applied: true, protocol_errors: 1',
      ]);
    },
  );
});
