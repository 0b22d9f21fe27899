// MongoDB queries on live data (src/core/query): parsing and validation of what a user types, mingo's evaluation with
// EJSON values, and the incremental index held against a full re-evaluation by mingo after random change sequences.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Query } from 'mingo';
import { isQueryText, parseFindQuery, validateFindQuery } from '../../src/core/query/findQuery';
import { MatchIndex } from '../../src/core/query/matchIndex';
import { ObjectID } from '../../src/ddp/ejson';

function compiled(text: string) {
  const r = parseFindQuery(text);
  if (!r.ok) throw new Error(r.message);
  return r.compiled;
}

describe('query text: parsing and validation', () => {
  test('strict JSON, JSON5 keys and single quotes all read as the same selector', () => {
    for (const text of [
      '{"done": false, "priority": {"$gte": 2}}',
      '{ done: false, priority: { $gte: 2 } }',
      "{ 'done': false, priority: { $gte: 2, }, }",
    ]) {
      const r = parseFindQuery(text);
      assert.ok(r.ok, text);
      assert.deepEqual(r.query.selector, { done: false, priority: { $gte: 2 } });
      assert.equal(r.query.sort, undefined);
      assert.equal(r.query.projection, undefined);
    }
  });

  test('find() options: sort, fields, projection', () => {
    const r = parseFindQuery("{done: false}, {sort: {priority: -1, title: 1}, fields: {title: 1, 'owner.name': 1}}");
    assert.ok(r.ok);
    assert.deepEqual(r.query.sort, { priority: -1, title: 1 });
    assert.deepEqual(Object.keys(r.query.sort!), ['priority', 'title'], 'sort fields keep their order');
    assert.deepEqual(r.query.projection, { title: 1, 'owner.name': 1 });
    const p = parseFindQuery('{}, {projection: {title: 0}}');
    assert.ok(p.ok);
    assert.deepEqual(p.query.projection, { title: 0 });
  });

  test('only text that starts with { is a query', () => {
    assert.equal(isQueryText('  {done: true}'), true);
    assert.equal(isQueryText('done'), false);
    assert.equal(isQueryText(''), false);
  });

  test("invalid selectors are refused with the library's message or a plain sentence", () => {
    const cases: Array<[string, RegExp]> = [
      ['{a: {$foo: 1}}', /unknown query operator \$foo/],
      ['{$and: 3}', /\$and expects value to be an Array/],
      ["{a: {$regex: '('}}", /Invalid regular expression/],
      ['{done: }', /invalid character/i],
      ['{done: true', /ends too soon: a \{ or \[ is not closed/],
      ['{done: [true}', /invalid character '\}' at 1:13/],
      ['{a: {$in: 3}}', /./],
      ['{}, {limit: 5}', /Unknown option "limit"/],
      ['{}, {sort: {a: 2}}', /must be 1 \(ascending\) or -1 \(descending\)/],
      ['{}, {sort: {}}', /sort is an object/],
      ['{}, {fields: {a: 1, b: 0}}', /exclusion and inclusion/],
      ['{}, {fields: {a: 1}, projection: {a: 1}}', /fields or projection, not both/],
      ['{}, {}, {}', /nothing more/],
      ['{d: {$date: "yesterday"}}', /Invalid \$date/],
      ['{d: ISODate("2026-01-01")}', /Dates are EJSON/],
      ['{t: /abc/i}', /\$regex/],
      ['{_id: ObjectId("5f1d")}', /\$type: "oid"/],
      ["{$where: 'this.a > 1'}", /\$where/],
      ['{a: 1', /ends too soon/],
    ];
    for (const [text, re] of cases) {
      const message = validateFindQuery(text);
      assert.ok(message, `${text} should be refused`);
      assert.match(message, re, text);
    }
    assert.equal(validateFindQuery('{ done: false, priority: { $gte: 2 } }'), undefined);
  });

  test('a "__proto__" key stays data: no prototype is touched', () => {
    const r = parseFindQuery('{"__proto__": {"polluted": 1}}');
    if (r.ok) {
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      r.compiled.matches('a', { x: 1 });
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('query evaluation: mingo with EJSON values', () => {
  test('a $date in a selector compares with the Dates of the documents', () => {
    const q = compiled("{createdAt: {$gte: {$date: '2026-01-01T12:00:00Z'}}}");
    assert.equal(q.matches('a', { createdAt: new Date('2026-01-01T13:00:00Z') }), true);
    assert.equal(q.matches('b', { createdAt: new Date('2026-01-01T11:00:00Z') }), false);
    const ms = compiled(`{createdAt: {$lt: {$date: ${Date.UTC(2026, 0, 1, 12)}}}}`);
    assert.equal(ms.matches('b', { createdAt: new Date('2026-01-01T11:00:00Z') }), true);
  });

  test('ObjectIDs and _id match; nested paths and arrays as in MongoDB', () => {
    const oid = compiled("{ref: {$type: 'oid', $value: '5f1d7a2b9c8e4d3f2a1b0c9d'}}");
    assert.equal(oid.matches('a', { ref: new ObjectID('5f1d7a2b9c8e4d3f2a1b0c9d') }), true);
    assert.equal(oid.matches('a', { ref: new ObjectID('000000000000000000000000') }), false);
    assert.equal(compiled("{_id: 'task-1'}").matches('task-1', {}), true);
    assert.equal(compiled("{_id: {$in: ['task-2']}}").matches('task-1', {}), false);
    const nested = compiled("{'owner.name': 'ada', tags: 'x'}");
    assert.equal(nested.matches('a', { owner: { name: 'ada' }, tags: ['y', 'x'] }), true);
    assert.equal(nested.matches('a', { owner: { name: 'bob' }, tags: ['x'] }), false);
  });

  test('projection keeps the named fields (nested too), without _id', () => {
    const q = compiled("{}, {fields: {title: 1, 'owner.name': 1}}");
    assert.deepEqual(q.project('t1', { title: 'A', done: true, owner: { name: 'ada', team: 'core' } }), {
      title: 'A',
      owner: { name: 'ada' },
    });
    const ex = compiled('{}, {fields: {done: 0}}');
    assert.deepEqual(ex.project('t1', { title: 'A', done: true }), { title: 'A' });
  });

  test('a selector that fails on a document does not match it, and does not throw', () => {
    const q = compiled("{tags: {$all: ['x']}}");
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.equal(q.matches('x', { tags: cyclic }), false);
    assert.equal(q.matches('y', { tags: ['x'] }), true);
  });
});

describe('the live results: incremental matching and order', () => {
  type Doc = Record<string, unknown>;
  const value = fc.oneof(
    fc.integer({ min: -3, max: 3 }),
    fc.constantFrom('a', 'b', 'c', null, true, false),
    fc.constantFrom(new Date(0), new Date(1000)),
  );
  const arbDoc = fc.record(
    { p: value, q: value, n: fc.record({ k: value }, { requiredKeys: [] }) },
    { requiredKeys: [] },
  ) as fc.Arbitrary<Doc>;
  const arbOp = fc.record({
    op: fc.constantFrom('added', 'changed', 'removed', 'moved') as fc.Arbitrary<
      'added' | 'changed' | 'removed' | 'moved'
    >,
    id: fc.integer({ min: 0, max: 25 }),
    doc: arbDoc,
  });
  const queries = [
    '{p: {$gte: 0}}',
    '{$or: [{q: "a"}, {"n.k": {$lt: 1}}]}',
    '{p: {$exists: true}}, {sort: {p: 1}}',
    '{}, {sort: {q: -1, p: 1}}',
    '{q: {$ne: null}}, {sort: {"n.k": 1}}',
    '{p: {$in: [1, 2, "b", true]}}, {sort: {p: -1}}',
  ];

  /** mingo over the whole collection, from scratch: the oracle. */
  function oracle(text: string, docs: Map<string, Doc>): string[] {
    const r = parseFindQuery(text);
    assert.ok(r.ok);
    const all = [...docs].map(([id, f]) => ({ _id: id, ...f }));
    const cursor = new Query(r.query.selector).find<{ _id: string }>(all);
    return (r.query.sort ? cursor.sort(r.query.sort) : cursor).all().map((d) => d._id);
  }

  for (const text of queries) {
    test(`count and order equal mingo's full evaluation after any sequence of changes: ${text}`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.integer({ min: 0, max: 25 }), arbDoc), { maxLength: 12 }),
          fc.array(arbOp, { maxLength: 60 }),
          (initial, ops) => {
            const docs = new Map<string, Doc>();
            for (const [i, d] of initial) docs.set(`d${i}`, { ...d });
            const index = new MatchIndex(compiled(text), () => docs);
            assert.deepEqual(index.page(1000), oracle(text, docs));
            for (const o of ops) {
              const id = `d${o.id}`;
              if (o.op === 'added') {
                if (docs.has(id)) continue;
                docs.set(id, { ...o.doc });
              } else if (o.op === 'changed') {
                const d = docs.get(id);
                if (!d) continue;
                for (const k of Object.keys(d)) delete d[k];
                Object.assign(d, o.doc); // in place, as the client's store does
              } else if (o.op === 'removed') {
                if (!docs.delete(id)) continue;
              } else {
                const f = docs.get(id);
                if (!f) continue;
                const rest = [...docs].filter(([k]) => k !== id);
                docs.clear();
                docs.set(id, f);
                for (const [k, x] of rest) docs.set(k, x);
              }
              index.apply(o.op, id);
              const expected = oracle(text, docs);
              assert.equal(index.count(), expected.length);
              assert.deepEqual(index.page(1000), expected);
            }
          },
        ),
        { seed: 16, numRuns: 150 },
      );
    });
  }

  test('a change that moves a member in the sort order, or in or out of the matches, changes the list', () => {
    const docs = new Map<string, Doc>([
      ['a', { done: false, priority: 1 }],
      ['b', { done: false, priority: 3 }],
      ['c', { done: true, priority: 2 }],
    ]);
    const index = new MatchIndex(compiled('{done: false}, {sort: {priority: -1}}'), () => docs);
    assert.deepEqual(index.page(10), ['b', 'a']);
    docs.get('a')!.priority = 5;
    assert.equal(index.apply('changed', 'a'), 'membership', 'a moved before b');
    assert.deepEqual(index.page(10), ['a', 'b']);
    docs.get('a')!.title = 'same place';
    assert.equal(index.apply('changed', 'a'), 'member');
    docs.get('b')!.done = true;
    assert.equal(index.apply('changed', 'b'), 'membership');
    docs.get('c')!.title = 'still done';
    assert.equal(index.apply('changed', 'c'), 'none');
    assert.deepEqual(index.page(10), ['a']);
  });

  test('a change on 100,000 documents tests only the changed document: no rescan', () => {
    const docs = new Map<string, Doc>();
    for (let i = 0; i < 100_000; i++) docs.set(`d${i}`, { n: i, even: i % 2 === 0 });
    const q = compiled('{even: true, n: {$gte: 50000}}, {sort: {n: -1}}');
    let tested = 0;
    const counting = { ...q, matches: (id: string, f: Doc) => (tested++, q.matches(id, f)) };
    const index = new MatchIndex(counting, () => docs);
    assert.equal(index.count(), 25_000);
    assert.deepEqual(index.page(2), ['d99998', 'd99996']);
    tested = 0;
    docs.get('d99999')!.even = true;
    assert.equal(index.apply('changed', 'd99999'), 'membership');
    docs.get('d99998')!.n = 10;
    assert.equal(index.apply('changed', 'd99998'), 'membership');
    assert.equal(tested, 2);
    assert.deepEqual(index.page(2), ['d99999', 'd99996']);
    assert.equal(index.count(), 25_000);
  });
});
