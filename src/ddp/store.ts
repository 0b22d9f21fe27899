import { DocumentMap } from './documents';
import { ejsonEquals, setOwn } from './ejson';
import { ReadonlyMapView } from './readonlyView';
import type { Fields } from './types';

/** One collection as readers see it: id -> fields, in server order. */
export type DocumentsView = ReadonlyMap<string, Readonly<Fields>>;
/** collection -> id -> fields, as readers see it. */
export type CollectionsView = ReadonlyMap<string, DocumentsView>;

/** One change the store made, for the client to announce. */
export type StoreChange =
  | { type: 'added'; collection: string; id: string; fields: Fields }
  | { type: 'addedBefore'; collection: string; id: string; fields: Fields; before: string | null }
  | { type: 'movedBefore'; collection: string; id: string; before: string | null }
  | { type: 'changed'; collection: string; id: string; fields: Fields; cleared: string[] }
  | { type: 'removed'; collection: string; id: string };

/**
 * The client's copy of the server's data set: collection -> id -> fields, in server order.
 * It is the only place that mutates documents.
 */
export class Store {
  private readonly docs = new Map<string, DocumentMap>();
  /** A read-only view of each collection, made with it: readers keep the same object across reconnects. */
  private readonly views = new Map<string, DocumentsView>();
  /** Read-only views of the collections (the fields objects are the store's own: read them, never write them). */
  readonly collections: CollectionsView = new ReadonlyMapView(this.views);

  private collection(name: string): DocumentMap {
    let coll = this.docs.get(name);
    if (!coll) {
      coll = new DocumentMap();
      this.docs.set(name, coll);
      this.views.set(name, new ReadonlyMapView(coll));
    }
    return coll;
  }

  get(collection: string, id: string): Fields | undefined {
    return this.docs.get(collection)?.get(id);
  }

  /** Keeps its own copy: the fields object handed to listeners stays theirs. */
  added(collection: string, id: string, fields: Fields): void {
    this.collection(collection).set(id, copyFields(fields));
  }

  /** Inserts before `before` (null: at the end). An unknown `before` appends, so nothing is lost. */
  addedBefore(collection: string, id: string, fields: Fields, before: string | null): void {
    this.collection(collection).insertBefore(id, copyFields(fields), before);
  }

  /** Returns false when the document is unknown. */
  movedBefore(collection: string, id: string, before: string | null): boolean {
    return this.docs.get(collection)?.moveBefore(id, before) ?? false;
  }

  /** Applies top-level fields and clears; returns false when the document is unknown. */
  changed(collection: string, id: string, fields: Fields, cleared: string[]): boolean {
    const doc = this.docs.get(collection)?.get(id);
    if (!doc) return false;
    for (const key of Object.keys(fields)) setOwn(doc, key, fields[key]);
    for (const key of cleared) delete doc[key];
    return true;
  }

  /** Returns false when the document is unknown. */
  removed(collection: string, id: string): boolean {
    const coll = this.docs.get(collection);
    return coll !== undefined && coll.delete(id);
  }

  /**
   * Makes this store equal to `next`, order included, and returns the changes that takes, in an order a listener
   * can replay: used after a reconnect, where the re-sent subscriptions filled `next` while this store kept showing
   * the old data. Unchanged documents give no change. In collections the server orders (`addedBefore` /
   * `movedBefore`), new documents come as `addedBefore` and only the documents off the longest run already in order
   * are moved (`movedBefore`), so replaying the changes rebuilds exactly this store's order. In other collections
   * documents keep their place and new ones are appended (`added`).
   */
  replaceWith(next: Store): StoreChange[] {
    const changes: StoreChange[] = [];
    for (const [name, coll] of this.docs) {
      const nextColl = next.docs.get(name);
      const gone: string[] = [];
      for (const [id, doc] of coll) {
        const nextDoc = nextColl?.get(id);
        if (!nextDoc) {
          gone.push(id);
          continue;
        }
        const diff = diffFields(doc, nextDoc);
        if (!diff) continue;
        changes.push({ type: 'changed', collection: name, id, ...diff });
        coll.set(id, nextDoc);
      }
      for (const id of gone) {
        coll.delete(id);
        changes.push({ type: 'removed', collection: name, id });
      }
    }
    // Emptied collections stay (they did exist); callers may hold the Map objects, so they are kept too.
    for (const [name, nextColl] of next.docs) {
      const coll = this.collection(name);
      if (nextColl.explicit) this.reorder(name, coll, nextColl, changes);
      else {
        for (const [id, doc] of nextColl) {
          if (coll.has(id)) continue;
          coll.set(id, doc);
          changes.push({ type: 'added', collection: name, id, fields: { ...doc } });
        }
      }
    }
    return changes;
  }

  /** Brings `coll` (whose documents are all in `target`) into `target`'s order, adding the new documents. */
  private reorder(name: string, coll: DocumentMap, target: DocumentMap, changes: StoreChange[]): void {
    const order = [...target.keys()];
    const position = new Map<string, number>();
    order.forEach((id, i) => position.set(id, i));
    const current = [...coll.keys()];
    const stay = new Set(longestIncreasing(current.map((id) => position.get(id)!)).map((k) => current[k]));
    // From the end: each document goes right before its successor, which is already in its final place.
    for (let i = order.length - 1; i >= 0; i--) {
      const id = order[i];
      const before = i + 1 < order.length ? order[i + 1] : null;
      if (!coll.has(id)) {
        const doc = target.get(id)!;
        coll.insertBefore(id, doc, before);
        changes.push({ type: 'addedBefore', collection: name, id, fields: { ...doc }, before });
      } else if (!stay.has(id)) {
        coll.moveBefore(id, before);
        changes.push({ type: 'movedBefore', collection: name, id, before });
      }
    }
    coll.explicit = true;
  }
}

/** Indexes (into `seq`) of one longest strictly increasing subsequence; O(n log n). */
export function longestIncreasing(seq: number[]): number[] {
  const tails: number[] = []; // tails[k]: index of the smallest tail of an increasing run of length k + 1
  const prev = new Array<number>(seq.length);
  for (let i = 0; i < seq.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seq[tails[mid]] < seq[i]) lo = mid + 1;
      else hi = mid;
    }
    prev[i] = lo > 0 ? tails[lo - 1] : -1;
    tails[lo] = i;
  }
  const out: number[] = [];
  for (let k = tails.length > 0 ? tails[tails.length - 1] : -1; k >= 0; k = prev[k]) out.push(k);
  return out.reverse();
}

function diffFields(prev: Fields, next: Fields): { fields: Fields; cleared: string[] } | undefined {
  const fields: Fields = {};
  const cleared: string[] = [];
  let differs = false;
  for (const key of Object.keys(next)) {
    if (!Object.prototype.hasOwnProperty.call(prev, key) || !ejsonEquals(prev[key], next[key])) {
      setOwn(fields, key, next[key]);
      differs = true;
    }
  }
  for (const key of Object.keys(prev)) {
    if (!Object.prototype.hasOwnProperty.call(next, key)) {
      cleared.push(key);
      differs = true;
    }
  }
  return differs ? { fields, cleared } : undefined;
}

/**
 * A shallow copy of a document's fields. Object.assign, not spread: V8 gives spread clones a map on which the later
 * `delete` of cleared fields is ~3x slower (the `changed` phase of the benchmark: 2.5x the floor's time with spread).
 * Object.assign would set the prototype for an own "__proto__" key, so that rare case keeps the spread.
 */
function copyFields(fields: Fields): Fields {
  return Object.prototype.hasOwnProperty.call(fields, '__proto__') ? { ...fields } : Object.assign({}, fields);
}
