// What one level of the tree says about its nodes, and what it may read to say it. Each node kind has one Level in
// its own module (levels/<kind>.ts), registered in levels/index.ts; TreeModel dispatches through that table.
import type { Session, SessionChange } from '../../../core/sessions';
import type { FilterEffect } from '../filterIndex';
import type { NodeData, NodeKind, NodeOf, NodeView, TreeNode } from '../nodes';
import type { Docs, Paging } from '../paging';

/** The tree as the levels see it (TreeModel provides it). */
export interface TreeContext {
  /** The cached node for `data` (the same object every time, so that VS Code keeps the row). */
  node<K extends NodeKind>(data: NodeData<K>): NodeOf<K>;
  session(sessionId: string): Session | undefined;
  /** The documents of a collection, in server order. */
  documents(sessionId: string, collection: string): Docs | undefined;
  /** How many documents each collection shows, and its filter. */
  readonly paging: Paging;
  /** Collections listed under each session's "Collections" group at its last listing. */
  readonly listedCollections: Map<string, ReadonlySet<string>>;
  /** The clock the countdowns read. */
  now(): number;
  /** The `loadAllLimit` setting. */
  loadAllLimit(): number;
}

export interface Level<K extends NodeKind> {
  /** What tells two nodes of this kind apart within a session: the rest of the node's key. */
  identity(node: NodeData<K>): unknown[];
  /** The rows under a node of this kind (asked only while its session exists); absent for a leaf. */
  children?(node: NodeOf<K>, session: Session, tree: TreeContext): TreeNode[];
  parent(node: NodeOf<K>, tree: TreeContext): TreeNode | undefined;
  view(node: NodeOf<K>, tree: TreeContext): NodeView;
  /** A tooltip worked out on hover only (resolveTreeItem): current when read, free until then. */
  tooltip?(node: NodeOf<K>, tree: TreeContext): string | undefined;
  /**
   * Nodes of this level that a session change redraws. Only cached nodes reach VS Code, so naming one that was
   * never shown costs nothing. `effect`: what a document change did to its collection's filtered view.
   */
  refresh?(
    change: SessionChange,
    sessionId: string,
    tree: TreeContext,
    effect: FilterEffect | undefined,
  ): Array<NodeData<K>>;
}

export type Fields = Record<string, unknown> | undefined;

/**
 * The fields of a node's document now, as its rows show them: trimmed to the projection of the collection's query
 * when it has one (Open Document and the copy commands read the whole document instead). Undefined when it is gone.
 */
export function documentFields(
  tree: TreeContext,
  node: { sessionId: string; collection: string; docId: string },
): Fields {
  const fields = tree.documents(node.sessionId, node.collection)?.get(node.docId);
  if (!fields) return undefined;
  const query = tree.paging.page(node.sessionId, node.collection).query;
  return query?.query.projection ? query.project(node.docId, fields) : fields;
}
