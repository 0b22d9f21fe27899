// The tree as plain data: the nodes and their children (nodeViews.ts says how each is shown). No VS Code API,
// so it is unit-tested directly; src/vscode/tree/provider.ts turns NodeViews into TreeItems.
import type { Session, SessionChange, SessionManager } from '../../core/sessions';
import type { SubscriptionInfo } from '../../ddp';
import { childEntries, matchesFilter, truncate, valueAt } from '../format';
import { prettyEJSON } from '../logFormat';
import * as views from './nodeViews';

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
    return Math.max(0, this.matched(sessionId, collection) - this.collectionView(sessionId, collection).limit);
  }

  /** Number of documents that pass the collection's filter (all of them without one). */
  private matched(sessionId: string, collection: string): number {
    const docs = this.docs(sessionId, collection);
    const { filter } = this.collectionView(sessionId, collection);
    if (!docs || !filter) return docs?.size ?? 0;
    let n = 0;
    for (const [id, fields] of docs) if (matchesFilter(id, fields, filter)) n++;
    return n;
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
    switch (node.kind) {
      case 'connection':
        return views.connectionView(node, s, this.now());
      case 'group':
        return views.groupView(node, s);
      case 'subscription':
        return views.subscriptionView(node, this.subscription(node));
      case 'collection': {
        const total = this.docs(node.sessionId, node.collection)?.size ?? 0;
        const { filter } = this.collectionView(node.sessionId, node.collection);
        return views.collectionView(node, total, filter, this.matched(node.sessionId, node.collection));
      }
      case 'document':
        return views.documentView(node, this.fields(node));
      case 'field':
        return views.fieldView(node, this.fields(node));
      case 'loadMore':
        return views.loadMoreView(node, this.remaining(node.sessionId, node.collection));
      case 'info':
        return views.infoView(node);
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
