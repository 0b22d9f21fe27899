// What each collection shows: how many documents (the page limit, grown by Load More / Load All) and the filter (text,
// or a MongoDB query with its sort and projection) with its index of matches, kept change by change. One entry per
// collection of a session, made when first shown.
import type { SessionChange } from '../../core/sessions';
import type { CompiledQuery } from '../../core/query/compiled';
import { isQueryText, parseFindQuery } from '../../core/query/findQuery';
import { FilterIndex, type FilterEffect } from './filterIndex';

export type Docs = ReadonlyMap<string, Record<string, unknown>>;

export interface CollectionPage {
  limit: number;
  filter: string;
  /** The compiled query when `filter` is one (`{ ... }`): its sort orders the rows, its projection trims them. */
  query?: CompiledQuery;
  /** The matches of `filter`, kept change by change (none without a filter). */
  index?: FilterIndex;
}

export class Paging {
  private readonly pages = new Map<string, CollectionPage>();

  constructor(
    private readonly pageSize: () => number,
    private readonly loadAllLimit: () => number,
    /** The documents of a collection now (undefined when the session or the collection is gone). */
    private readonly docs: (sessionId: string, collection: string) => Docs | undefined,
  ) {}

  page(sessionId: string, collection: string): CollectionPage {
    const k = JSON.stringify([sessionId, collection]);
    let p = this.pages.get(k);
    if (!p) this.pages.set(k, (p = { limit: this.pageSize(), filter: '' }));
    return p;
  }

  /** Shows one more page of the collection. */
  loadMore(sessionId: string, collection: string): void {
    this.page(sessionId, collection).limit += this.pageSize();
  }

  /** Shows every document of the collection that passes its filter, up to the `loadAllLimit` setting. */
  loadAll(sessionId: string, collection: string): void {
    const p = this.page(sessionId, collection);
    p.limit = Math.max(p.limit, Math.min(this.matched(sessionId, collection), this.loadAllLimit()));
  }

  /**
   * Sets the collection's filter: plain text, or a query when it starts with `{`. Returns the reason an invalid query
   * was refused (the filter then stays as it was), else undefined.
   */
  setFilter(sessionId: string, collection: string, filter: string): string | undefined {
    const text = filter.trim();
    let query: CompiledQuery | undefined;
    if (isQueryText(text)) {
      const parsed = parseFindQuery(text);
      if (!parsed.ok) return parsed.message;
      query = parsed.compiled;
    }
    const p = this.page(sessionId, collection);
    p.filter = text;
    p.query = query;
    p.limit = this.pageSize();
    const docs = () => this.docs(sessionId, collection);
    p.index = text ? new FilterIndex(text, docs, query) : undefined;
    return undefined;
  }

  /** New page size: every collection goes back to its first page. */
  resetLimits(): void {
    for (const p of this.pages.values()) p.limit = this.pageSize();
  }

  /** Number of documents that pass the collection's filter (all of them without one). */
  matched(sessionId: string, collection: string): number {
    const { index } = this.page(sessionId, collection);
    return index ? index.count() : (this.docs(sessionId, collection)?.size ?? 0);
  }

  /** Number of documents a "Load more" row would still reveal. */
  remaining(sessionId: string, collection: string): number {
    return Math.max(0, this.matched(sessionId, collection) - this.page(sessionId, collection).limit);
  }

  /**
   * Brings the filter indexes of a session up to date with a change; for a document change, says what it did to its
   * collection's filtered view (undefined when the collection has no filter).
   */
  follow(sessionId: string, change: SessionChange): FilterEffect | undefined {
    switch (change.type) {
      case 'collections':
        for (const p of this.sessionPages(sessionId)) p.index?.reset();
        return undefined;
      case 'freshness':
        for (const p of this.sessionPages(sessionId)) p.index?.invalidateOrder();
        return undefined;
      case 'doc':
        return this.pages
          .get(JSON.stringify([sessionId, change.collection]))
          ?.index?.apply(change.op, change.id, change.ordered);
      default:
        return undefined;
    }
  }

  forgetSession(sessionId: string): void {
    for (const k of this.sessionKeys(sessionId)) this.pages.delete(k);
  }

  private *sessionPages(sessionId: string): Iterable<CollectionPage> {
    for (const k of this.sessionKeys(sessionId)) yield this.pages.get(k)!;
  }

  private sessionKeys(sessionId: string): string[] {
    const prefix = `[${JSON.stringify(sessionId)},`;
    return [...this.pages.keys()].filter((k) => k.startsWith(prefix));
  }
}
