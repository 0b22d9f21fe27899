// The tree as plain data: which nodes there are and how each is shown, dispatched to the level of its kind
// (levels/<kind>.ts). No VS Code API, so it is unit-tested directly; src/vscode/tree turns NodeViews into TreeItems.
// The node cache (nodeCache.ts) and what each collection shows (paging.ts) each own their state.
import type { Session, SessionChange, SessionManager } from '../../core/sessions';
import type { FilterEffect } from './filterIndex';
import type { TreeContext } from './levels/level';
import { levelOf } from './levels';
import { NodeCache } from './nodeCache';
import { NODE_KINDS, type NodeData, type NodeKind, type NodeOf, type NodeView, type TreeNode } from './nodes';
import { type CollectionPage, type Docs, Paging } from './paging';

export type { NodeKind, NodeView, Path, TreeNode } from './nodes';

export class TreeModel implements TreeContext {
  private readonly cache = new NodeCache();
  readonly paging: Paging;
  readonly listedCollections = new Map<string, ReadonlySet<string>>();
  /** The last change seen and its keys: the model and the provider both ask for them, the work is done once. */
  private seen: { change: SessionChange; keys: string[] } | undefined;
  private readonly offManager: () => void;

  constructor(
    private readonly manager: SessionManager,
    pageSize: () => number,
    readonly now: () => number = () => Date.now(),
    readonly loadAllLimit: () => number = () => 10_000,
  ) {
    this.paging = new Paging(pageSize, loadAllLimit, (sessionId, collection) => this.documents(sessionId, collection));
    // The filter indexes and the cache follow every change, whether or not a view is listening.
    this.offManager = manager.onChange((c) => {
      if (c.type === 'session') this.keysFor(c.session, c.change);
    });
  }

  dispose(): void {
    this.offManager();
  }

  node<K extends NodeKind>(data: NodeData<K>): NodeOf<K> {
    return this.cache.node(data, levelOf(data.kind).identity(data));
  }

  connectionNode(sessionId: string): TreeNode {
    return this.node({ kind: 'connection', sessionId });
  }
  groupNode(sessionId: string, group: 'subscriptions' | 'collections' | 'streams'): TreeNode {
    return this.node({ kind: 'group', sessionId, group });
  }
  collectionNode(sessionId: string, collection: string): TreeNode {
    return this.node({ kind: 'collection', sessionId, collection });
  }
  documentNode(sessionId: string, collection: string, docId: string): TreeNode {
    return this.node({ kind: 'document', sessionId, collection, docId });
  }

  /** A cached node by key (undefined when it was never shown, or forgotten since). */
  lookup(key: string): TreeNode | undefined {
    return this.cache.get(key);
  }

  session(sessionId: string): Session | undefined {
    return this.manager.get(sessionId);
  }

  documents(sessionId: string, collection: string): Docs | undefined {
    return this.manager.get(sessionId)?.documents(collection);
  }

  fields(node: { sessionId: string; collection: string; docId: string }): Record<string, unknown> | undefined {
    return this.documents(node.sessionId, node.collection)?.get(node.docId);
  }

  collectionView(sessionId: string, collection: string): CollectionPage {
    return this.paging.page(sessionId, collection);
  }
  loadMore(sessionId: string, collection: string): void {
    this.paging.loadMore(sessionId, collection);
  }
  loadAll(sessionId: string, collection: string): void {
    this.paging.loadAll(sessionId, collection);
  }
  /** Text or a query (`{ ... }`); returns why a query was refused (nothing changes then). */
  setFilter(sessionId: string, collection: string, filter: string): string | undefined {
    return this.paging.setFilter(sessionId, collection, filter);
  }
  /** New page size: every collection goes back to its first page. */
  resetPaging(): void {
    this.paging.resetLimits();
  }

  children(node?: TreeNode): TreeNode[] {
    if (!node) return this.manager.list().map((s) => this.connectionNode(s.id));
    const s = this.manager.get(node.sessionId);
    return s ? (levelOf(node.kind).children?.(node, s, this) ?? []) : [];
  }

  parent(node: TreeNode): TreeNode | undefined {
    return levelOf(node.kind).parent(node, this);
  }

  view(node: TreeNode): NodeView {
    return levelOf(node.kind).view(node, this);
  }

  /** Whether the node's tooltip is worked out on hover (`tooltip`) rather than with the row. */
  hasLazyTooltip(node: TreeNode): boolean {
    return !!levelOf(node.kind).tooltip;
  }

  tooltip(node: TreeNode): string | undefined {
    const level = levelOf(node.kind);
    return level.tooltip ? level.tooltip(node, this) : level.view(node, this).tooltip;
  }

  /** Tooltip of a document: its exact EJSON, cut after about 3,000 characters. */
  documentTooltip(node: NodeOf<'document'>): string {
    return this.tooltip(node) ?? '';
  }

  /**
   * Keys of the cached nodes to refresh for a session change, once the filter indexes and the cache have followed
   * it (the first call for a change does that work; later calls for the same change get the same keys).
   */
  keysFor(session: Session, change: SessionChange): string[] {
    if (this.seen?.change === change) return this.seen.keys;
    const effect = this.paging.follow(session.id, change);
    const keys = this.refreshKeys(session.id, change, effect);
    this.forgetFor(session.id, change);
    this.seen = { change, keys };
    return keys;
  }

  private refreshKeys(sessionId: string, change: SessionChange, effect: FilterEffect | undefined): string[] {
    const keys: string[] = [];
    for (const kind of NODE_KINDS) {
      for (const data of levelOf(kind).refresh?.(change, sessionId, this, effect) ?? []) {
        keys.push(this.cache.keyOf(data, levelOf(data.kind).identity(data)));
      }
    }
    return keys;
  }

  /** Nodes of data that is gone: a removed document's, or every document's when the session's data was replaced. */
  private forgetFor(sessionId: string, change: SessionChange): void {
    if (change.type === 'collections') {
      this.cache.forgetDocuments(sessionId);
      this.listedCollections.delete(sessionId);
    } else if (change.type === 'doc' && change.op === 'removed') {
      this.cache.forgetDocument(sessionId, change.collection, change.id);
    } else if (change.type === 'stream') {
      // A bounded log: the rows of events (and event names) it pushed out go with them.
      const { collection } = change;
      for (const seq of change.dropped)
        this.cache.forget(
          this.cache.keyOf({ kind: 'streamEvent', sessionId, collection, eventName: '', seq }, [collection, seq]),
        );
      for (const eventName of change.droppedGroups)
        this.cache.forget(
          this.cache.keyOf({ kind: 'streamEventGroup', sessionId, collection, eventName }, [collection, eventName]),
        );
      if (change.droppedStream !== undefined) this.cache.forgetStream(sessionId, change.droppedStream);
    } else if (change.type === 'streamCleared') {
      this.cache.forgetStream(sessionId, change.collection);
    }
  }

  /** Forgets everything about a removed session. */
  forgetSession(sessionId: string): void {
    this.cache.forgetSession(sessionId);
    this.paging.forgetSession(sessionId);
    this.listedCollections.delete(sessionId);
  }
}
