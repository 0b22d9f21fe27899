// "__proto__" is data wherever it appears: inside `$`-objects that are not EJSON wire forms (`{"$gt": ...}`), at
// every depth, in added, changed and method results, in $escape, in arrays, in the store's copies, and on the way
// back out (params, "Copy Document as JSON"). Frames are JSON text, so every "__proto__" here is a real own key.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startScriptServer, type ScriptServer } from '../support/scriptServer';
import { waitForEvent } from '../support/wait';
import { connectToScript } from '../support/clients';
import { own, assertOwnProto, P } from '../support/protoShapes';

const T = { timeout: 10_000 };

describe('hostile-proto: a live client', () => {
  let s: ScriptServer;
  before(async () => {
    s = await startScriptServer();
  });
  after(() => s.close());

  const setup = (t: import('node:test').TestContext) => connectToScript(t, s);

  test('store, events and method results keep "__proto__" inside $-objects as data', T, async (t) => {
    const { c, conn } = await setup(t);
    const added = waitForEvent(c, 'added');
    conn.send(
      `{"msg":"added","collection":"q","id":"a","fields":{"sel":{"$gt":${P}},"deep":{"k":[{"$in":{"__proto__":{"x":1}}}]}}}`,
    );
    const [, , fields] = (await added) as [string, string, any];
    assertOwnProto(fields.sel.$gt, 'added event');
    const doc = c.collections.get('q')!.get('a') as any;
    assertOwnProto(doc.sel.$gt, 'store after added');
    assertOwnProto(doc.deep.k[0].$in, 'store after added, deep');

    const changed = waitForEvent(c, 'changed');
    conn.send(
      `{"msg":"changed","collection":"q","id":"a","fields":{"sel":{"$ne":{"$gt":${P}}},"__proto__":{"$lt":${P}}}}`,
    );
    const [, , cf] = (await changed) as [string, string, any, string[]];
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
