// One node object per key: VS Code names a row by the object it was given, so a refresh must hand back that object.
// The nodes shown for a document (the document, its fields, "… N more") are forgotten with it.
import type { NodeData, NodeKind, NodeOf, TreeNode } from './nodes';

export class NodeCache {
  private readonly nodes = new Map<string, TreeNode>();
  /** Session id -> document (JSON [collection, docId]) -> keys of the nodes made for it. */
  private readonly byDocument = new Map<string, Map<string, Set<string>>>();

  /** The key of a node: its kind, its session and `identity` (what tells it apart from the others of its kind). */
  keyOf(data: NodeData, identity: readonly unknown[]): string {
    return JSON.stringify([data.kind, data.sessionId, ...identity]);
  }

  /** The cached node for `data`, made the first time. */
  node<K extends NodeKind>(data: NodeData<K>, identity: readonly unknown[]): NodeOf<K> {
    const key = this.keyOf(data, identity);
    let n = this.nodes.get(key);
    if (!n) {
      n = { ...data, key };
      this.nodes.set(key, n);
      if ('docId' in n) this.track(n.sessionId, n.collection, n.docId, key);
    }
    return n as NodeOf<K>;
  }

  /** A cached node by key (undefined when it was never made or has been forgotten). */
  get(key: string): TreeNode | undefined {
    return this.nodes.get(key);
  }

  /** One node (a stream event pushed out of its log). */
  forget(key: string): void {
    this.nodes.delete(key);
  }

  /** Every node of a session's stream (a stream pushed out by newer ones): rare, so a scan. */
  forgetStream(sessionId: string, collection: string): void {
    for (const [k, n] of this.nodes)
      if (n.sessionId === sessionId && 'collection' in n && n.collection === collection && n.kind.startsWith('stream'))
        this.nodes.delete(k);
  }

  forgetDocument(sessionId: string, collection: string, docId: string): void {
    const docs = this.byDocument.get(sessionId);
    const doc = JSON.stringify([collection, docId]);
    for (const k of docs?.get(doc) ?? []) this.nodes.delete(k);
    docs?.delete(doc);
  }

  /** Every document node of a session (its data was replaced as a whole). */
  forgetDocuments(sessionId: string): void {
    const docs = this.byDocument.get(sessionId);
    if (!docs) return;
    for (const keys of docs.values()) for (const k of keys) this.nodes.delete(k);
    this.byDocument.delete(sessionId);
  }

  forgetSession(sessionId: string): void {
    this.forgetDocuments(sessionId);
    for (const [k, n] of this.nodes) if (n.sessionId === sessionId) this.nodes.delete(k);
  }

  /** Number of cached nodes (for tests that check nothing is kept for long). */
  get size(): number {
    return this.nodes.size;
  }

  private track(sessionId: string, collection: string, docId: string, key: string): void {
    let docs = this.byDocument.get(sessionId);
    if (!docs) this.byDocument.set(sessionId, (docs = new Map<string, Set<string>>()));
    const doc = JSON.stringify([collection, docId]);
    let keys = docs.get(doc);
    if (!keys) docs.set(doc, (keys = new Set<string>()));
    keys.add(key);
  }
}
