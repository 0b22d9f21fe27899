import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { DdpClient } from '../../src/ddp';
import { startScriptServer, type ScriptConnection, type ScriptServer } from '../support/scriptServer';
import { waitForEvent } from '../support/wait';
import { newClient, connectToScript, protocolErrors, trapUnhandled } from '../support/clients';

const T = { timeout: 5000 };

/**
 * Sends a valid `added` after `frames` and waits for it: frames are handled in order, so once the marker is
 * in, every frame before it has been handled too. Returns the marker's id.
 */
let markerCount = 0;
async function barrier(c: DdpClient, conn: ScriptConnection): Promise<string> {
  const id = `marker-${++markerCount}`;
  const seen = waitForEvent(c, 'added', {
    filter: (coll: string, docId: string) => coll === 'markers' && docId === id,
  });
  conn.send({ msg: 'added', collection: 'markers', id, fields: {} });
  await seen;
  return id;
}

function prototypesClean(): void {
  for (const probe of [{}, Object.create(Object.prototype), [], new Map()]) {
    assert.equal(probe.polluted, undefined, 'Object.prototype polluted');
  }
  assert.equal((Object.prototype as any).polluted, undefined);
  assert.equal((Array.prototype as any).polluted, undefined);
  assert.equal((Function.prototype as any).polluted, undefined);
}

describe('client-protocol', () => {
  let s: ScriptServer;
  before(async () => {
    s = await startScriptServer();
  });
  after(() => s.close());

  const setup = (t: import('node:test').TestContext, options = {}) => connectToScript(t, s, options);

  const garbage: Array<[string, string]> = [
    ['not JSON', 'this is not json'],
    ['truncated JSON', '{"msg":"added","collection":"x"'],
    ['a JSON array', '[{"msg":"added","collection":"g","id":"arr","fields":{}}]'],
    ['a JSON number', '42'],
    ['JSON null', 'null'],
    ['a JSON string', '"added"'],
    ['msg not a string', '{"msg":5}'],
    ['added without id', '{"msg":"added","collection":"g","fields":{}}'],
    ['added with a numeric id', '{"msg":"added","collection":"g","id":7,"fields":{}}'],
    ['added without collection', '{"msg":"added","id":"nocoll","fields":{}}'],
    ['added with fields as an array', '{"msg":"added","collection":"g","id":"fa","fields":[1,2]}'],
    ['added with fields as a string', '{"msg":"added","collection":"g","id":"fs","fields":"x"}'],
    ['changed with cleared not an array', '{"msg":"changed","collection":"g","id":"c","cleared":"a"}'],
    ['changed with cleared of numbers', '{"msg":"changed","collection":"g","id":"c","cleared":[1]}'],
    ['removed without id', '{"msg":"removed","collection":"g"}'],
    ['ready with subs not an array', '{"msg":"ready","subs":"abc"}'],
    ['nosub without id', '{"msg":"nosub"}'],
    ['result without id', '{"msg":"result","result":1}'],
    ['updated with methods not an array', '{"msg":"updated","methods":"1"}'],
    ['addedBefore with a numeric before', '{"msg":"addedBefore","collection":"g","id":"ab","fields":{},"before":3}'],
    ['movedBefore without id', '{"msg":"movedBefore","collection":"g","before":null}'],
    ['connected without session', '{"msg":"connected"}'],
  ];

  for (const [what, frame] of garbage) {
    test(`garbage frame (${what}) -> protocol_error with the frame; later frames still apply`, T, async (t) => {
      const unhandled = trapUnhandled(t);
      const { c, conn } = await setup(t);
      const errors = protocolErrors(c);
      conn.send(frame);
      await barrier(c, conn);
      assert.equal(errors.events.length, 1, `protocol_error events: ${JSON.stringify(errors.events)}`);
      const [problem, raw] = errors.events[0];
      assert.equal(typeof problem, 'string');
      assert.ok(problem.length > 0);
      assert.equal(raw, frame, 'the offending frame is passed along');
      assert.equal(c.status, 'connected');
      assert.equal(c.collections.get('g')?.size ?? 0, 0, 'nothing from the bad frame reached the store');
      assert.deepEqual(unhandled, []);
    });
  }

  test('a burst of garbage does not disturb a pending call or the store', T, async (t) => {
    const { c, conn } = await setup(t);
    const errors = protocolErrors(c);
    const p = c.call('pending.method', [1]);
    const method = await conn.next('method');
    for (const [, frame] of garbage) conn.send(frame);
    conn.send({ msg: 'result', id: method.id, result: 'survived' });
    assert.equal(await p, 'survived');
    await barrier(c, conn);
    assert.equal(errors.events.length, garbage.length);
    assert.equal(c.status, 'connected');
  });

  test('no error event is emitted for garbage (it would throw without a listener)', T, async (t) => {
    const { c, conn } = await setup(t);
    let errorEvents = 0;
    // 'error' is not a DdpClient event: the cast listens for it anyway, to prove it is never emitted.
    c.on('error' as any, () => errorEvents++);
    conn.send('{{{');
    conn.send('[]');
    await barrier(c, conn);
    assert.equal(errorEvents, 0);
  });

  test('garbage without a protocol_error listener does not throw', T, async (t) => {
    const unhandled = trapUnhandled(t);
    const { c, conn } = await setup(t);
    conn.send('not json at all');
    conn.send('{"msg":"added"}');
    await barrier(c, conn);
    assert.equal(c.status, 'connected');
    assert.deepEqual(unhandled, []);
  });

  test('__proto__ and constructor field names never reach a prototype (added, plain JSON)', T, async (t) => {
    const { c, conn } = await setup(t);
    conn.send(
      '{"msg":"added","collection":"pp","id":"p1","fields":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"ok":1}}',
    );
    await barrier(c, conn);
    prototypesClean();
    const doc = c.collections.get('pp')?.get('p1') as Record<string, unknown>;
    assert.ok(doc, 'document kept');
    assert.equal(doc.ok, 1);
    const proto = Object.getPrototypeOf(doc);
    assert.ok(proto === Object.prototype || proto === null, 'the document prototype was not replaced');
    assert.equal((doc as any).polluted, undefined);
  });

  test('__proto__ field names never reach a prototype (EJSON-decoded fields)', T, async (t) => {
    const { c, conn } = await setup(t);
    conn.send(
      '{"msg":"added","collection":"pp","id":"p2","fields":{"when":{"$date":5},"__proto__":{"polluted":true},"nested":{"__proto__":{"polluted":true},"d":{"$date":6}}}}',
    );
    await barrier(c, conn);
    prototypesClean();
    const doc = c.collections.get('pp')?.get('p2') as any;
    assert.ok(doc.when instanceof Date);
    assert.ok(doc.nested.d instanceof Date);
    const proto = Object.getPrototypeOf(doc);
    assert.ok(proto === Object.prototype || proto === null);
    const nestedProto = Object.getPrototypeOf(doc.nested);
    assert.ok(nestedProto === Object.prototype || nestedProto === null);
    assert.equal(doc.polluted, undefined);
    assert.equal(doc.nested.polluted, undefined);
  });

  test('__proto__ in changed fields and cleared never reaches a prototype', T, async (t) => {
    const { c, conn } = await setup(t);
    conn.send({ msg: 'added', collection: 'pp', id: 'p3', fields: { a: 1 } });
    conn.send('{"msg":"changed","collection":"pp","id":"p3","fields":{"__proto__":{"polluted":true},"b":2}}');
    conn.send('{"msg":"changed","collection":"pp","id":"p3","fields":{"x":{"$date":1},"__proto__":{"polluted":true}}}');
    conn.send('{"msg":"changed","collection":"pp","id":"p3","cleared":["__proto__","constructor"]}');
    conn.send('{"msg":"changed","collection":"pp","id":"never-added","fields":{"__proto__":{"polluted":true}}}');
    await barrier(c, conn);
    prototypesClean();
    const doc = c.collections.get('pp')?.get('p3') as any;
    assert.equal(doc.a, 1);
    assert.equal(doc.b, 2);
    const proto = Object.getPrototypeOf(doc);
    assert.ok(proto === Object.prototype || proto === null);
    assert.equal(doc.polluted, undefined);
  });

  test('__proto__ as a collection name or document id is just a name', T, async (t) => {
    const { c, conn } = await setup(t);
    conn.send({ msg: 'added', collection: '__proto__', id: '__proto__', fields: { v: 1 } });
    conn.send({ msg: 'added', collection: 'constructor', id: 'prototype', fields: { v: 2 } });
    await barrier(c, conn);
    prototypesClean();
    assert.deepEqual(c.collections.get('__proto__')?.get('__proto__'), { v: 1 });
    assert.deepEqual(c.collections.get('constructor')?.get('prototype'), { v: 2 });
  });

  test('__proto__ in a method result does not pollute', T, async (t) => {
    const { c, conn } = await setup(t);
    const p = c.call('x');
    const m = await conn.next('method');
    conn.send(`{"msg":"result","id":"${m.id}","result":{"__proto__":{"polluted":true},"d":{"$date":3}}}`);
    const result = (await p) as any;
    prototypesClean();
    assert.ok(result.d instanceof Date);
    assert.equal(result.polluted, undefined);
  });

  test('unknown EJSON $type keeps the document, with the raw value', T, async (t) => {
    const { c, conn } = await setup(t);
    const added = waitForEvent(c, 'added', { filter: (coll) => coll === 'weird' });
    conn.send({
      msg: 'added',
      collection: 'weird',
      id: 'w1',
      fields: { v: { $type: 'no-such-type', $value: { a: 1 } }, n: 1, d: { $date: 10 } },
    });
    const [, id, fields] = await added;
    assert.equal(id, 'w1');
    const doc = c.collections.get('weird')?.get('w1') as any;
    assert.ok(doc, 'document kept');
    assert.deepEqual(doc.v, { $type: 'no-such-type', $value: { a: 1 } });
    assert.equal(doc.n, 1);
    assert.ok(doc.d instanceof Date, 'other fields are still decoded');
    assert.deepEqual((fields as any).v, { $type: 'no-such-type', $value: { a: 1 } });
  });

  test('unknown EJSON $type in changed and in a method result is kept raw', T, async (t) => {
    const { c, conn } = await setup(t);
    conn.send({ msg: 'added', collection: 'weird', id: 'w2', fields: { n: 1 } });
    const changed = waitForEvent(c, 'changed');
    conn.send({ msg: 'changed', collection: 'weird', id: 'w2', fields: { v: { $type: 'nope', $value: 3 } } });
    await changed;
    assert.deepEqual((c.collections.get('weird')?.get('w2') as any).v, { $type: 'nope', $value: 3 });
    const p = c.call('weird.result');
    const m = await conn.next('method');
    conn.send({ msg: 'result', id: m.id, result: { r: { $type: 'nope', $value: 'raw' } } });
    assert.deepEqual(await p, { r: { $type: 'nope', $value: 'raw' } });
  });

  test('broken EJSON forms ($date not a number, bad $binary) do not drop the document', T, async (t) => {
    const { c, conn } = await setup(t);
    conn.send({ msg: 'added', collection: 'weird', id: 'w3', fields: { d: { $date: 'yesterday' }, ok: true } });
    await barrier(c, conn);
    const doc = c.collections.get('weird')?.get('w3') as any;
    assert.ok(doc, 'document kept');
    assert.equal(doc.ok, true);
  });

  test('frames without msg, server_id greetings and unknown msg types are ignored silently', T, async (t) => {
    const { c, conn } = await setup(t);
    const errors = protocolErrors(c);
    conn.send({ server_id: '0' });
    conn.send({ msg: 'server_id', server_id: '0' });
    conn.send({ msg: 'some-future-message', data: [1, 2] });
    conn.send({});
    await barrier(c, conn);
    assert.deepEqual(errors.events, []);
    assert.equal(c.status, 'connected');
  });

  test('server_id greetings before connected (old Meteor, Rocket.Chat) do not disturb the handshake', T, async (t) => {
    const local = await startScriptServer({ autoConnect: false });
    t.after(() => local.close());
    const c = newClient(t, local.url);
    const errors = protocolErrors(c);
    const p = c.connect();
    const conn = await local.nextConnection();
    conn.send({ server_id: '0' });
    conn.send({ msg: 'server_id', server_id: '0' });
    await conn.next('connect');
    conn.accept('greeted');
    await p;
    assert.equal(c.session, 'greeted');
    assert.deepEqual(errors.events, []);
  });

  test('unknown fields on known messages are ignored', T, async (t) => {
    const { c, conn } = await setup(t);
    const errors = protocolErrors(c);
    conn.send({ msg: 'added', collection: 'extra', id: 'x', fields: { a: 1 }, futureField: { z: 1 } });
    await barrier(c, conn);
    assert.deepEqual(c.collections.get('extra')?.get('x'), { a: 1 });
    assert.deepEqual(errors.events, []);
  });

  test('result, ready and nosub for unknown ids do not crash', T, async (t) => {
    const unhandled = trapUnhandled(t);
    const { c, conn } = await setup(t);
    conn.send({ msg: 'result', id: '999', result: 1 });
    conn.send({ msg: 'ready', subs: ['no-such-sub'] });
    conn.send({ msg: 'nosub', id: 'no-such-sub' });
    conn.send({ msg: 'updated', methods: ['999'] });
    await barrier(c, conn);
    assert.equal(c.status, 'connected');
    assert.equal(
      await (async () => {
        const p = c.call('still.works');
        const m = await conn.next('method');
        conn.send({ msg: 'result', id: m.id, result: 'yes' });
        return p;
      })(),
      'yes',
    );
    assert.deepEqual(unhandled, []);
  });

  test('a server `error` message does not break the connection', T, async (t) => {
    const { c, conn } = await setup(t);
    conn.send({ msg: 'error', reason: 'Bad request', offendingMessage: { msg: 'what' } });
    await barrier(c, conn);
    assert.equal(c.status, 'connected');
  });

  test('a binary frame is not applied as data and does not crash', T, async (t) => {
    const unhandled = trapUnhandled(t);
    const { c, conn } = await setup(t);
    conn.ws.send(Buffer.from('{"msg":"added","collection":"bin","id":"b","fields":{}}'), { binary: true });
    await barrier(c, conn);
    assert.equal(c.status, 'connected');
    assert.deepEqual(unhandled, []);
  });

  test('absurdly deep nesting (with and without EJSON) does not crash the client', T, async (t) => {
    const unhandled = trapUnhandled(t);
    const { c, conn } = await setup(t);
    const depth = 200000;
    conn.send(
      `{"msg":"added","collection":"deep","id":"plain","fields":{"v":${'['.repeat(depth)}${']'.repeat(depth)}}}`,
    );
    conn.send(
      `{"msg":"added","collection":"deep","id":"ejson","fields":{"d":{"$date":1},"v":${'['.repeat(depth)}${']'.repeat(depth)}}}`,
    );
    await barrier(c, conn);
    assert.equal(c.status, 'connected');
    assert.deepEqual(unhandled, []);
  });

  test('a frame larger than maxPayload closes the socket, and the client reconnects', T, async (t) => {
    const { c, conn } = await setup(t, { maxPayload: 1024 });
    const closed = waitForEvent(c, 'socket_closed');
    conn.send({ msg: 'added', collection: 'big', id: 'b', fields: { blob: 'x'.repeat(4096) } });
    await closed;
    assert.equal(c.collections.get('big')?.size ?? 0, 0);
    await waitForEvent(c, 'connected', { timeout: 2000 });
  });

  test('a second connected on a live session is a protocol error, not a new session', T, async (t) => {
    const { c, conn } = await setup(t);
    const session = c.session;
    const errors = protocolErrors(c);
    let reconnected = 0;
    c.on('reconnected', () => reconnected++);
    conn.send({ msg: 'connected', session: 'another' });
    await barrier(c, conn);
    assert.equal(c.session, session);
    assert.equal(reconnected, 0);
    assert.equal(errors.events.length, 1);
  });
});
