// Unit tests of the DDP library's pure parts: URL normalisation, backoff, EJSON, frame parsing, the store, masking.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeUrl, fromEJSON, toEJSON, maskSecrets, DdpError, DdpConnectionError } from '../../src/ddp';
import { backoffDelay } from '../../src/ddp/backoff';
import { parseFrame } from '../../src/ddp/messages';
import { Store } from '../../src/ddp/store';

describe('ddp normalizeUrl', () => {
  const cases: Array<[string, string]> = [
    ['ws://h:3000/websocket', 'ws://h:3000/websocket'],
    ['wss://h/websocket', 'wss://h/websocket'],
    ['http://h:3000', 'ws://h:3000/websocket'],
    ['https://h', 'wss://h/websocket'],
    ['h:3000', 'ws://h:3000/websocket'],
    ['localhost', 'ws://localhost/websocket'],
    ['http://h:3000/', 'ws://h:3000/websocket'],
    ['http://h/app/', 'ws://h/app/websocket'],
    ['  http://h:3000  ', 'ws://h:3000/websocket'],
    ['HTTP://H:3000', 'ws://h:3000/websocket'],
  ];
  for (const [input, expected] of cases) {
    test(`${JSON.stringify(input)} -> ${expected}`, () => assert.equal(normalizeUrl(input), expected));
  }
  test('keeps a query string', () => assert.equal(normalizeUrl('http://h/?a=1'), 'ws://h/websocket?a=1'));
  test('invalid input throws TypeError with a message', () => {
    for (const bad of ['', '   ', 'ftp://h', 'http://', 'ws://exa mple.com']) {
      assert.throws(
        () => normalizeUrl(bad),
        (e: unknown) => e instanceof TypeError && e.message.length > 0,
        JSON.stringify(bad),
      );
    }
  });
});

describe('ddp backoff', () => {
  const opts = { initial: 500, max: 30000 };
  test('first delay is the initial one, +-25%', () => {
    assert.equal(backoffDelay(1, opts, () => 0), 375);
    assert.equal(backoffDelay(1, opts, () => 0.5), 500);
    assert.equal(backoffDelay(1, opts, () => 0.999999), 625);
  });
  test('grows x2 per attempt', () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => backoffDelay(n, opts, () => 0.5)),
      [500, 1000, 2000, 4000],
    );
  });
  test('capped at max, whatever the jitter and attempt', () => {
    for (const r of [0, 0.5, 0.9999]) for (const n of [7, 8, 20, 100, 2000]) assert.ok(backoffDelay(n, opts, () => r) <= 30000);
    assert.equal(backoffDelay(100, opts, () => 0.5), 30000);
    assert.ok(Number.isFinite(backoffDelay(5000, opts, () => 0.5)));
  });
  test('jitter spreads delays with Math.random by default', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 50; i++) seen.add(backoffDelay(3, opts));
    assert.ok(seen.size > 5);
    for (const d of seen) assert.ok(d >= 1500 && d <= 2500);
  });
});

describe('ddp EJSON', () => {
  test('decodes Date, Uint8Array, InfNaN, escape, nested', () => {
    const v = fromEJSON({
      d: { $date: 5 },
      b: { $binary: Buffer.from([1, 2, 255]).toString('base64') },
      inf: { $InfNaN: 1 },
      e: { $escape: { $date: 'x' } },
      list: [{ $date: 1 }, { plain: { $date: 2 } }],
    }) as any;
    assert.ok(v.d instanceof Date && v.d.getTime() === 5);
    assert.ok(v.b instanceof Uint8Array);
    assert.deepEqual([...v.b], [1, 2, 255]);
    assert.equal(v.inf, Infinity);
    assert.deepEqual(v.e, { $date: 'x' });
    assert.ok(v.list[0] instanceof Date);
    assert.ok(v.list[1].plain instanceof Date);
  });
  test('unknown $type is kept raw, not thrown', () => {
    assert.deepEqual(fromEJSON({ x: { $type: 'zzz', $value: 1 } }), { x: { $type: 'zzz', $value: 1 } });
  });
  test('does not mutate its input', () => {
    const input = { d: { $date: 5 } };
    fromEJSON(input);
    assert.deepEqual(input, { d: { $date: 5 } });
  });
  test('__proto__ keys stay own data, never a prototype', () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":true},"d":{"$date":1}}');
    const v = fromEJSON(parsed) as any;
    assert.ok(v.d instanceof Date);
    assert.equal(v.polluted, undefined);
    assert.equal(({} as any).polluted, undefined);
    assert.ok(Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);
  });
  test('encodes Date and Uint8Array for the wire', () => {
    assert.deepEqual(toEJSON([new Date(7), new Uint8Array([1])]), [{ $date: 7 }, { $binary: 'AQ==' }]);
  });
});

describe('ddp parseFrame', () => {
  test('valid messages', () => {
    const r = parseFrame('{"msg":"added","collection":"c","id":"1","fields":{"d":{"$date":3}}}');
    assert.ok(r.ok);
    if (r.ok && r.message.msg === 'added') assert.ok(r.message.fields.d instanceof Date);
    const ch = parseFrame('{"msg":"changed","collection":"c","id":"1"}');
    assert.ok(ch.ok && ch.message.msg === 'changed' && ch.message.cleared.length === 0);
  });
  test('ignored: no msg, unknown msg', () => {
    for (const f of ['{"server_id":"0"}', '{"msg":"server_id","server_id":"0"}', '{"msg":"future"}']) {
      const r = parseFrame(f);
      assert.ok(!r.ok && r.ignored, f);
    }
  });
  test('malformed: a problem, never a throw', () => {
    for (const f of ['x', '[]', '1', 'null', '{"msg":1}', '{"msg":"added","id":"1"}', '{"msg":"ready","subs":[1]}']) {
      const r = parseFrame(f);
      assert.ok(!r.ok && !r.ignored && r.problem.length > 0, f);
    }
  });
});

describe('ddp Store', () => {
  test('replaceWith returns exactly the difference', () => {
    const a = new Store();
    a.added('c', 'same', { v: 1, d: new Date(1) });
    a.added('c', 'diff', { v: 1, drop: true });
    a.added('c', 'gone', { v: 1 });
    const b = new Store();
    b.added('c', 'same', { v: 1, d: new Date(1) });
    b.added('c', 'diff', { v: 2 });
    b.added('c', 'new', { v: 3 });
    const changes = a.replaceWith(b);
    assert.deepEqual(
      changes.map((ch) => `${ch.type}:${ch.id}`).sort(),
      ['added:new', 'changed:diff', 'removed:gone'],
    );
    const diff = changes.find((ch) => ch.id === 'diff');
    assert.ok(diff && diff.type === 'changed');
    if (diff.type === 'changed') {
      assert.deepEqual(diff.fields, { v: 2 });
      assert.deepEqual(diff.cleared, ['drop']);
    }
    assert.deepEqual([...a.collections.get('c')!.keys()].sort(), ['diff', 'new', 'same']);
  });
  test('changed/removed/movedBefore on unknown documents return false', () => {
    const s = new Store();
    assert.equal(s.changed('c', 'x', { a: 1 }, []), false);
    assert.equal(s.removed('c', 'x'), false);
    assert.equal(s.movedBefore('c', 'x', null), false);
  });
  test('addedBefore with an unknown before appends', () => {
    const s = new Store();
    s.addedBefore('c', 'a', {}, null);
    s.addedBefore('c', 'b', {}, 'nope');
    assert.deepEqual([...s.collections.get('c')!.keys()], ['a', 'b']);
  });
});

describe('ddp maskSecrets and errors', () => {
  test('masks digests, passwords and resume tokens', () => {
    const frame = JSON.stringify({
      msg: 'method',
      method: 'login',
      params: [{ user: { username: 'alice' }, password: { digest: 'abc123', algorithm: 'sha-256' } }],
    });
    const masked = maskSecrets(frame);
    assert.ok(!masked.includes('abc123'));
    assert.ok(masked.includes('alice'));
    assert.ok(!maskSecrets('{"msg":"method","params":[{"resume":"tok-xyz"}]}').includes('tok-xyz'));
    assert.ok(!maskSecrets('{"result":{"id":"u","token":"tok-abc"}}').includes('tok-abc'));
  });
  test('DdpError carries the server error object', () => {
    const e = new DdpError({ error: 404, reason: 'Not found', details: { a: 1 } });
    assert.ok(e instanceof Error);
    assert.equal(e.error, 404);
    assert.equal(e.reason, 'Not found');
    assert.deepEqual(e.details, { a: 1 });
    assert.match(e.message, /Not found/);
    assert.ok(new DdpConnectionError('CONNECTION_LOST', 'lost') instanceof Error);
  });
});
