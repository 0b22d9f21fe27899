// "__proto__" is data wherever it appears: inside `$`-objects that are not EJSON wire forms (`{"$gt": ...}`), at
// every depth, in added, changed and method results, in $escape, in arrays, in the store's copies, and on the way
// back out (params, "Copy Document as JSON"). Frames are JSON text, so every "__proto__" here is a real own key.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DdpClient, fromEJSON, toEJSON, stringifyEJSON } from '../../src/ddp';
import { parseFrame } from '../../src/ddp/messages';
import { startScriptServer, type ScriptServer, type ScriptConnection } from '../support/scriptServer';
import { waitFor } from '../support/wait';
import { newClient } from '../support/clients';

const T = { timeout: 10_000 };
const own = (o: unknown, key: string) => Object.prototype.hasOwnProperty.call(o, key);

/** Fails unless `v` is a plain object with an own "__proto__" key holding `{ x: 1 }`, and an untouched prototype. */
function assertOwnProto(v: unknown, where: string): void {
  assert.ok(v !== null && typeof v === 'object', `${where}: not an object`);
  assert.equal(Object.getPrototypeOf(v), Object.prototype, `${where}: "__proto__" became the prototype`);
  assert.ok(own(v, '__proto__'), `${where}: "__proto__" is not an own key`);
  assert.deepEqual({ ...(Object.getOwnPropertyDescriptor(v, '__proto__')!.value as object) }, { x: 1 }, `${where}: wrong value`);
  assert.equal((v as { x?: unknown }).x, undefined, `${where}: an inherited field appeared`);
}

const P = '{"__proto__":{"x":1}}';
/** Wire values holding P at various depths, and how to reach P in the decoded value. */
const SHAPES: Array<[string, string, (v: any) => unknown]> = [
  ['$gt', `{"$gt":${P}}`, (v) => v.$gt],
  ['$gt nested', `{"$gt":{"b":${P}}}`, (v) => v.$gt.b],
  ['$in array', `{"$in":[${P}]}`, (v) => v.$in[0]],
  ['two $ keys', `{"$gt":${P},"$lt":1}`, (v) => v.$gt],
  ['under a plain key', `{"a":{"$gt":${P}}}`, (v) => v.a.$gt],
  ['$escape', `{"$escape":{"$gt":${P}}}`, (v) => v.$gt],
  ['$escape array', `{"$escape":{"$date":[${P}]}}`, (v) => v.$date[0]],
  ['array of $-objects', `[{"$gt":${P}},{"$ne":${P}}]`, (v) => v[1].$ne],
  ['next to a $date', `{"$gt":${P},"when":{"$date":0}}`, (v) => v.$gt],
];

describe('hostile-proto: decoding', () => {
  for (const [name, wire, reach] of SHAPES) {
    test(`fromEJSON keeps "__proto__" as data: ${name}`, () => {
      const v = fromEJSON(JSON.parse(wire));
      assertOwnProto(reach(v), name);
      assert.equal(({} as { x?: unknown }).x, undefined);
    });
  }

  test('added, changed and result frames keep "__proto__" inside $-objects as data', () => {
    for (const [name, wire, reach] of SHAPES) {
      const added = parseFrame(`{"msg":"added","collection":"c","id":"i","fields":{"f":${wire}}}`);
      assert.ok(added.ok);
      assertOwnProto(reach((added.message as any).fields.f), `added ${name}`);
      const changed = parseFrame(`{"msg":"changed","collection":"c","id":"i","fields":{"f":${wire}}}`);
      assert.ok(changed.ok);
      assertOwnProto(reach((changed.message as any).fields.f), `changed ${name}`);
      const result = parseFrame(`{"msg":"result","id":"1","result":{"r":${wire}}}`);
      assert.ok(result.ok);
      assertOwnProto(reach((result.message as any).result.r), `result ${name}`);
    }
  });

  test('encoding keeps an own "__proto__" key: params and copied documents are exact', () => {
    const value = fromEJSON(JSON.parse(`{"top":${P},"$gt":${P},"list":[${P}],"when":{"$date":5}}`));
    const wire = toEJSON(value) as any;
    assertOwnProto(wire.top, 'toEJSON top');
    assertOwnProto(wire.$gt, 'toEJSON $gt');
    assertOwnProto(wire.list[0], 'toEJSON array');
    assert.deepEqual(wire.when, { $date: 5 });
    const text = stringifyEJSON(value, 0);
    assert.equal(text, `{"top":${P},"$gt":${P},"list":[${P}],"when":{"$date":5}}`);
    // Wire-form look-alikes are escaped, and round-trip.
    const lookalike = fromEJSON(JSON.parse(`{"$escape":{"$date":${P}}}`));
    assert.equal(JSON.stringify(toEJSON(lookalike)), `{"$escape":{"$date":${P}}}`);
    assertOwnProto((fromEJSON(JSON.parse(JSON.stringify(toEJSON(lookalike)))) as any).$date, 'round trip');
  });
});

describe('hostile-proto: a live client', () => {
  let s: ScriptServer;
  before(async () => {
    s = await startScriptServer();
  });
  after(() => s.close());

  async function setup(t: import('node:test').TestContext): Promise<{ c: DdpClient; conn: ScriptConnection }> {
    const c = newClient(t, s.url);
    const connP = waitFor<[ScriptConnection]>(s, 'connection');
    await c.connect();
    return { c, conn: (await connP)[0] };
  }

  test('store, events and method results keep "__proto__" inside $-objects as data', T, async (t) => {
    const { c, conn } = await setup(t);
    const added = waitFor(c as any, 'added');
    conn.send(`{"msg":"added","collection":"q","id":"a","fields":{"sel":{"$gt":${P}},"deep":{"k":[{"$in":{"__proto__":{"x":1}}}]}}}`);
    const [, , fields] = (await added) as [string, string, any];
    assertOwnProto(fields.sel.$gt, 'added event');
    const doc = c.collections.get('q')!.get('a') as any;
    assertOwnProto(doc.sel.$gt, 'store after added');
    assertOwnProto(doc.deep.k[0].$in, 'store after added, deep');

    const changed = waitFor(c as any, 'changed');
    conn.send(`{"msg":"changed","collection":"q","id":"a","fields":{"sel":{"$ne":{"$gt":${P}}},"__proto__":{"$lt":${P}}}}`);
    const [, , cf] = (await changed) as [string, string, any];
    assertOwnProto(cf.sel.$ne.$gt, 'changed event');
    const after = c.collections.get('q')!.get('a') as any;
    assertOwnProto(after.sel.$ne.$gt, 'store after changed');
    assert.ok(own(after, '__proto__'), 'a top-level "__proto__" field is an own field');
    assertOwnProto(after.__proto__.$lt, 'store after changed, top-level __proto__ field');
    assert.equal(Object.getPrototypeOf(after), Object.prototype);

    const call = c.call('m', []);
    const msg = await conn.next('method');
    conn.send(`{"msg":"result","id":"${msg.id}","result":{"r":{"$gt":${P}},"l":[{"$escape":{"$type":${P}}}]}}`);
    const result = (await call) as any;
    assertOwnProto(result.r.$gt, 'method result');
    assertOwnProto(result.l[0].$type, 'method result, escaped');

    // Params go out exactly as given.
    const echo = c.call('echo', [result.r]);
    const sent = await conn.next('method');
    assert.equal(JSON.stringify(sent.params), `[{"$gt":${P}}]`);
    conn.send({ msg: 'result', id: sent.id, result: null });
    await echo;
    assert.equal(({} as { x?: unknown }).x, undefined);
  });
});
