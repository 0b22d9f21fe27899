// The tree as plain data: the nodes and their children (nodeViews.ts says how each is shown). No VS Code API,
// so it is unit-tested directly; src/vscode/tree/provider.ts turns NodeViews into TreeItems.
import type { DocumentsView, Session, SessionChange, SessionManager } from '../../core/sessions';
import type { SubscriptionInfo } from '../../ddp';
import { childEntries, clockTime, exactEJSON, valueAt } from '../format';
import { FilterIndex } from './filterIndex';
import * as views from './nodeViews';

export type { NodeKind, NodeView, Path, TreeNode } from './nodes';
import type { NodeView, Path, TreeNode } from './nodes';

/** Most entries shown under one object or array field. */
export const MAX_FIELD_CHILDREN = 500;

interface CollectionView {
  limit: number;
  filter: string;
  /** The matches of `filter`, kept change by change (none without a filter). */
  index?: FilterIndex;
}

/** The whole tree as plain data. Node objects are cached by key, so refreshes can name the same object. */
export class TreeModel {
  private readonly nodes = new Map<string, TreeNode>();
  /** Document key -> keys of its cached field nodes (to forget them with the document). */
  private readonly docChildren = new Map<string, Set<string>>();
  private readonly views = new Map<string, CollectionView>();
  /** Collections shown under each session's "Collections" group at the last listing. */
  private readonly knownCollections = new Map<string, Set<string>>();
  /** The last change seen and its keys: the model and the provider both ask for them, the work is done once. */
  private seen: { change: SessionChange; keys: string[] } | undefined;
  private readonly offManager: () => void;

  constructor(
    private readonly manager: SessionManager,
    private readonly pageSize: () => number,
    private readonly now: () => number = () => Date.now(),
    private readonly loadAllLimit: () => number = () => 10_000,
  ) {
    // The filter indexes follow every change, whether or not a view is listening.
    this.offManager = manager.onChange((c) => {
      if (c.type === 'session') this.keysFor(c.session, c.change);
    });
  }

  dispose(): void {
    this.offManager();
  }

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

  private docs(sessionId: string, collection: string): DocumentsView | undefined {
    return this.manager.get(sessionId)?.documents(collection);
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

  /** Shows every document of the collection that passes its filter, up to the `loadAllLimit` setting. */
  loadAll(sessionId: string, collection: string): void {
    const v = this.collectionView(sessionId, collection);
    v.limit = Math.max(v.limit, Math.min(this.matched(sessionId, collection), this.loadAllLimit()));
  }

  setFilter(sessionId: string, collection: string, filter: string): void {
    const v = this.collectionView(sessionId, collection);
    v.filter = filter.trim();
    v.limit = this.pageSize();
    v.index = v.filter ? new FilterIndex(v.filter, () => this.docs(sessionId, collection)) : undefined;
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
          return [...s.subscriptions(), ...s.carried()].map((sub) =>
            this.node(['s', s.id, sub.id], (key) => ({ kind: 'subscription', key, sessionId: s.id, subId: sub.id })),
          );
        } else {
          const names = s.collectionNames().sort((a, b) => a.localeCompare(b));
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
          const { collection, docId } = node;
          out.push(this.node(['m', node.key], (key) => ({ kind: 'moreFields', key, sessionId: s.id, collection, docId, path })));
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
    if (!view.index) {
      for (const id of docs.keys()) {
        if (out.length >= view.limit) break;
        out.push(this.documentNode(sessionId, collection, id));
      }
      matched = docs.size;
    } else {
      for (const id of view.index.page(view.limit)) out.push(this.documentNode(sessionId, collection, id));
      matched = view.index.count();
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
    const { index } = this.collectionView(sessionId, collection);
    return index ? index.count() : (this.docs(sessionId, collection)?.size ?? 0);
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
      case 'moreFields':
        return node.path.length === 0
          ? this.documentNode(node.sessionId, node.collection, node.docId)
          : this.fieldNode(node.sessionId, node.collection, node.docId, node.path);
      case 'field':
        return node.path.length <= 1
          ? this.documentNode(node.sessionId, node.collection, node.docId)
          : this.fieldNode(node.sessionId, node.collection, node.docId, node.path.slice(0, -1));
      case 'info':
        return undefined;
    }
  }

  subscription(node: { sessionId: string; subId: string }): SubscriptionInfo | undefined {
    return this.manager.get(node.sessionId)?.subscription(node.subId);
  }

  view(node: TreeNode): NodeView {
    const s = this.manager.get(node.sessionId);
    switch (node.kind) {
      case 'connection':
        return views.connectionView(node, s, this.now());
      case 'group':
        return views.groupView(node, s);
      case 'subscription': {
        const carried = s?.carried().find((c) => c.id === node.subId);
        if (carried) return views.carriedSubscriptionView(node, carried);
        return views.subscriptionView(node, this.subscription(node), s?.freshness.timing(node.subId));
      }
      case 'collection': {
        const total = this.docs(node.sessionId, node.collection)?.size ?? 0;
        const { filter } = this.collectionView(node.sessionId, node.collection);
        return views.collectionView(node, total, filter, this.matched(node.sessionId, node.collection), s?.freshness.staleSince);
      }
      case 'document':
        return views.documentView(node, this.fields(node), s?.freshness.staleSince);
      case 'field':
        return views.fieldView(node, this.fields(node));
      case 'loadMore':
        return views.loadMoreView(node, this.remaining(node.sessionId, node.collection), this.loadAllLimit());
      case 'moreFields': {
        const fields = this.fields(node);
        const value = node.path.length ? valueAt(fields, node.path) : fields;
        return views.moreFieldsView(node, Math.max(0, childEntries(value).length - MAX_FIELD_CHILDREN));
      }
      case 'info':
        return views.infoView(node);
    }
  }

  /** Tooltip of a document (computed lazily, on hover): its exact EJSON, cut after about 3,000 characters. */
  documentTooltip(node: { sessionId: string; collection: string; docId: string }): string {
    const fields = this.fields(node);
    if (!fields) return `${node.docId} (removed)`;
    const stale = this.manager.get(node.sessionId)?.freshness.staleSince;
    const head = stale !== undefined ? `Stale: the connection dropped at ${clockTime(stale)}; this is the last version received.\n\n` : '';
    return head + documentPreview(node.docId, fields, 3000);
  }

  /**
   * Keys of the nodes to refresh for a session change (only cached ones matter to VS Code).
   * 'root' means the whole tree.
   */
  keysFor(session: Session, change: SessionChange): string[] {
    if (this.seen?.change === change) return this.seen.keys;
    const keys = this.computeKeys(session, change);
    this.seen = { change, keys };
    return keys;
  }

  private computeKeys(session: Session, change: SessionChange): string[] {
    const sid = session.id;
    switch (change.type) {
      case 'state':
        // Subscription rows read the connection state (waiting, resubscribing) too.
        return [JSON.stringify(['c', sid]), JSON.stringify(['g', sid, 'subscriptions'])];
      case 'user':
        return [JSON.stringify(['c', sid])];
      case 'subscriptions':
        return [JSON.stringify(['g', sid, 'subscriptions'])];
      case 'collections':
        this.forgetDocuments(sid);
        for (const v of this.sessionViews(sid)) v.index?.reset();
        return [JSON.stringify(['g', sid, 'collections']), JSON.stringify(['g', sid, 'subscriptions'])];
      case 'freshness':
        // Stale or live again: the collections and documents (re-rendered under the group) and the subscriptions.
        for (const v of this.sessionViews(sid)) v.index?.invalidateOrder();
        return [JSON.stringify(['g', sid, 'collections']), JSON.stringify(['g', sid, 'subscriptions'])];
      case 'doc': {
        const known = this.knownCollections.get(sid);
        const exists = !!session.documents(change.collection)?.size;
        const groupKey = JSON.stringify(['g', sid, 'collections']);
        const collKey = JSON.stringify(['col', sid, change.collection]);
        const keys: string[] = [];
        if (known && known.has(change.collection) !== exists) keys.push(groupKey);
        const docKey = JSON.stringify(['d', sid, change.collection, change.id]);
        const index = this.views.get(JSON.stringify([sid, change.collection]))?.index;
        const effect = index?.apply(change.op, change.id, change.ordered);
        if (change.op === 'changed') {
          // Filtered: a document that still does not match is not on screen; one that starts or stops matching
          // changes the collection's rows and count.
          if (effect === 'membership') keys.push(collKey);
          else if (effect !== 'none') keys.push(docKey);
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

  private *sessionViews(sessionId: string): Iterable<CollectionView> {
    const prefix = `[${JSON.stringify(sessionId)},`;
    for (const [k, v] of this.views) if (k.startsWith(prefix)) yield v;
  }

  /** Forgets everything about a removed session. */
  forgetSession(sessionId: string): void {
    this.forgetDocuments(sessionId);
    const marker = JSON.stringify(sessionId);
    for (const key of [...this.nodes.keys()]) if (key.includes(`,${marker}`)) this.nodes.delete(key);
    for (const key of [...this.views.keys()]) if (key.startsWith(`[${marker},`)) this.views.delete(key);
  }
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
