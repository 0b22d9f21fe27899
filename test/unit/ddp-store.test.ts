// Unit tests of the DDP library: the document store (src/ddp/store.ts).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../src/ddp/store';

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
    assert.deepEqual(changes.map((ch) => `${ch.type}:${ch.id}`).sort(), ['added:new', 'changed:diff', 'removed:gone']);
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
