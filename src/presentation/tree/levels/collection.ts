// A collection row: its document count (and filter matches); under it one page of its documents in server order
// (filtered), then "Load more" while there are more.
import { clockTime, formatCount, plural, truncate } from '../../format';
import type { NodeOf, NodeView, TreeNode } from '../nodes';
import type { Level } from './level';

export const collectionLevel: Level<'collection'> = {
  identity: (node) => [node.collection],
  children: ({ collection }, s, tree) => {
    const sessionId = s.id;
    const docs = tree.documents(sessionId, collection);
    if (!docs) return [];
    const page = tree.paging.page(sessionId, collection);
    const out: TreeNode[] = [];
    let matched = 0;
    if (!page.index) {
      for (const docId of docs.keys()) {
        if (out.length >= page.limit) break;
        out.push(tree.node({ kind: 'document', sessionId, collection, docId }));
      }
      matched = docs.size;
    } else {
      for (const docId of page.index.page(page.limit))
        out.push(tree.node({ kind: 'document', sessionId, collection, docId }));
      matched = page.index.count();
      if (matched === 0) {
        const message = page.query ? 'No documents match the query' : 'No documents match the filter';
        out.push(tree.node({ kind: 'info', sessionId, collection, message }));
      }
    }
    if (matched > page.limit) out.push(tree.node({ kind: 'loadMore', sessionId, collection }));
    return out;
  },
  parent: ({ sessionId }, tree) => tree.node({ kind: 'group', sessionId, group: 'collections' }),
  view: (node, tree) => {
    const { sessionId, collection } = node;
    const total = tree.documents(sessionId, collection)?.size ?? 0;
    const { filter } = tree.paging.page(sessionId, collection);
    return collectionView(
      node,
      total,
      filter,
      tree.paging.matched(sessionId, collection),
      tree.session(sessionId)?.freshness.staleSince,
    );
  },
  refresh: (change, sessionId, _tree, effect) => {
    if (change.type !== 'doc') return [];
    // Added, removed, moved: the rows and the count. Changed under a filter or query: only when it starts or stops
    // matching, or moves in the sort order.
    const rows = change.op !== 'changed' || effect === 'membership';
    return rows ? [{ kind: 'collection', sessionId, collection: change.collection }] : [];
  },
};

/** `matched`: how many of the `total` documents pass `filter`. `staleSince`: the data has not caught up since then. */
function collectionView(
  node: NodeOf<'collection'>,
  total: number,
  filter: string,
  matched: number,
  staleSince?: number,
): NodeView {
  const what = filter.startsWith('{') ? `query ${truncate(filter, 40)}` : `filter "${truncate(filter, 30)}"`;
  let description = filter
    ? `${formatCount(matched)} of ${plural(total, 'document')} · ${what}`
    : plural(total, 'document');
  if (staleSince !== undefined) description += ` · stale since ${clockTime(staleSince)}`;
  return {
    id: node.key,
    label: node.collection,
    description,
    tooltip: `Collection ${node.collection}\n${description}`,
    collapsible: 'collapsed',
    contextValue: filter ? 'collection.filtered' : 'collection',
    icon: { id: filter ? 'filter' : 'folder' },
  };
}
