// Server order, property-tested with fast-check against a naive array model:
// - every sequence of added / addedBefore / movedBefore / changed / removed leaves the store in the model's order
//   (the store keeps order in a linked list once documents are placed in the middle);
// - after a reconnect (Store.replaceWith), replaying the changes it returns onto the old order rebuilds exactly the
//   new order, which is the server's for ordered collections, and only documents out of place are moved.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Store, longestIncreasing, type StoreChange } from '../../src/ddp/store';
import { DocumentMap } from '../../src/ddp/documents';

const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20_261_129;
const params = (numRuns: number) => ({ seed: SEED, numRuns });

type Op =
  | { op: 'added'; id: string; v: number }
  | { op: 'addedBefore'; id: string; v: number; before: string | null }
  | { op: 'movedBefore'; id: string; before: string | null }
  | { op: 'changed'; id: string; v: number }
  | { op: 'removed'; id: string };

/** The model: an array of [id, v], with the same rules as the store (unknown `before` appends). */
class Model {
  items: Array<[string, number]> = [];
  private at(id: string): number {
    return this.items.findIndex(([i]) => i === id);
  }
  apply(o: Op): void {
    const k = this.at(o.id);
    switch (o.op) {
      case 'added':
        if (k >= 0) this.items[k] = [o.id, o.v];
        else this.items.push([o.id, o.v]);
        return;
      case 'addedBefore':
      case 'movedBefore': {
        let v: number;
        if (o.op === 'movedBefore') {
          if (k < 0) return;
          v = this.items[k][1];
        } else v = o.v;
        if (k >= 0) this.items.splice(k, 1);
        const b = o.before === null ? -1 : this.at(o.before);
        if (b < 0) this.items.push([o.id, v]);
        else this.items.splice(b, 0, [o.id, v]);
        return;
      }
      case 'changed':
        if (k >= 0) this.items[k] = [o.id, o.v];
        return;
      case 'removed':
        if (k >= 0) this.items.splice(k, 1);
    }
  }
}

const idArb = fc.constantFrom(...'abcdefghijklmnop'.split(''));
const beforeArb = fc.option(fc.constantFrom(...'abcdefghijklmnopz'.split('')), { nil: null });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('added' as const), id: idArb, v: fc.nat(9) }),
  fc.record({ op: fc.constant('addedBefore' as const), id: idArb, v: fc.nat(9), before: beforeArb }),
  fc.record({ op: fc.constant('movedBefore' as const), id: idArb, before: beforeArb }),
  fc.record({ op: fc.constant('changed' as const), id: idArb, v: fc.nat(9) }),
  fc.record({ op: fc.constant('removed' as const), id: idArb }),
);

function applyToStore(s: Store, o: Op): void {
  if (o.op === 'added') s.added('c', o.id, { v: o.v });
  else if (o.op === 'addedBefore') s.addedBefore('c', o.id, { v: o.v }, o.before);
  else if (o.op === 'movedBefore') s.movedBefore('c', o.id, o.before);
  else if (o.op === 'changed') s.changed('c', o.id, { v: o.v }, []);
  else s.removed('c', o.id);
}

function storeItems(s: Store): Array<[string, number]> {
  const coll = s.collections.get('c');
  return coll ? [...coll].map(([id, f]) => [id, f.v as number]) : [];
}

/** Replays the store's reconcile changes the way a listener would (the model's rules). */
function replay(model: Model, changes: StoreChange[]): void {
  for (const c of changes) {
    if (c.type === 'added') model.apply({ op: 'added', id: c.id, v: c.fields.v as number });
    else if (c.type === 'addedBefore')
      model.apply({ op: 'addedBefore', id: c.id, v: c.fields.v as number, before: c.before });
    else if (c.type === 'movedBefore') model.apply({ op: 'movedBefore', id: c.id, before: c.before });
    else if (c.type === 'changed') model.apply({ op: 'changed', id: c.id, v: c.fields.v as number });
    else model.apply({ op: 'removed', id: c.id });
  }
}

describe('ddp order: the store against an array model', () => {
  test('any sequence of ordered and plain operations keeps the model order, through every view of the Map', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const s = new Store();
        const m = new Model();
        for (const o of ops) {
          applyToStore(s, o);
          m.apply(o);
        }
        const coll = s.collections.get('c') ?? new Map();
        assert.deepEqual(storeItems(s), m.items);
        assert.deepEqual(
          [...coll.keys()],
          m.items.map(([id]) => id),
        );
        assert.deepEqual(
          [...coll.values()].map((f) => f.v),
          m.items.map(([, v]) => v),
        );
        const seen: string[] = [];
        coll.forEach((_f, id) => seen.push(id));
        assert.deepEqual(
          seen,
          m.items.map(([id]) => id),
        );
        assert.equal(coll.size, m.items.length);
        for (const [id, v] of m.items) assert.equal(coll.get(id)?.v, v);
      }),
      params(2000),
    );
  });

  test('a linked collection can be cleared and reused, and deleting while iterating goes on with the rest', () => {
    const d = new DocumentMap();
    for (const id of ['a', 'b', 'c', 'd']) d.set(id, { id });
    d.insertBefore('x', { id: 'x' }, 'b');
    const seen: string[] = [];
    for (const [id] of d) {
      seen.push(id);
      if (id === 'x') d.delete('x');
    }
    assert.deepEqual(seen, ['a', 'x', 'b', 'c', 'd']);
    assert.deepEqual([...d.keys()], ['a', 'b', 'c', 'd']);
    d.clear();
    d.set('z', {});
    d.insertBefore('y', {}, 'z');
    assert.deepEqual([...d.keys()], ['y', 'z']);
    assert.ok(d instanceof Map);
  });

  test('longestIncreasing finds a longest strictly increasing run', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(50), { maxLength: 30 }), (seq) => {
        const idx = longestIncreasing(seq);
        for (let k = 1; k < idx.length; k++) {
          assert.ok(idx[k] > idx[k - 1] && seq[idx[k]] > seq[idx[k - 1]]);
        }
        // Brute force length (O(n^2) DP).
        const best = seq.map(() => 1);
        for (let i = 0; i < seq.length; i++)
          for (let j = 0; j < i; j++) if (seq[j] < seq[i]) best[i] = Math.max(best[i], best[j] + 1);
        assert.equal(idx.length, Math.max(0, ...best));
      }),
      params(500),
    );
  });
});

describe('ddp order: reconciling after a reconnect', () => {
  /** Random old and new orders over a small id space, with overlaps, removals, additions and changes. */
  const ordersArb = fc.record({
    before: fc.uniqueArray(idArb, { maxLength: 16 }),
    after: fc.uniqueArray(idArb, { maxLength: 16 }),
    values: fc.array(fc.nat(2), { minLength: 16, maxLength: 16 }),
    oldPlain: fc.boolean(),
  });

  test('replaying the changes on the old order rebuilds exactly the new store, which is in the server order', () => {
    fc.assert(
      fc.property(ordersArb, ({ before, after, values, oldPlain }) => {
        const live = new Store();
        const listener = new Model();
        before.forEach((id, i) => {
          const op: Op = oldPlain ? { op: 'added', id, v: i % 2 } : { op: 'addedBefore', id, v: i % 2, before: null };
          applyToStore(live, op);
          listener.apply(op);
        });
        const shadow = new Store();
        // The new session sends its documents in a scrambled way that still ends in `after` order.
        after.forEach((id, i) => shadow.addedBefore('c', id, { v: values[i] }, null));
        for (let i = 0; i < after.length; i += 3)
          shadow.movedBefore('c', after[i], i + 1 < after.length ? after[i + 1] : null);
        const order = [...(shadow.collections.get('c')?.keys() ?? [])];

        const changes = live.replaceWith(shadow);
        replay(listener, changes);
        assert.deepEqual(storeItems(live), listener.items, 'the events do not rebuild the store');
        assert.deepEqual(
          storeItems(live).map(([id]) => id),
          order,
          'the store is not in the server order',
        );
        // No event for unchanged documents, and no more moves than documents out of place.
        const kept = before.filter((id) => order.includes(id));
        const inPlace = longestIncreasing(kept.map((id) => order.indexOf(id))).length;
        const moves = changes.filter((c) => c.type === 'movedBefore').length;
        assert.equal(moves, kept.length - inPlace);
        for (const c of changes) {
          if (c.type === 'changed') assert.notEqual(c.fields.v, before.indexOf(c.id) % 2);
        }
      }),
      params(3000),
    );
  });

  test('plain collections keep their documents in place and append new ones with `added`', () => {
    const live = new Store();
    for (const id of ['a', 'b', 'c']) live.added('c', id, { v: 1 });
    const shadow = new Store();
    for (const id of ['d', 'c', 'a']) shadow.added('c', id, { v: 1 });
    const changes = live.replaceWith(shadow);
    assert.deepEqual(
      changes.map((c) => `${c.type}:${c.id}`),
      ['removed:b', 'added:d'],
    );
    assert.deepEqual([...live.collections.get('c')!.keys()], ['a', 'c', 'd']);
  });
});
