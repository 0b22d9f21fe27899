import type { Fields } from './types';

interface Link {
  readonly id: string;
  doc: Fields;
  prev?: Link;
  next?: Link;
}

/**
 * One collection's documents: a Map of id -> fields whose iteration follows the server's order.
 *
 * As long as the server only appends (`added`, or `addedBefore`/`movedBefore` to the end), the Map's own insertion
 * order is the server's order and nothing else is kept. The first document placed in the middle turns on a
 * doubly-linked list keyed by id, which makes every later insert, move and delete O(1): placing 20,000 documents
 * by rebuilding the Map each time took 24 s. `get`, `has` and `size` stay the Map's own.
 */
export class DocumentMap extends Map<string, Fields> {
  /** Has the server ever placed a document explicitly (`addedBefore` / `movedBefore`)? */
  explicit = false;
  private links?: Map<string, Link>;
  private head?: Link;
  private tail?: Link;

  override set(id: string, doc: Fields): this {
    const links = this.links;
    if (links) {
      const link = links.get(id);
      if (link) link.doc = doc;
      else this.append(links, { id, doc });
    }
    return super.set(id, doc);
  }

  override delete(id: string): boolean {
    const links = this.links;
    if (links) {
      const link = links.get(id);
      if (link) this.unlink(links, link);
    }
    return super.delete(id);
  }

  override clear(): void {
    this.links = undefined;
    this.head = this.tail = undefined;
    super.clear();
  }

  /** Inserts (or moves) `id` before `before`; null, an unknown `before` or `id` itself: at the end. */
  insertBefore(id: string, doc: Fields, before: string | null): void {
    this.explicit = true;
    if (!this.links && (before === null || before === id || !super.has(before))) {
      super.delete(id);
      super.set(id, doc);
      return;
    }
    const links = this.linked();
    let link = links.get(id);
    if (link) {
      this.unlink(links, link);
      link.doc = doc;
    } else link = { id, doc };
    super.set(id, doc);
    this.place(links, link, before);
  }

  /** Moves a known document before `before` (as insertBefore); false when `id` is unknown. */
  moveBefore(id: string, before: string | null): boolean {
    const doc = super.get(id);
    if (doc === undefined) return false;
    this.insertBefore(id, doc, before);
    return true;
  }

  override keys(): MapIterator<string> {
    if (!this.links) return super.keys();
    return walk(this.head, (l) => l.id);
  }

  override values(): MapIterator<Fields> {
    if (!this.links) return super.values();
    return walk(this.head, (l) => l.doc);
  }

  override entries(): MapIterator<[string, Fields]> {
    if (!this.links) return super.entries();
    return walk(this.head, (l) => [l.id, l.doc] as [string, Fields]);
  }

  override [Symbol.iterator](): MapIterator<[string, Fields]> {
    return this.entries();
  }

  override forEach(callback: (doc: Fields, id: string, map: Map<string, Fields>) => void, thisArg?: unknown): void {
    if (!this.links) return super.forEach(callback, thisArg);
    for (let l = this.head; l; l = l.next) callback.call(thisArg, l.doc, l.id, this);
  }

  /** The linked list, built from the Map's order the first time it is needed. */
  private linked(): Map<string, Link> {
    if (this.links) return this.links;
    const links = new Map<string, Link>();
    for (const [id, doc] of super.entries()) this.append(links, { id, doc });
    this.links = links;
    return links;
  }

  private place(links: Map<string, Link>, link: Link, before: string | null): void {
    const next = before === null ? undefined : links.get(before);
    if (!next) return this.append(links, link);
    link.next = next;
    link.prev = next.prev;
    if (next.prev) next.prev.next = link;
    else this.head = link;
    next.prev = link;
    links.set(link.id, link);
  }

  private append(links: Map<string, Link>, link: Link): void {
    link.prev = this.tail;
    link.next = undefined;
    if (this.tail) this.tail.next = link;
    else this.head = link;
    this.tail = link;
    links.set(link.id, link);
  }

  /** Takes a link out; its own `next` is kept, so an iterator standing on it goes on with the rest. */
  private unlink(links: Map<string, Link>, link: Link): void {
    if (link.prev) link.prev.next = link.next;
    else this.head = link.next;
    if (link.next) link.next.prev = link.prev;
    else this.tail = link.prev;
    links.delete(link.id);
  }
}

function walk<T>(start: Link | undefined, pick: (l: Link) => T): MapIterator<T> {
  let l = start;
  const it = {
    next(): IteratorResult<T, undefined> {
      if (!l) return { done: true, value: undefined };
      const value = pick(l);
      l = l.next;
      return { done: false, value };
    },
    [Symbol.iterator]() {
      return it;
    },
  };
  return it as unknown as MapIterator<T>;
}
