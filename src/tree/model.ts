// The tree as plain data: nodes, their children and how each is shown. No VS Code API, so it is
// unit-tested directly; src/tree/provider.ts turns NodeViews into TreeItems.
import type { Session, SessionChange, SessionManager } from '../sessions';
import type { SubscriptionInfo } from '../ddp';
import {
  childEntries,
  describeValue,
  formatDuration,
  formatValue,
  matchesFilter,
  plural,
  summarizeDocument,
  truncate,
  typeLabel,
  valueAt,
  valueKind,
} from '../views/format';
import { connectionDescription, connectionTooltip, snapshot } from '../views/statusText';
import { describeError, formatParams, prettyEJSON } from '../views/logFormat';

export type Path = Array<string | number>;

export type TreeNode =
  | { kind: 'connection'; key: string; sessionId: string }
  | { kind: 'group'; key: string; sessionId: string; group: 'subscriptions' | 'collections' }
  | { kind: 'subscription'; key: string; sessionId: string; subId: string }
  | { kind: 'collection'; key: string; sessionId: string; collection: string }
  | { kind: 'document'; key: string; sessionId: string; collection: string; docId: string }
  | { kind: 'field'; key: string; sessionId: string; collection: string; docId: string; path: Path }
  | { kind: 'loadMore'; key: string; sessionId: string; collection: string }
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

/** Most entries shown under one object or array field. */
export const MAX_FIELD_CHILDREN = 500;

interface CollectionView {
  limit: number;
  filter: string;
}

/** The whole tree as plain data. Node objects are cached by key, so refreshes can name the same object. */
export class TreeModel {
  private readonly nodes = new Map<string, TreeNode>();
  /** Document key -> keys of its cached field nodes (to forget them with the document). */
  private readonly docChildren = new Map<string, Set<string>>();
  private readonly views = new Map<string, CollectionView>();
  /** Collections shown under each session's "Collections" group at the last listing. */
  private readonly knownCollections = new Map<string, Set<string>>();

  constructor(
    private readonly manager: SessionManager,
    private readonly pageSize: () => number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  private node<N extends TreeNode>(parts: unknown[], make: (key: string) => N): N {
    const key = JSON.stringify(parts);
    let n = this.nodes.get(key);
    if (!n) {
      n = make(key);
      this.nodes.set(key, n);
    }
    return n as N;
  }

  connectionNode(sessionId: string): TreeNode {
    return this.node(['c', sessionId], (key) => ({ kind: 'connection', key, sessionId }));
  }
  groupNode(sessionId: string, group: 'subscriptions' | 'collections'): TreeNode {
    return this.node(['g', sessionId, group], (key) => ({ kind: 'group', key, sessionId, group }));
  }
  collectionNode(sessionId: string, collection: string): TreeNode {
    return this.node(['col', sessionId, collection], (key) => ({ kind: 'collection', key, sessionId, collection }));
  }
  documentNode(sessionId: string, collection: string, docId: string): TreeNode {
    return this.node(['d', sessionId, collection, docId], (key) => ({ kind: 'document', key, sessionId, collection, docId }));
  }
  private fieldNode(sessionId: string, collection: string, docId: string, path: Path): TreeNode {
    const docKey = JSON.stringify(['d', sessionId, collection, docId]);
    return this.node(['f', sessionId, collection, docId, ...path], (key) => {
      let set = this.docChildren.get(docKey);
      if (!set) this.docChildren.set(docKey, (set = new Set()));
      set.add(key);
      return { kind: 'field', key, sessionId, collection, docId, path };
    });
  }

  /** A cached node by key (undefined when it was never shown). */
  lookup(key: string): TreeNode | undefined {
    return this.nodes.get(key);
  }

  session(node: { sessionId: string }): Session | undefined {
    return this.manager.get(node.sessionId);
  }

  roots(): TreeNode[] {
    return this.manager.list().map((s) => this.connectionNode(s.id));
  }

  private docs(sessionId: string, collection: string): Map<string, Record<string, unknown>> | undefined {
    return this.manager.get(sessionId)?.client?.collections.get(collection) as Map<string, Record<string, unknown>> | undefined;
  }

  fields(node: { sessionId: string; collection: string; docId: string }): Record<string, unknown> | undefined {
    return this.docs(node.sessionId, node.collection)?.get(node.docId);
  }

  collectionView(sessionId: string, collection: string): CollectionView {
    const k = JSON.stringify([sessionId, collection]);
    let v = this.views.get(k);
    if (!v) this.views.set(k, (v = { limit: this.pageSize(), filter: '' }));
    return v;
  }

  /** Shows one more page of the collection. */
  loadMore(sessionId: string, collection: string): void {
    const v = this.collectionView(sessionId, collection);
    v.limit += this.pageSize();
  }

  setFilter(sessionId: string, collection: string, filter: string): void {
    const v = this.collectionView(sessionId, collection);
    v.filter = filter.trim();
    v.limit = this.pageSize();
  }

  /** New page size: every collection goes back to its first page. */
  resetPaging(): void {
    for (const v of this.views.values()) v.limit = this.pageSize();
  }

  children(node?: TreeNode): TreeNode[] {
    if (!node) return this.roots();
    const s = this.manager.get(node.sessionId);
    if (!s) return [];
    switch (node.kind) {
      case 'connection':
        return [this.groupNode(s.id, 'subscriptions'), this.groupNode(s.id, 'collections')];
      case 'group':
        if (node.group === 'subscriptions') {
          return s.subscriptions().map((sub) =>
            this.node(['s', s.id, sub.id], (key) => ({ kind: 'subscription', key, sessionId: s.id, subId: sub.id })),
          );
        } else {
          const names = s.client ? [...s.client.collections.keys()].sort((a, b) => a.localeCompare(b)) : [];
          this.knownCollections.set(s.id, new Set(names));
          return names.map((c) => this.collectionNode(s.id, c));
        }
      case 'collection':
        return this.collectionChildren(s.id, node.collection);
      case 'document':
      case 'field': {
        const fields = this.fields(node);
        if (!fields) return [];
        const path = node.kind === 'field' ? node.path : [];
        const value = node.kind === 'field' ? valueAt(fields, path) : fields;
        const entries = childEntries(value);
        const out: TreeNode[] = [];
        for (const [k] of entries.slice(0, MAX_FIELD_CHILDREN)) {
          out.push(this.fieldNode(s.id, node.collection, node.docId, [...path, k]));
        }
        if (entries.length > MAX_FIELD_CHILDREN) {
          const rest = entries.length - MAX_FIELD_CHILDREN;
          out.push(this.node(['i', node.key, 'more'], (key) => ({ kind: 'info', key, sessionId: s.id, message: `… ${rest} more` })));
        }
        return out;
      }
      default:
        return [];
    }
  }

  /** The documents of a collection page (filtered), then "Load more" when there are more. */
  private collectionChildren(sessionId: string, collection: string): TreeNode[] {
    const docs = this.docs(sessionId, collection);
    if (!docs) return [];
    const view = this.collectionView(sessionId, collection);
    const out: TreeNode[] = [];
    let matched = 0;
    if (!view.filter) {
      for (const id of docs.keys()) {
        if (out.length >= view.limit) break;
        out.push(this.documentNode(sessionId, collection, id));
      }
      matched = docs.size;
    } else {
      for (const [id, fields] of docs) {
        if (!matchesFilter(id, fields, view.filter)) continue;
        matched++;
        if (out.length < view.limit) out.push(this.documentNode(sessionId, collection, id));
      }
      if (matched === 0) {
        out.push(
          this.node(['i', sessionId, collection, 'nomatch'], (key) => ({
            kind: 'info',
            key,
            sessionId,
            message: 'No documents match the filter',
          })),
        );
      }
    }
    const remaining = matched - Math.min(matched, view.limit);
    if (remaining > 0) {
      out.push(this.node(['more', sessionId, collection], (key) => ({ kind: 'loadMore', key, sessionId, collection })));
    }
    return out;
  }

  /** Number of documents a "Load more" row would still reveal. */
  remaining(sessionId: string, collection: string): number {
    const docs = this.docs(sessionId, collection);
    if (!docs) return 0;
    const view = this.collectionView(sessionId, collection);
    let matched = docs.size;
    if (view.filter) {
      matched = 0;
      for (const [id, fields] of docs) if (matchesFilter(id, fields, view.filter)) matched++;
    }
    return Math.max(0, matched - view.limit);
  }

  parent(node: TreeNode): TreeNode | undefined {
    switch (node.kind) {
      case 'connection':
        return undefined;
      case 'group':
        return this.connectionNode(node.sessionId);
      case 'subscription':
        return this.groupNode(node.sessionId, 'subscriptions');
      case 'collection':
        return this.groupNode(node.sessionId, 'collections');
      case 'document':
      case 'loadMore':
        return this.collectionNode(node.sessionId, node.collection);
      case 'field':
        return node.path.length <= 1
          ? this.documentNode(node.sessionId, node.collection, node.docId)
          : this.fieldNode(node.sessionId, node.collection, node.docId, node.path.slice(0, -1));
      case 'info':
        return undefined;
    }
  }

  subscription(node: { sessionId: string; subId: string }): SubscriptionInfo | undefined {
    return this.manager.get(node.sessionId)?.client?.subscriptions.get(node.subId);
  }

  view(node: TreeNode): NodeView {
    const s = this.manager.get(node.sessionId);
    const base = { id: node.key };
    switch (node.kind) {
      case 'connection': {
        if (!s) return { ...base, label: '(removed)', collapsible: 'none', contextValue: 'connection.removed' };
        const snap = snapshot(s);
        return {
          ...base,
          label: s.name,
          description: connectionDescription(snap, this.now()),
          tooltip: connectionTooltip(snap, this.now()),
          collapsible: 'expanded',
          contextValue: `connection.${snap.state}.${s.saved ? 'saved' : 'adhoc'}.${snap.userId ? 'loggedIn' : 'loggedOut'}`,
          icon: connectionIcon(snap.state),
        };
      }
      case 'group': {
        if (node.group === 'subscriptions') {
          const subs = s?.subscriptions() ?? [];
          return {
            ...base,
            label: 'Subscriptions',
            description: subs.length ? String(subs.length) : undefined,
            collapsible: 'expanded',
            contextValue: s?.state === 'connected' ? 'subscriptions.connected' : 'subscriptions',
            icon: { id: 'rss' },
          };
        }
        const n = s?.client?.collections.size ?? 0;
        return {
          ...base,
          label: 'Collections',
          description: n ? String(n) : undefined,
          collapsible: 'expanded',
          contextValue: 'collections',
          icon: { id: 'database' },
        };
      }
      case 'subscription': {
        const sub = this.subscription(node);
        if (!sub) return { ...base, label: '(gone)', collapsible: 'none', contextValue: 'subscription.stopped' };
        const state = subscriptionStateText(sub);
        const params = formatParams(sub.params).trim();
        return {
          ...base,
          label: sub.name,
          description: params ? `${truncate(params, 60)} · ${state}` : state,
          tooltip: [
            `Publication: ${sub.name}`,
            `Params: ${params || '[]'}`,
            `Subscription id: ${sub.id}`,
            `State: ${state}`,
          ].join('\n'),
          collapsible: 'none',
          contextValue: `subscription.${sub.state}`,
          icon: subscriptionIcon(sub.state),
        };
      }
      case 'collection': {
        const docs = this.docs(node.sessionId, node.collection);
        const total = docs?.size ?? 0;
        const v = this.collectionView(node.sessionId, node.collection);
        let description = plural(total, 'document');
        if (v.filter) {
          let matched = 0;
          if (docs) for (const [id, f] of docs) if (matchesFilter(id, f, v.filter)) matched++;
          description = `${matched} of ${plural(total, 'document')} · filter "${truncate(v.filter, 30)}"`;
        }
        return {
          ...base,
          label: node.collection,
          description,
          tooltip: `Collection ${node.collection}\n${description}`,
          collapsible: 'collapsed',
          contextValue: v.filter ? 'collection.filtered' : 'collection',
          icon: { id: v.filter ? 'filter' : 'folder' },
        };
      }
      case 'document': {
        const fields = this.fields(node);
        const hasChildren = !!fields && Object.keys(fields).length > 0;
        return {
          ...base,
          label: node.docId,
          description: summarizeDocument(fields),
          collapsible: hasChildren ? 'collapsed' : 'none',
          contextValue: 'document',
          icon: { id: 'json' },
        };
      }
      case 'field': {
        const fields = this.fields(node);
        const value = valueAt(fields, node.path);
        const last = node.path[node.path.length - 1];
        const kind = valueKind(value);
        const hasChildren = kind !== 'leaf' && childEntries(value).length > 0;
        return {
          ...base,
          label: typeof last === 'number' ? `[${last}]` : String(last),
          description: describeValue(value),
          tooltip: `${pathText(node.path)}: ${typeLabel(value)}\n${formatValue(value, 1000)}`,
          collapsible: hasChildren ? 'collapsed' : 'none',
          contextValue: `field.${kind}`,
          icon: { id: fieldIcon(value) },
        };
      }
      case 'loadMore': {
        const rest = this.remaining(node.sessionId, node.collection);
        return {
          ...base,
          label: `Load more (${rest} more)`,
          collapsible: 'none',
          contextValue: 'loadMore',
          icon: { id: 'ellipsis' },
          command: { command: 'ddpExplorer.loadMore', title: 'Load More', arguments: [node] },
        };
      }
      case 'info':
        return { ...base, label: node.message, collapsible: 'none', contextValue: 'info', icon: { id: 'info' } };
    }
  }

  /** Full tooltip of a document (computed lazily, on hover). */
  documentTooltip(node: { sessionId: string; collection: string; docId: string }): string {
    const fields = this.fields(node);
    if (!fields) return `${node.docId} (removed)`;
    const text = prettyEJSON({ _id: node.docId, ...fields });
    return truncate(text, 100_000).length > 3000 ? text.slice(0, 3000) + '\n…' : text;
  }

  /**
   * Keys of the nodes to refresh for a session change (only cached ones matter to VS Code).
   * 'root' means the whole tree.
   */
  keysFor(session: Session, change: SessionChange): string[] {
    const sid = session.id;
    switch (change.type) {
      case 'state':
      case 'user':
        return [JSON.stringify(['c', sid])];
      case 'subscriptions':
        return [JSON.stringify(['g', sid, 'subscriptions'])];
      case 'collections':
        this.forgetDocuments(sid);
        return [JSON.stringify(['g', sid, 'collections']), JSON.stringify(['g', sid, 'subscriptions'])];
      case 'doc': {
        const known = this.knownCollections.get(sid);
        const exists = !!session.client?.collections.get(change.collection)?.size;
        const groupKey = JSON.stringify(['g', sid, 'collections']);
        const collKey = JSON.stringify(['col', sid, change.collection]);
        const keys: string[] = [];
        if (known && known.has(change.collection) !== exists) keys.push(groupKey);
        const docKey = JSON.stringify(['d', sid, change.collection, change.id]);
        if (change.op === 'changed') {
          keys.push(docKey);
          if (this.views.get(JSON.stringify([sid, change.collection]))?.filter) keys.push(collKey);
        } else {
          keys.push(collKey);
          if (change.op === 'removed') this.forgetDocument(docKey);
        }
        return keys;
      }
    }
  }

  private forgetDocument(docKey: string): void {
    this.nodes.delete(docKey);
    const kids = this.docChildren.get(docKey);
    if (kids) for (const k of kids) this.nodes.delete(k);
    this.docChildren.delete(docKey);
  }

  private forgetDocuments(sessionId: string): void {
    const prefixes = [JSON.stringify(['d', sessionId]).slice(0, -1) + ',', JSON.stringify(['f', sessionId]).slice(0, -1) + ','];
    for (const key of [...this.nodes.keys()]) {
      if (prefixes.some((p) => key.startsWith(p))) this.nodes.delete(key);
    }
    for (const key of [...this.docChildren.keys()]) if (key.startsWith(prefixes[0])) this.docChildren.delete(key);
    this.knownCollections.delete(sessionId);
  }

  /** Forgets everything about a removed session. */
  forgetSession(sessionId: string): void {
    this.forgetDocuments(sessionId);
    const marker = JSON.stringify(sessionId);
    for (const key of [...this.nodes.keys()]) if (key.includes(`,${marker}`)) this.nodes.delete(key);
    for (const key of [...this.views.keys()]) if (key.startsWith(`[${marker},`)) this.views.delete(key);
  }
}

export function subscriptionStateText(sub: SubscriptionInfo): string {
  switch (sub.state) {
    case 'pending':
      return 'waiting';
    case 'ready':
      return sub.readyAt !== undefined ? `ready in ${formatDuration(sub.readyAt - sub.startedAt)}` : 'ready';
    case 'error':
      return `error: ${sub.error ? describeError(sub.error) : 'unknown'}`;
    case 'stopped':
      return 'stopped';
  }
}

function connectionIcon(state: string): { id: string; color?: string } {
  switch (state) {
    case 'connected':
      return { id: 'plug', color: 'testing.iconPassed' };
    case 'connecting':
      return { id: 'sync~spin' };
    case 'reconnecting':
      return { id: 'sync~spin', color: 'list.warningForeground' };
    case 'failed':
      return { id: 'error', color: 'list.errorForeground' };
    default:
      return { id: 'debug-disconnect' };
  }
}

function subscriptionIcon(state: SubscriptionInfo['state']): { id: string; color?: string } {
  switch (state) {
    case 'pending':
      return { id: 'loading~spin' };
    case 'ready':
      return { id: 'pass', color: 'testing.iconPassed' };
    case 'error':
      return { id: 'error', color: 'list.errorForeground' };
    case 'stopped':
      return { id: 'circle-slash' };
  }
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

/** `a.b[2].c` */
export function pathText(path: Path): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out;
}
