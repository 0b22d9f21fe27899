// A message in place of rows ("No documents match the filter"): plain text, no actions.
import type { Level } from './level';

export const infoLevel: Level<'info'> = {
  identity: (node) => [node.collection, node.message],
  parent: ({ sessionId, collection }, tree) => tree.node({ kind: 'collection', sessionId, collection }),
  view: (node) => ({
    id: node.key,
    label: node.message,
    collapsible: 'none',
    contextValue: 'info',
    icon: { id: 'info' },
  }),
};
