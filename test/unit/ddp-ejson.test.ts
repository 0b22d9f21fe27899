// Unit tests of the DDP library: EJSON decoding and encoding (src/ddp/ejson.ts).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { fromEJSON, toEJSON } from '../../src/ddp';

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
