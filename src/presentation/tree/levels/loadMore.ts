// "Load more (N more)" at the end of a collection's page: a click shows the next page; Load All (inline) shows up to
// the loadAllLimit setting.
import { COMMANDS } from '../../commands';
import { formatCount } from '../../format';
import type { NodeOf, NodeView } from '../nodes';
import type { Level } from './level';

export const loadMoreLevel: Level<'loadMore'> = {
  identity: (node) => [node.collection],
  parent: ({ sessionId, collection }, tree) => tree.node({ kind: 'collection', sessionId, collection }),
  view: (node, tree) => loadMoreView(node, tree.paging.remaining(node.sessionId, node.collection), tree.loadAllLimit()),
  // Redrawn with its collection.
};

function loadMoreView(node: NodeOf<'loadMore'>, remaining: number, loadAllLimit: number): NodeView {
  return {
    id: node.key,
    label: `Load more (${formatCount(remaining)} more)`,
    tooltip: `Click for the next page. Load All (the inline button) shows up to ${formatCount(loadAllLimit)} documents (setting ddpExplorer.loadAllLimit).`,
    collapsible: 'none',
    contextValue: 'loadMore',
    icon: { id: 'ellipsis' },
    command: { command: COMMANDS.loadMore, title: 'Load More', arguments: [node] },
  };
}
