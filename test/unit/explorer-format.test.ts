import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectID } from '../../src/ddp';
import {
  describeValue,
  formatScalar,
  formatValue,
  matchesFilter,
  redactSecrets,
  summarizeDocument,
  typeLabel,
  valueAt,
  valueKind,
  childEntries,
  formatDuration,
} from '../../src/presentation/format';
import { parseParams, validateParams } from '../../src/core/params';
import { describeError, formatCallResult, formatParams, prettyEJSON } from '../../src/presentation/logFormat';
import { callErrorNotification } from '../../src/presentation/errorMessages';
import { DdpConnectionError, DdpError } from '../../src/ddp';
import { pushRecent, readRecent } from '../../src/core/recent';
import { SecretMasker } from '../../src/presentation/masker';

describe('explorer formatting of EJSON values', () => {
  test('shows EJSON values by type', () => {
    assert.equal(formatScalar(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6))), 'Date 2024-01-02T03:04:05.006Z');
    assert.equal(formatScalar(new Date(NaN)), 'Date (invalid)');
    assert.equal(formatScalar(new Uint8Array([1, 2, 3])), 'Binary (3 bytes)');
    assert.equal(formatScalar(new Uint8Array([1])), 'Binary (1 byte)');
    assert.equal(formatScalar(new ObjectID('0123456789abcdef01234567')), 'ObjectID(0123456789abcdef01234567)');
    assert.equal(formatScalar({ $type: 'oid', $value: 'abc' }), 'ObjectID(abc)');
    assert.equal(formatScalar({ $type: 'weird', $value: { a: 1 } }), 'weird({"a":1})');
    assert.equal(formatScalar('hi'), '"hi"');
    assert.equal(formatScalar(42), '42');
    assert.equal(formatScalar(NaN), 'NaN');
    assert.equal(formatScalar(Infinity), 'Infinity');
    assert.equal(formatScalar(null), 'null');
    assert.equal(formatScalar(true), 'true');
    assert.equal(formatScalar(/a+b/gi), '/a+b/gi');
  });

  test('values with children are objects and arrays only', () => {
    assert.equal(valueKind({ a: 1 }), 'object');
    assert.equal(valueKind([1]), 'array');
    assert.equal(valueKind(new Date()), 'leaf');
    assert.equal(valueKind(new Uint8Array(2)), 'leaf');
    assert.equal(valueKind(new ObjectID('ab')), 'leaf');
    assert.equal(valueKind({ $type: 'x', $value: 1 }), 'leaf');
    assert.deepEqual(childEntries(['a', 'b']), [
      [0, 'a'],
      [1, 'b'],
    ]);
    assert.deepEqual(childEntries({ x: 1 }), [['x', 1]]);
  });

  test('type labels', () => {
    assert.equal(typeLabel(new Date()), 'Date');
    assert.equal(typeLabel(new Uint8Array()), 'Binary');
    assert.equal(typeLabel(new ObjectID('ab')), 'ObjectID');
    assert.equal(typeLabel([]), 'array');
    assert.equal(typeLabel({}), 'object');
    assert.equal(typeLabel('s'), 'string');
    assert.equal(typeLabel(null), 'null');
  });

  test('objects and arrays are summarised inline and shortened', () => {
    assert.equal(formatValue({ a: 1, b: 'x' }), '{a: 1, b: "x"}');
    assert.equal(formatValue([1, 2, 3]), '[1, 2, 3]');
    assert.equal(describeValue([1, 2]), 'Array(2) [1, 2]');
    assert.equal(describeValue([]), '[]');
    assert.equal(describeValue({}), '{}');
    const long = formatValue('x'.repeat(500), 50);
    assert.ok(long.length <= 50 && long.endsWith('…'));
    assert.ok(!formatValue('a\nb').includes('\n'), 'one line');
  });

  test('document summary skips _id and stays short', () => {
    assert.equal(summarizeDocument({ _id: 'x', name: 'Ann', age: 3 }), 'name: "Ann", age: 3');
    assert.equal(summarizeDocument({ when: new Date(0) }), 'when: Date 1970-01-01T00:00:00.000Z');
    assert.equal(summarizeDocument({}), '(no fields)');
    const many: Record<string, number> = {};
    for (let i = 0; i < 100; i++) many[`field${i}`] = i;
    assert.ok(summarizeDocument(many).length <= 100);
  });

  test('valueAt follows object keys and array indexes, never prototypes', () => {
    const doc = { a: { b: [10, { c: 'deep' }] } };
    assert.equal(valueAt(doc, ['a', 'b', 1, 'c']), 'deep');
    assert.equal(valueAt(doc, ['a', 'x']), undefined);
    assert.equal(valueAt(doc, ['constructor']), undefined);
    assert.equal(valueAt(doc, ['__proto__']), undefined);
  });

  test('filter matches the id or any field value, case-insensitively', () => {
    const f = { name: 'Alice', tags: ['Admin', 'x'], meta: { city: 'Paris' }, when: new Date(Date.UTC(2024, 0, 2)) };
    assert.ok(matchesFilter('u1', f, 'alice'));
    assert.ok(matchesFilter('u1', f, 'ADMIN'));
    assert.ok(matchesFilter('u1', f, 'paris'));
    assert.ok(matchesFilter('user-42', f, '42'));
    assert.ok(matchesFilter('u1', f, '2024-01-02'));
    assert.ok(!matchesFilter('u1', f, 'bob'));
    assert.ok(matchesFilter('u1', f, '  '));
  });

  test('secrets are redacted from values before they are shown', () => {
    const v = redactSecrets({
      user: 'a',
      password: { digest: 'abc', algorithm: 'sha-256' },
      list: [{ resume: 'tok' }],
      token: 't',
    });
    assert.deepEqual(v, { user: 'a', password: '***', list: [{ resume: '***' }], token: '***' });
    assert.ok(!prettyEJSON({ id: 'u', token: 'SECRET-TOKEN' }).includes('SECRET-TOKEN'));
    assert.ok(!formatParams([{ resume: 'SECRET-TOKEN' }]).includes('SECRET-TOKEN'));
  });

  test('durations', () => {
    assert.equal(formatDuration(12.4), '12 ms');
    assert.equal(formatDuration(1500), '1.5 s');
  });
});

describe('explorer params parsing', () => {
  test('EJSON arrays are params; EJSON forms are decoded', () => {
    assert.deepEqual(parseParams('[2, 3]'), { ok: true, params: [2, 3] });
    assert.deepEqual(parseParams(''), { ok: true, params: [] });
    assert.deepEqual(parseParams('   '), { ok: true, params: [] });
    const r = parseParams('[{"$date": 0}, {"$binary": "AQID"}]');
    assert.ok(r.ok);
    if (r.ok) {
      assert.ok(r.params[0] instanceof Date);
      assert.equal(r.params[0].getTime(), 0);
      assert.ok(r.params[1] instanceof Uint8Array);
    }
  });

  test('invalid text gives an error to show inline, and a single value is an error unless allowed', () => {
    const bad = parseParams('[1,');
    assert.equal(bad.ok, false);
    assert.match(validateParams('[1,') ?? '', /^Invalid EJSON/);
    assert.match(validateParams('{"a":1}') ?? '', /array/);
    assert.deepEqual(parseParams('{"a":1}', { allowSingle: true }), { ok: true, params: [{ a: 1 }] });
    assert.deepEqual(parseParams('5', { allowSingle: true }), { ok: true, params: [5] });
    assert.equal(validateParams('[]'), undefined);
  });
});

describe('explorer log lines', () => {
  test('method results are pretty EJSON with the duration', () => {
    assert.equal(formatCallResult('math.add', 5, 12), 'math.add → 5 (12 ms)');
    assert.equal(formatCallResult('m', { when: new Date(0) }, 3), 'm → {\n  "when": {\n    "$date": 0\n  }\n} (3 ms)');
    assert.equal(formatCallResult('nothing', undefined, 1), 'nothing → undefined (1 ms)');
  });

  test('errors show reason and error code', () => {
    const e = new DdpError({ error: 'fixture-error', reason: 'Fixture failure' });
    assert.equal(describeError(e), 'Fixture failure [fixture-error]');
    assert.equal(callErrorNotification('fail', e), 'fail: Fixture failure [fixture-error]');
    assert.equal(describeError(new DdpError({ error: 500 })), '[500]');
    const os = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    assert.equal(describeError(os), 'connect ECONNREFUSED 127.0.0.1:1');
    assert.equal(describeError('x'), 'x');
    assert.ok(!describeError(new Error('{"resume":"tok123"}')).includes('tok123'));
  });

  test('a call that timed out says plainly that the server did not answer within the limit', () => {
    const e = new DdpConnectionError('TIMEOUT', "The server did not answer method 'slow' within 60000 ms", {
      timeout: 60000,
    });
    assert.equal(
      callErrorNotification('slow', e),
      'slow: the server did not answer within 60 s (ddpExplorer.methodTimeout); the method may still run on the server',
    );
    const short = new DdpConnectionError('TIMEOUT', 'x', { timeout: 1500 });
    assert.equal(
      callErrorNotification('m', short),
      'm: the server did not answer within 1.5 s (ddpExplorer.methodTimeout); the method may still run on the server',
    );
    const lost = new DdpConnectionError('CONNECTION_LOST', 'Connection lost before the server answered');
    assert.equal(
      callErrorNotification('m', lost),
      'm: the connection dropped before the answer (the method may or may not have run)',
    );
  });

  test('recent lists keep the newest first without duplicates', () => {
    assert.deepEqual(pushRecent(['a', 'b', 'c'], 'b'), ['b', 'a', 'c']);
    assert.deepEqual(pushRecent(['a', 'b'], 'c', 2), ['c', 'a']);
    assert.deepEqual(readRecent(['a', 1, '', 'b']), ['a', 'b']);
    assert.deepEqual(readRecent(undefined), []);
  });
});

describe('explorer secret masking', () => {
  test('known JSON fields and registered values are masked; short values are not masked by value', () => {
    const m = new SecretMasker();
    m.add('tok-123456789');
    m.add('a"b\\c-long-secret');
    m.add('abc');
    assert.equal(
      m.mask('< {"msg":"result","result":{"token":"zzz","id":"u"}}'),
      '< {"msg":"result","result":{"token":"***","id":"u"}}',
    );
    assert.equal(m.mask('resumed with tok-123456789 ok'), 'resumed with *** ok');
    assert.equal(m.mask(JSON.stringify({ x: 'a"b\\c-long-secret' })), '{"x":"***"}');
    assert.equal(m.mask('abc'), 'abc');
    m.delete('tok-123456789');
    assert.equal(m.mask('tok-123456789'), 'tok-123456789');
  });
});
