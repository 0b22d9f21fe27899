// The tree's levels, one module per node kind, and the model that dispatches to them: every kind has its level, every
// row's parent is the row it was listed under, refresh keys name the rows a change touches. No socket: documents
// come from a map the test owns (a session that never connects).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionManager, nullLog, type Session, type SessionChange } from '../../src/core/sessions';
import { TreeModel } from '../../src/presentation/tree/model';
import { LEVELS } from '../../src/presentation/tree/levels';
import { MAX_FIELD_CHILDREN } from '../../src/presentation/tree/levels/field';
import { NodeCache } from '../../src/presentation/tree/nodeCache';
import { NODE_KINDS, type NodeKind, type TreeNode } from '../../src/presentation/tree/nodes';
import type { Docs } from '../../src/presentation/tree/paging';

type Collections = Map<string, Map<string, Record<string, unknown>>>;

/** A model whose documents are the test's maps (what a connected client's store would hold). */
class DataModel extends TreeModel {
  constructor(
    manager: SessionManager,
    readonly data: Collections,
    pageSize = 2,
  ) {
    super(manager, () => pageSize);
  }
  override documents(_sessionId: string, collection: string): Docs | undefined {
    return this.data.get(collection);
  }
}

function setup(): { manager: SessionManager; session: Session; model: DataModel; data: Collections } {
  const manager = new SessionManager({ log: nullLog });
  const session = manager.addAdHoc('ws://127.0.0.1:1/websocket', 'test');
  const data: Collections = new Map([
    [
      'people',
      new Map<string, Record<string, unknown>>([
        [
          'p1',
          {
            name: 'Ann',
            address: { city: 'Oslo', tags: ['a', 'b'] },
            big: Array.from({ length: MAX_FIELD_CHILDREN + 3 }, (_, i) => i),
          },
        ],
        ['p2', { name: 'Bob' }],
        ['p3', { name: 'Cid' }],
      ]),
    ],
  ]);
  return { manager, session, model: new DataModel(manager, data), data };
}

describe('tree levels', () => {
  test('the table has one level for every node kind, and no other', () => {
    assert.deepEqual(Object.keys(LEVELS).sort(), [...NODE_KINDS].sort());
    for (const kind of NODE_KINDS) {
      const level = LEVELS[kind];
      assert.equal(typeof level.identity, 'function', `${kind}: identity`);
      assert.equal(typeof level.parent, 'function', `${kind}: parent`);
      assert.equal(typeof level.view, 'function', `${kind}: view`);
    }
  });

  test("every row's parent is the row it was listed under, and every kind is reached", () => {
    const { session, model } = setup();
    model.setFilter(session.id, 'people', 'nobody');
    const filtered = model.children(model.collectionNode(session.id, 'people'));
    assert.deepEqual(
      filtered.map((n) => n.kind),
      ['info'],
    );
    assert.equal(model.parent(filtered[0]), model.collectionNode(session.id, 'people'));
    model.setFilter(session.id, 'people', '');

    const seen = new Set<NodeKind>();
    const keys = new Set<string>();
    const walk = (node: TreeNode, depth: number): void => {
      seen.add(node.kind);
      assert.ok(!keys.has(node.key), `one row per key: ${node.key}`);
      keys.add(node.key);
      assert.equal(model.view(node).id, node.key);
      if (depth > 4) return;
      for (const child of model.children(node)) {
        assert.equal(model.parent(child), node, `parent of ${child.key}`);
        walk(child, depth + 1);
      }
    };
    // A Rocket.Chat stream event, so that the Streams group and its levels are listed too.
    session.streams.add({ collection: 'stream-room-messages', eventName: 'GENERAL', args: [{ msg: 'hi' }] }, 0);
    const conn = model.connectionNode(session.id);
    walk(conn, 0);
    walk(model.collectionNode(session.id, 'people'), 0);
    assert.equal(model.parent(model.collectionNode(session.id, 'people')), model.groupNode(session.id, 'collections'));
    const sub = model.node({ kind: 'subscription', sessionId: session.id, subId: 's1' });
    assert.equal(model.parent(sub), model.groupNode(session.id, 'subscriptions'));
    seen.add('subscription');
    seen.add('info');
    assert.deepEqual([...seen].sort(), [...NODE_KINDS].sort());
  });

  test('a node is the same object every time, and its view is shown without a session', () => {
    const { model } = setup();
    const a = model.node({ kind: 'field', sessionId: 'gone', collection: 'c', docId: 'd', path: ['x', 0] });
    assert.equal(model.node({ kind: 'field', sessionId: 'gone', collection: 'c', docId: 'd', path: ['x', 0] }), a);
    assert.notEqual(model.node({ kind: 'field', sessionId: 'gone', collection: 'c', docId: 'd', path: ['x', 1] }), a);
    assert.equal(model.view(model.connectionNode('gone')).label, '(removed)');
    assert.deepEqual(model.children(model.connectionNode('gone')), []);
  });

  test('paging: a page, then "Load more" with the count left; Load More adds a page', () => {
    const { session, model } = setup();
    const people = model.collectionNode(session.id, 'people');
    const rows = () => model.children(people).map((n) => model.view(n).label);
    assert.deepEqual(rows(), ['p1', 'p2', 'Load more (1 more)']);
    const more = model.children(people).at(-1)!;
    assert.deepEqual(model.view(more).command?.arguments, [more]);
    model.loadMore(session.id, 'people');
    assert.deepEqual(rows(), ['p1', 'p2', 'p3']);
  });

  test('a big array lists its first entries, then "… N more"', () => {
    const { session, model } = setup();
    const doc = model.documentNode(session.id, 'people', 'p1');
    const big = model.children(doc).find((n) => model.view(n).label === 'big')!;
    const entries = model.children(big);
    assert.equal(entries.length, MAX_FIELD_CHILDREN + 1);
    assert.equal(model.view(entries.at(-1)!).label, '… 3 more');
  });

  test('refresh keys: each change names the rows that show it', () => {
    const { session, model, data } = setup();
    const keys = (change: SessionChange) => model.keysFor(session, change);
    const conn = model.connectionNode(session.id).key;
    const subs = model.groupNode(session.id, 'subscriptions').key;
    const colls = model.groupNode(session.id, 'collections').key;
    const people = model.collectionNode(session.id, 'people').key;
    assert.deepEqual(keys({ type: 'state' }), [conn, subs]);
    assert.deepEqual(keys({ type: 'user' }), [conn]);
    assert.deepEqual(keys({ type: 'subscriptions' }), [subs, model.groupNode(session.id, 'streams').key]);
    assert.deepEqual(keys({ type: 'freshness' }), [colls, subs]);
    assert.deepEqual(keys({ type: 'collections' }), [colls, subs]);
    const change = { type: 'doc', op: 'changed', collection: 'people', id: 'p2' } as const;
    assert.deepEqual(keys(change), [model.documentNode(session.id, 'people', 'p2').key]);
    assert.equal(keys(change), keys(change), 'the same change is worked out once');
    assert.deepEqual(keys({ type: 'doc', op: 'added', collection: 'people', id: 'p4' }), [people]);

    // The group redraws when a listed collection loses its last document.
    model.listedCollections.set(session.id, new Set(['people', 'gone']));
    data.set('gone', new Map());
    assert.deepEqual(keys({ type: 'doc', op: 'removed', collection: 'gone', id: 'g1' }), [
      colls,
      model.collectionNode(session.id, 'gone').key,
    ]);
  });

  test('a removed document forgets its rows (fields and "… N more" too); a new data set forgets every document', () => {
    const { session, model } = setup();
    const doc = model.documentNode(session.id, 'people', 'p1');
    const fields = model.children(doc);
    const big = fields.find((n) => model.view(n).label === 'big')!;
    const more = model.children(big).at(-1)!;
    assert.equal(model.lookup(more.key), more);
    model.keysFor(session, { type: 'doc', op: 'removed', collection: 'people', id: 'p1' });
    for (const n of [doc, ...fields, more]) assert.equal(model.lookup(n.key), undefined, n.key);
    const p2 = model.documentNode(session.id, 'people', 'p2');
    const people = model.collectionNode(session.id, 'people');
    model.keysFor(session, { type: 'collections' });
    assert.equal(model.lookup(p2.key), undefined);
    assert.equal(model.lookup(people.key), people, 'the collection row stays');
    model.forgetSession(session.id);
    assert.equal(model.lookup(people.key), undefined);
  });
});

describe('node cache', () => {
  test('keys tell kinds, sessions and identities apart; forgetting a session keeps the others', () => {
    const cache = new NodeCache();
    const a = cache.node({ kind: 'collection', sessionId: 's1', collection: 'x' }, ['x']);
    const b = cache.node({ kind: 'loadMore', sessionId: 's1', collection: 'x' }, ['x']);
    const c = cache.node({ kind: 'collection', sessionId: 's2', collection: 'x' }, ['x']);
    assert.equal(new Set([a.key, b.key, c.key]).size, 3);
    cache.node({ kind: 'document', sessionId: 's1', collection: 'x', docId: 'd' }, ['x', 'd']);
    assert.equal(cache.size, 4);
    cache.forgetSession('s1');
    assert.equal(cache.size, 1);
    assert.equal(cache.get(c.key), c);
  });
});
