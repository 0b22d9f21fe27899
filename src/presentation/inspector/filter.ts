// Which frames the inspector lists: type chips, text or regex search, direction, collection, method or publication
// name, bookmarks. A filter is compiled once; the list of matching frames grows incrementally as frames arrive and is
// rebuilt only when the filter changes. Plain module (also in the webview).
import { FRAME_TYPES, type FrameType, type FrameView } from './frames';

export interface FilterSpec {
  /** Types to show; empty = all. */
  types: FrameType[];
  text: string;
  regex: boolean;
  direction: 'all' | 'in' | 'out';
  /** Substring of the collection (added/changed/removed/...). */
  collection: string;
  /** Substring of the method or publication name (answers carry their linked name). */
  name: string;
  bookmarkedOnly: boolean;
}

export const EMPTY_FILTER: FilterSpec = {
  types: [],
  text: '',
  regex: false,
  direction: 'all',
  collection: '',
  name: '',
  bookmarkedOnly: false,
};

export type FramePredicate = (f: FrameView) => boolean;

export interface CompiledFilter {
  test: FramePredicate;
  /** A search that is not a valid regular expression: nothing matches, and this says why. */
  error?: string;
  /** True when every frame passes (no work per frame). */
  all: boolean;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Compiles a spec. Searches are case-insensitive; the text searched is the frame's (masked) text. */
export function compileFilter(spec: FilterSpec, isBookmarked: (seq: number) => boolean = () => false): CompiledFilter {
  const checks: FramePredicate[] = [];
  const types = spec.types.filter((t) => (FRAME_TYPES as readonly string[]).includes(t));
  if (types.length > 0 && types.length < FRAME_TYPES.length) {
    const set = new Set<FrameType>(types);
    checks.push((f) => set.has(f.type));
  }
  if (spec.direction !== 'all') {
    const dir = spec.direction;
    checks.push((f) => f.dir === dir);
  }
  const collection = spec.collection.trim().toLowerCase();
  if (collection) checks.push((f) => f.collection !== undefined && f.collection.toLowerCase().includes(collection));
  const name = spec.name.trim().toLowerCase();
  if (name) checks.push((f) => f.name !== undefined && f.name.toLowerCase().includes(name));
  if (spec.bookmarkedOnly) checks.push((f) => isBookmarked(f.seq));
  if (spec.text) {
    let re: RegExp;
    try {
      re = new RegExp(spec.regex ? spec.text : escapeRegExp(spec.text), 'i');
    } catch (err) {
      return { test: () => false, error: `Not a valid regular expression: ${(err as Error).message}`, all: false };
    }
    checks.push((f) => re.test(f.text));
  }
  if (checks.length === 0) return { test: () => true, all: true };
  return { test: (f) => checks.every((c) => c(f)), all: false };
}

/**
 * The frames that pass the filter, as indexes into the frame list, kept in step with it: append() tests only the new
 * frames, dropFront() follows the capture dropping its oldest frames, setFilter() rebuilds once.
 */
export class FilteredIndex {
  /** Positions in the caller's frame list (after `offset` dropped frames), ascending. */
  private rows: number[] = [];
  private dropped = 0;
  private filter: CompiledFilter = { test: () => true, all: true };

  get length(): number {
    return this.rows.length;
  }

  /** The position (in the caller's current list) of the n-th frame that passes. */
  at(n: number): number {
    return this.rows[n] - this.dropped;
  }

  /** Binary search: the row showing list position `pos`, or -1. */
  rowOf(pos: number): number {
    const target = pos + this.dropped;
    let lo = 0;
    let hi = this.rows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.rows[mid];
      if (v === target) return mid;
      if (v < target) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  setFilter(filter: CompiledFilter, frames: readonly FrameView[]): void {
    this.filter = filter;
    this.rows = [];
    this.dropped = 0;
    this.append(frames, 0);
  }

  /** Tests frames[from...] (the ones just added to the caller's list). */
  append(frames: readonly FrameView[], from: number): void {
    const base = this.dropped;
    if (this.filter.all) {
      for (let i = from; i < frames.length; i++) this.rows.push(i + base);
      return;
    }
    const test = this.filter.test;
    for (let i = from; i < frames.length; i++) if (test(frames[i])) this.rows.push(i + base);
  }

  /** The caller removed `count` frames from the front of its list. */
  dropFront(count: number): void {
    this.dropped += count;
    let cut = 0;
    while (cut < this.rows.length && this.rows[cut] < this.dropped) cut++;
    if (cut > 0) this.rows.splice(0, cut);
  }
}
