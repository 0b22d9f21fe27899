// A field row: a document's value at a path (name, type, short value); an object or array lists its entries, at most
// MAX_FIELD_CHILDREN of them, then "… N more".
import { childEntries, describeValue, formatValue, typeLabel, valueAt, valueKind } from '../../format';
import type { NodeOf, NodeView, Path, TreeNode } from '../nodes';
import { type Fields, type Level, type TreeContext, documentFields } from './level';

/** Most entries shown under one object or array field. */
export const MAX_FIELD_CHILDREN = 500;

export const fieldLevel: Level<'field'> = {
  identity: (node) => [node.collection, node.docId, node.path],
  children: (node, _s, tree) => entryRows(node, tree),
  parent: ({ sessionId, collection, docId, path }, tree) =>
    path.length <= 1
      ? tree.node({ kind: 'document', sessionId, collection, docId })
      : tree.node({ kind: 'field', sessionId, collection, docId, path: path.slice(0, -1) }),
  view: (node, tree) => fieldView(node, documentFields(tree, node)),
  // Redrawn with their document (its fields are listed again when it is).
};

/** The entries of the value at `path` (the whole document without one) as rows, then "… N more" if cut. */
export function entryRows(
  node: { sessionId: string; collection: string; docId: string; path?: Path },
  tree: TreeContext,
): TreeNode[] {
  const fields = documentFields(tree, node);
  if (!fields) return [];
  const { sessionId, collection, docId } = node;
  const path = node.path ?? [];
  const entries = childEntries(path.length ? valueAt(fields, path) : fields);
  const out: TreeNode[] = [];
  for (const [k] of entries.slice(0, MAX_FIELD_CHILDREN))
    out.push(tree.node({ kind: 'field', sessionId, collection, docId, path: [...path, k] }));
  if (entries.length > MAX_FIELD_CHILDREN)
    out.push(tree.node({ kind: 'moreFields', sessionId, collection, docId, path }));
  return out;
}

function fieldView(node: NodeOf<'field'>, fields: Fields): NodeView {
  const value = valueAt(fields, node.path);
  const last = node.path[node.path.length - 1];
  const kind = valueKind(value);
  const hasChildren = kind !== 'leaf' && childEntries(value).length > 0;
  return {
    id: node.key,
    label: typeof last === 'number' ? `[${last}]` : String(last),
    description: describeValue(value),
    tooltip: `${pathText(node.path)}: ${typeLabel(value)}\n${formatValue(value, 1000)}`,
    collapsible: hasChildren ? 'collapsed' : 'none',
    contextValue: `field.${kind}`,
    icon: { id: fieldIcon(value) },
  };
}

/** `a.b[2].c` */
function pathText(path: Path): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

function fieldIcon(value: unknown): string {
  switch (typeLabel(value)) {
    case 'string':
      return 'symbol-string';
    case 'number':
    case 'bigint':
      return 'symbol-number';
    case 'boolean':
      return 'symbol-boolean';
    case 'null':
    case 'undefined':
      return 'symbol-null';
    case 'Date':
      return 'calendar';
    case 'Binary':
      return 'file-binary';
    case 'ObjectID':
      return 'key';
    case 'array':
      return 'symbol-array';
    case 'object':
      return 'symbol-object';
    default:
      return 'symbol-constant';
  }
}
