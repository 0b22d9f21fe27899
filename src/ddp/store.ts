import { ejsonEquals, setOwn } from './ejson';
import type { Fields } from './types';

export type Collections = Map<string, Map<string, Fields>>;

/** One change the store made, for the client to announce. */
export type StoreChange =
  | { type: 'added'; collection: string; id: string; fields: Fields }
  | { type: 'changed'; collection: string; id: string; fields: Fields; cleared: string[] }
  | { type: 'removed'; collection: string; id: string };

/**
 * The client's copy of the server's data set: collection -> id -> fields, in server order.
 * It is the only place that mutates documents.
 */
export class Store {
  readonly collections: Collections = new Map();

  private collection(name: string): Map<string, Fields> {
    let coll = this.collections.get(name);
    if (!coll) {
      coll = new Map();
      this.collections.set(name, coll);
    }
    return coll;
  }

  get(collection: string, id: string): Fields | undefined {
    return this.collections.get(collection)?.get(id);
  }

  /** Keeps its own copy: the fields object handed to listeners stays theirs. */
  added(collection: string, id: string, fields: Fields): void {
    this.collection(collection).set(id, copyFields(fields));
  }

  /** Inserts before `before` (null: at the end). An unknown `before` appends, so nothing is lost. */
  addedBefore(collection: string, id: string, fields: Fields, before: string | null): void {
    const coll = this.collection(collection);
    const doc = copyFields(fields);
    coll.delete(id);
    if (before === null || !coll.has(before)) {
      coll.set(id, doc);
      return;
    }
    reorder(coll, id, doc, before);
  }

  /** Returns false when the document is unknown. */
  movedBefore(collection: string, id: string, before: string | null): boolean {
    const coll = this.collections.get(collection);
    const doc = coll?.get(id);
    if (!coll || !doc) return false;
    coll.delete(id);
    if (before === null || !coll.has(before)) coll.set(id, doc);
    else reorder(coll, id, doc, before);
    return true;
  }

  /** Applies top-level fields and clears; returns false when the document is unknown. */
  changed(collection: string, id: string, fields: Fields, cleared: string[]): boolean {
    const doc = this.collections.get(collection)?.get(id);
    if (!doc) return false;
    for (const key of Object.keys(fields)) setOwn(doc, key, fields[key]);
    for (const key of cleared) delete doc[key];
    return true;
  }

  /** Returns false when the document is unknown. */
  removed(collection: string, id: string): boolean {
    const coll = this.collections.get(collection);
    return coll !== undefined && coll.delete(id);
  }

  /**
   * Makes this store equal to `next` and returns exactly the changes that takes: used after a reconnect, where
   * the re-sent subscriptions filled `next` while this store kept showing the old data.
   */
  replaceWith(next: Store): StoreChange[] {
    const changes: StoreChange[] = [];
    for (const [name, coll] of this.collections) {
      const nextColl = next.collections.get(name);
      for (const [id, doc] of coll) {
        const nextDoc = nextColl?.get(id);
        if (!nextDoc) changes.push({ type: 'removed', collection: name, id });
        else {
          const diff = diffFields(doc, nextDoc);
          if (diff) changes.push({ type: 'changed', collection: name, id, ...diff });
        }
      }
    }
    for (const [name, nextColl] of next.collections) {
      const coll = this.collections.get(name);
      for (const [id, doc] of nextColl) {
        if (!coll?.has(id)) changes.push({ type: 'added', collection: name, id, fields: { ...doc } });
      }
    }
    // Keep the Map objects (callers may hold references) and emptied collections (they did exist).
    for (const [name, coll] of this.collections) if (!next.collections.has(name)) coll.clear();
    for (const [name, nextColl] of next.collections) {
      const coll = this.collection(name);
      coll.clear();
      for (const [id, doc] of nextColl) coll.set(id, doc);
    }
    return changes;
  }
}

function reorder(coll: Map<string, Fields>, id: string, doc: Fields, before: string): void {
  const entries = [...coll];
  coll.clear();
  for (const [key, value] of entries) {
    if (key === before) coll.set(id, doc);
    coll.set(key, value);
  }
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
