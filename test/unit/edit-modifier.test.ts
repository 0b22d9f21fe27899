// Diff → modifier (src/core/edit/modifier.ts), property-tested: for random pairs of documents (nested objects,
// arrays, Dates, binary, ObjectIDs) the modifier applied to the old document with Meteor's own update semantics
// (mongodb-livedata-server's minimongo `_modify`, not code of ours) gives the new document. The seed is fixed
// unless FC_SEED is set.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { _modify } from 'mongodb-livedata-server/dist/meteor/mongo/minimongo_common';
import { equals, clone } from 'mongodb-livedata-server/dist/meteor/ejson/ejson';
import { diffToModifier, type Fields } from '../../src/core/edit/modifier';
import { ObjectID, fromEJSON, toEJSON } from '../../src/ddp/ejson';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : 1616;

// Few names, so that the two documents share keys often (changes deep inside, not only whole replacements).
const key = fc.constantFrom('a', 'b', 'c', 'title', 'x_y', '0', '1', 'constructor', 'Ünï');
const leaf = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
  fc.boolean(),
  fc.constant(null),
  fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }),
  fc.uint8Array({ maxLength: 6 }),
  fc.stringMatching(/^[0-9a-f]{24}$/).map((h) => new ObjectID(h)),
);
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
}));
const doc = fc.dictionary(key, value, { maxKeys: 5 });
/** A pair where the second is often a small edit of the first. */
const pair = fc.oneof(
  fc.tuple(doc, doc),
  fc.tuple(doc, doc, doc).map(([a, b, c]) => [a, { ...a, ...b, ...c }] as [Fields, Fields]),
  fc.tuple(doc, fc.array(key, { maxLength: 2 }), doc).map(([a, drop, b]) => {
    const next: Fields = { ...a };
    for (const k of drop) delete next[k];
    for (const [k, v] of Object.entries(next))
      if (v && typeof v === 'object' && !Array.isArray(v)) next[k] = { ...v, ...b };
    return [a, next] as [Fields, Fields];
  }),
);

function apply(before: Fields, modifier: object): Fields {
  const target = clone({ _id: 'doc-1', ...before }) as Fields;
  if (Object.keys(modifier).length > 0) _modify(target, modifier);
  return target;
}

describe('diff → modifier', () => {
  test('applying the modifier to the old document gives the new one (Meteor update semantics)', () => {
    fc.assert(
      fc.property(pair, ([before, after]) => {
        const result = diffToModifier(before, after);
        assert.ok(result.ok, !result.ok ? result.reason : '');
        const got = apply(before, result.modifier);
        assert.ok(
          equals(got, { _id: 'doc-1', ...after }),
          `got ${JSON.stringify(toEJSON(got))}, want ${JSON.stringify(toEJSON(after))} via ${JSON.stringify(toEJSON(result.modifier))}`,
        );
      }),
      { seed, numRuns: 2000 },
    );
  });

  test('only $set and $unset, arrays whole, nothing for an unchanged document', () => {
    fc.assert(
      fc.property(pair, ([before, after]) => {
        const result = diffToModifier(before, after);
        assert.ok(result.ok);
        for (const op of Object.keys(result.modifier)) assert.ok(op === '$set' || op === '$unset', op);
        const same = diffToModifier(before, clone(before) as Fields);
        assert.ok(same.ok);
        assert.deepEqual(same.modifier, {});
      }),
      { seed, numRuns: 500 },
    );
  });

  test('nested paths are dotted keys; an array changes whole; a removed field is $unset', () => {
    const before = { a: { b: { c: 1, d: 2 } }, tags: ['x', 'y'], gone: true, when: new Date(0) };
    const after = { a: { b: { c: 5, d: 2 } }, tags: ['x', 'z'], when: new Date(1) };
    const r = diffToModifier(before, after);
    assert.ok(r.ok);
    assert.deepEqual(r.modifier, {
      $set: { 'a.b.c': 5, tags: ['x', 'z'], when: new Date(1) },
      $unset: { gone: '' },
    });
  });

  test('_id is never part of the modifier', () => {
    const r = diffToModifier({ _id: 'a', x: 1 }, { _id: 'b', x: 1 });
    assert.ok(r.ok);
    assert.deepEqual(r.modifier, {});
  });

  test('field names MongoDB cannot take in an update are refused with a sentence', () => {
    for (const bad of [{ 'a.b': 1 }, { $where: 1 }, { '': 1 }, { ok: { 'x.y': 2 } }, { list: [{ $bad: 1 }] }]) {
      const r = diffToModifier({}, bad);
      assert.ok(!r.ok, JSON.stringify(bad));
      assert.match(r.reason, /cannot write/);
    }
  });

  test('a field named "__proto__" is a field of the modifier, not its prototype', () => {
    const after = JSON.parse('{"__proto__": {"polluted": 1}}') as Fields;
    const r = diffToModifier({}, after);
    assert.ok(r.ok);
    assert.ok(Object.prototype.hasOwnProperty.call(r.modifier.$set, '__proto__'));
    assert.equal(Object.getPrototypeOf(r.modifier.$set), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('an unknown custom type is a value (changed whole), kept exactly as received', () => {
    const before = fromEJSON({ money: { $type: 'money', $value: { amount: 1, cur: 'EUR' } } }) as Fields;
    const after = fromEJSON({ money: { $type: 'money', $value: { amount: 2, cur: 'EUR' } } }) as Fields;
    const r = diffToModifier(before, after);
    assert.ok(r.ok);
    assert.deepEqual(Object.keys(r.modifier.$set ?? {}), ['money']);
    assert.deepEqual(toEJSON(r.modifier), { $set: { money: { $type: 'money', $value: { amount: 2, cur: 'EUR' } } } });
    // The same shape as an escaped plain object is another value, with field names MongoDB refuses.
    const plain = fromEJSON({ money: { $escape: { $type: 'money', $value: { amount: 1, cur: 'EUR' } } } }) as Fields;
    const r2 = diffToModifier(before, plain);
    assert.ok(!r2.ok);
    assert.match(r2.reason, /"\$type"/);
  });
});
