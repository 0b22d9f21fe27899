// The documents of one collection that pass a text filter, kept up to date change by change: a change costs the
// same whatever the size of the collection, and so does reading the count or the first page. Plain module.
import BTree from 'sorted-btree';
import { matchesFilter } from '../format';

type Docs = ReadonlyMap<string, Readonly<Record<string, unknown>>>;

/** What a change did to the filtered view: nothing visible, a shown document changed, or the set of matches changed. */
export type FilterEffect = 'none' | 'member' | 'membership';

export class FilterIndex {
  /** Document id -> its position in the collection (server order), for every document. */
  private readonly rank = new Map<string, number>();
  private nextRank = 0;
  /** position -> id of the matching documents, in server order. */
  private matches = new BTree<number, string>();
  private built = false;
  /** Positions no longer follow the server order (ordered publications, a reconnect's catch-up): re-rank on read. */
  private reordered = false;

  constructor(
    readonly filter: string,
    private readonly docs: () => Docs | undefined,
  ) {}

  /** Number of matching documents. */
  count(): number {
    this.ensure();
    return this.matches.size;
  }

  /** Ids of the first `limit` matching documents, in server order. */
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
    const r = this.rank.get(id);
    return r !== undefined && this.matches.has(r);
  }

  /** Applies one document change (after the store applied it). */
  apply(op: 'added' | 'changed' | 'removed' | 'moved', id: string, ordered = false): FilterEffect {
    if (!this.built) return 'membership'; // built from scratch on the next read
    if (op === 'moved' || ordered) this.reordered = true;
    if (op === 'moved') return this.has(id) ? 'membership' : 'none';
    const before = this.rank.get(id);
    const was = before !== undefined && this.matches.has(before);
    if (op === 'removed') {
      if (was) this.matches.delete(before);
      this.rank.delete(id);
      return was ? 'membership' : 'none';
    }
    let r = before;
    if (r === undefined) this.rank.set(id, (r = this.nextRank++));
    const fields = this.docs()?.get(id);
    const now = fields !== undefined && matchesFilter(id, fields, this.filter);
    if (now) this.matches.set(r, id);
    else if (was) this.matches.delete(r);
    if (now !== was) return 'membership';
    return now ? 'member' : 'none';
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

  /** Every document tested once: when the filter is set, and after the data set was replaced. */
  private build(): void {
    this.rank.clear();
    this.matches = new BTree<number, string>();
    this.nextRank = 0;
    const docs = this.docs();
    if (docs) {
      for (const [id, fields] of docs) {
        const r = this.nextRank++;
        this.rank.set(id, r);
        if (matchesFilter(id, fields, this.filter)) this.matches.set(r, id);
      }
    }
    this.built = true;
    this.reordered = false;
  }

  /** New positions in the current server order; the matches stay (no document is tested again). */
  private rerank(): void {
    const matched = new Set(this.matches.values());
    this.rank.clear();
    this.matches = new BTree<number, string>();
    this.nextRank = 0;
    const docs = this.docs();
    if (docs) {
      for (const id of docs.keys()) {
        const r = this.nextRank++;
        this.rank.set(id, r);
        if (matched.has(id)) this.matches.set(r, id);
      }
    }
    this.reordered = false;
  }
}
