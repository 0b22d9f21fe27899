// The tree's nodes and what a view makes of one: plain data shared by the model (which nodes there are) and the
// node views (how each is shown), so that neither imports the other.

export type Path = Array<string | number>;

export type TreeNode =
  | { kind: 'connection'; key: string; sessionId: string }
  | { kind: 'group'; key: string; sessionId: string; group: 'subscriptions' | 'collections' }
  | { kind: 'subscription'; key: string; sessionId: string; subId: string }
  | { kind: 'collection'; key: string; sessionId: string; collection: string }
  | { kind: 'document'; key: string; sessionId: string; collection: string; docId: string }
  | { kind: 'field'; key: string; sessionId: string; collection: string; docId: string; path: Path }
  | { kind: 'loadMore'; key: string; sessionId: string; collection: string }
  /** "… N more" under an object or array with more than MAX_FIELD_CHILDREN entries (N read when shown). */
  | { kind: 'moreFields'; key: string; sessionId: string; collection: string; docId: string; path: Path }
  | { kind: 'info'; key: string; sessionId: string; message: string };

export type NodeKind = TreeNode['kind'];

export interface NodeView {
  /** Stable id (keeps expansion across refreshes). */
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  collapsible: 'none' | 'collapsed' | 'expanded';
  contextValue: string;
  /** Codicon id, with an optional theme color id. */
  icon?: { id: string; color?: string };
  command?: { command: string; title: string; arguments: unknown[] };
}
