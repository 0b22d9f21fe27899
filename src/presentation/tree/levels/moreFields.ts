// "… N more" after the first MAX_FIELD_CHILDREN entries of a big object or array; N is read when the row is shown, so
// it follows the data.
import { childEntries, formatCount, valueAt } from '../../format';
import type { NodeView } from '../nodes';
import { MAX_FIELD_CHILDREN } from './field';
import { type Level, documentFields } from './level';

export const moreFieldsLevel: Level<'moreFields'> = {
  identity: (node) => [node.collection, node.docId, node.path],
  parent: ({ sessionId, collection, docId, path }, tree) =>
    path.length === 0
      ? tree.node({ kind: 'document', sessionId, collection, docId })
      : tree.node({ kind: 'field', sessionId, collection, docId, path }),
  view: (node, tree): NodeView => {
    const fields = documentFields(tree, node);
    const value = node.path.length ? valueAt(fields, node.path) : fields;
    const rest = Math.max(0, childEntries(value).length - MAX_FIELD_CHILDREN);
    return {
      id: node.key,
      label: `… ${formatCount(rest)} more`,
      collapsible: 'none',
      contextValue: 'info',
      icon: { id: 'info' },
    };
  },
};
