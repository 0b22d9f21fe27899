// The documents of one collection that pass a matcher (a text filter or a compiled query), in order, kept up to date
// change by change: a change tests only the document it touched and moves one entry of a B-tree, so its cost does not
// grow with the collection, and neither does reading the count or the first page. The order is the query's sort
// (mingo's comparison of the sort values) with ties in server order, or server order alone. No VS Code API.
import BTree from 'sorted-btree';

type Fields = Readonly<Record<string, unknown>>;
type Docs = ReadonlyMap<string, Fields>;

/** What decides membership and order. */
export interface Matcher {
  matches(id: string, fields: Fields): boolean;
  /** Sort values of a document; undefined (or no method): server order. */
  sortKey?(id: string, fields: Fields): unknown[] | undefined;
  compareSortKeys?(a: readonly unknown[], b: readonly unknown[]): number;
}

/**
 * What a change did to the matches: nothing visible, a shown document changed in place, or the list changed (a
 * document joined or left, or moved to another place in the sort order).
 */
export type MatchEffect = 'none' | 'member' | 'membership';

interface Key {
  /** Sort values (undefined without a sort). */
  readonly s: unknown[] | undefined;
  /** Position in the server order: the tie-breaker. */
  readonly r: number;
}

export class MatchIndex {
  /** Document id -> its position in the collection (server order), for every document. */
  private readonly rank = new Map<string, number>();
  private nextRank = 0;
  /** Key of each matching document, to find it in the tree when it changes. */
  private readonly keys = new Map<string, Key>();
  private matches: BTree<Key, string>;
  private built = false;
  /** Positions no longer follow the server order (ordered publications, a reconnect's catch-up): re-rank on read. */
  private reordered = false;
  private readonly compareKeys: (a: Key, b: Key) => number;

  constructor(
    readonly matcher: Matcher,
    private readonly docs: () => Docs | undefined,
  ) {
    const bySort = matcher.compareSortKeys?.bind(matcher);
    this.compareKeys = (a, b) => {
      if (bySort && a.s && b.s) {
        const c = bySort(a.s, b.s);
        if (c !== 0) return c;
      }
      return a.r - b.r;
    };
    this.matches = new BTree<Key, string>(undefined, this.compareKeys);
  }

  /** Number of matching documents. */
  count(): number {
    this.ensure();
    return this.matches.size;
  }

  /** Ids of the first `limit` matching documents, in order. */
  page(limit: number): string[] {
    this.ensure();
    const out: string[] = [];
    if (limit <= 0) return out;
    for (const id of this.matches.values()) {
      out.push(id);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Whether a document is among the matches. */
  has(id: string): boolean {
    this.ensure();
    return this.keys.has(id);
  }

  /** Applies one document change (after the store applied it). */
  apply(op: 'added' | 'changed' | 'removed' | 'moved', id: string, ordered = false): MatchEffect {
    if (!this.built) return 'membership'; // built from scratch on the next read
    if (op === 'moved' || ordered) this.reordered = true;
    if (op === 'moved') return this.keys.has(id) ? 'membership' : 'none';
    const old = this.keys.get(id);
    if (op === 'removed') {
      if (old) {
        this.matches.delete(old);
        this.keys.delete(id);
      }
      this.rank.delete(id);
      return old ? 'membership' : 'none';
    }
    let r = this.rank.get(id);
    if (r === undefined) this.rank.set(id, (r = this.nextRank++));
    const fields = this.docs()?.get(id);
    const now = fields !== undefined && this.matcher.matches(id, fields);
    if (old) this.matches.delete(old);
    if (!now) {
      if (old) this.keys.delete(id);
      return old ? 'membership' : 'none';
    }
    const key: Key = { s: this.matcher.sortKey?.(id, fields), r };
    this.matches.set(key, id);
    this.keys.set(id, key);
    if (!old) return 'membership';
    return this.compareKeys(old, key) === 0 ? 'member' : 'membership';
  }

  /** A new data set (a new client): everything is tested again on the next read. */
  reset(): void {
    this.built = false;
  }

  /** The order of the documents may have changed wholesale (a reconnect's catch-up replaced the collection). */
  invalidateOrder(): void {
    if (this.built) this.reordered = true;
  }

  private ensure(): void {
    if (!this.built) this.build();
    else if (this.reordered) this.rerank();
  }

  /** Every document tested once: when the matcher is set, and after the data set was replaced. */
  private build(): void {
    this.rank.clear();
    this.keys.clear();
    this.nextRank = 0;
    const entries: Array<[Key, string]> = [];
    const docs = this.docs();
    if (docs) {
      for (const [id, fields] of docs) {
        const r = this.nextRank++;
        this.rank.set(id, r);
        if (!this.matcher.matches(id, fields)) continue;
        const key: Key = { s: this.matcher.sortKey?.(id, fields), r };
        this.keys.set(id, key);
        entries.push([key, id]);
      }
    }
    this.matches = this.tree(entries);
    this.built = true;
    this.reordered = false;
  }

  /** New positions in the current server order; the matches and their sort values stay (nothing is tested again). */
  private rerank(): void {
    this.rank.clear();
    this.nextRank = 0;
    const entries: Array<[Key, string]> = [];
    const docs = this.docs();
    if (docs) {
      for (const id of docs.keys()) {
        const r = this.nextRank++;
        this.rank.set(id, r);
        const old = this.keys.get(id);
        if (!old) continue;
        const key: Key = { s: old.s, r };
        this.keys.set(id, key);
        entries.push([key, id]);
      }
    }
    for (const id of this.keys.keys()) if (!this.rank.has(id)) this.keys.delete(id);
    this.matches = this.tree(entries);
    this.reordered = false;
  }

  private tree(entries: Array<[Key, string]>): BTree<Key, string> {
    // Sorted first: filling a B-tree in order is cheaper than in random order.
    entries.sort((a, b) => this.compareKeys(a[0], b[0]));
    return new BTree<Key, string>(entries, this.compareKeys);
  }
}
