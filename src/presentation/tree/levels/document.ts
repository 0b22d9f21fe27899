// A document row: its id and a one-line summary (greyed while stale); its fields under it; its exact EJSON on hover.
import { clockTime, exactEJSON, summarizeDocument } from '../../format';
import type { NodeOf, NodeView } from '../nodes';
import { entryRows } from './field';
import { type Fields, type Level, documentFields } from './level';

export const documentLevel: Level<'document'> = {
  identity: (node) => [node.collection, node.docId],
  children: (node, _s, tree) => entryRows(node, tree),
  parent: ({ sessionId, collection }, tree) => tree.node({ kind: 'collection', sessionId, collection }),
  view: (node, tree) =>
    documentView(node, documentFields(tree, node), tree.session(node.sessionId)?.freshness.staleSince),
  tooltip: (node, tree) => {
    const fields = documentFields(tree, node);
    if (!fields) return `${node.docId} (removed)`;
    const stale = tree.session(node.sessionId)?.freshness.staleSince;
    const head =
      stale !== undefined
        ? `Stale: the connection dropped at ${clockTime(stale)}; this is the last version received.\n\n`
        : '';
    return head + documentPreview(node.docId, fields, 3000);
  },
  refresh: (change, sessionId, _tree, effect) => {
    // A changed document redraws itself (its open fields follow), unless a filter hides it or it joins or leaves the
    // matches (then its collection redraws).
    if (change.type !== 'doc' || change.op !== 'changed' || effect === 'none' || effect === 'membership') return [];
    return [{ kind: 'document', sessionId, collection: change.collection, docId: change.id }];
  },
};

function documentView(node: NodeOf<'document'>, fields: Fields, staleSince?: number): NodeView {
  const hasChildren = !!fields && Object.keys(fields).length > 0;
  return {
    id: node.key,
    label: node.docId,
    description: summarizeDocument(fields),
    collapsible: hasChildren ? 'collapsed' : 'none',
    contextValue: 'document',
    // Greyed while the connection has not caught up: the row shows the last version received.
    icon: staleSince !== undefined ? { id: 'json', color: 'disabledForeground' } : { id: 'json' },
  };
}

/** `{ "_id": …, field: … }` as exact EJSON, field by field, stopping once past `max` characters. */
export function documentPreview(id: string, fields: Record<string, unknown>, max: number): string {
  const lines = [`{`, `  "_id": ${JSON.stringify(id)}`];
  let used = 0;
  const keys = Object.keys(fields).filter((k) => k !== '_id');
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const text = `  ${JSON.stringify(k)}: ${exactEJSON(fields[k]).replace(/\n/g, '\n  ')}`;
    lines[lines.length - 1] += ',';
    if (used + text.length > max) {
      lines.push(`  … ${keys.length - i} more ${keys.length - i === 1 ? 'field' : 'fields'}`);
      break;
    }
    lines.push(text);
    used += text.length;
  }
  lines.push('}');
  return lines.join('\n');
}
