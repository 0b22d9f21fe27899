// The tree's nodes and what a view makes of one: plain data shared by the model (which nodes there are), the
// levels (one module per kind) and the VS Code adapter, so that none of them imports another for its types.
import type { CommandId } from '../commands';

export type Path = Array<string | number>;

export type TreeNode =
  | { kind: 'connection'; key: string; sessionId: string }
  | { kind: 'group'; key: string; sessionId: string; group: 'subscriptions' | 'collections' | 'streams' }
  | { kind: 'subscription'; key: string; sessionId: string; subId: string }
  | { kind: 'collection'; key: string; sessionId: string; collection: string }
  | { kind: 'document'; key: string; sessionId: string; collection: string; docId: string }
  | { kind: 'field'; key: string; sessionId: string; collection: string; docId: string; path: Path }
  | { kind: 'loadMore'; key: string; sessionId: string; collection: string }
  /** "… N more" under an object or array with more than MAX_FIELD_CHILDREN entries (N read when shown). */
  | { kind: 'moreFields'; key: string; sessionId: string; collection: string; docId: string; path: Path }
  /** A Rocket.Chat stream's event log, an event name in it, one event (src/core/streams.ts). */
  | { kind: 'stream'; key: string; sessionId: string; collection: string }
  | { kind: 'streamEventGroup'; key: string; sessionId: string; collection: string; eventName: string }
  | { kind: 'streamEvent'; key: string; sessionId: string; collection: string; eventName: string; seq: number }
  /** A message in place of a collection's documents ("No documents match the filter"). */
  | { kind: 'info'; key: string; sessionId: string; collection: string; message: string };

export type NodeKind = TreeNode['kind'];

export type NodeOf<K extends NodeKind> = Extract<TreeNode, { kind: K }>;

/** A node before the cache gives it its key (what callers name to get the cached node). */
export type NodeData<K extends NodeKind = NodeKind> = K extends NodeKind ? Omit<NodeOf<K>, 'key'> : never;

/** Every kind, for the tests that check each has its level (the type below fails to compile when one is missing). */
export const NODE_KINDS = [
  'connection',
  'group',
  'subscription',
  'collection',
  'document',
  'field',
  'loadMore',
  'moreFields',
  'info',
  'stream',
  'streamEventGroup',
  'streamEvent',
] as const;
type MissingKinds = Exclude<NodeKind, (typeof NODE_KINDS)[number]>;
const _everyKindListed: [MissingKinds] extends [never] ? true : MissingKinds = true;

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
  command?: { command: CommandId; title: string; arguments: unknown[] };
}
