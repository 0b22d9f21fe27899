// The inspector's list of frames as the webview holds it: views, links, counters, the filtered rows and bookmarks,
// bounded like the capture. Plain module (the webview is a thin view over it), unit-tested without a browser.
import { Counters } from './counters';
import { compileFilter, EMPTY_FILTER, FilteredIndex, type FilterSpec } from './filter';
import { describeFrame, type FrameView, type WireFrame } from './frames';
import { FrameLinker } from './links';

export class FrameList {
  /** Oldest first, seq ascending. */
  frames: FrameView[] = [];
  readonly linker = new FrameLinker();
  readonly counters = new Counters();
  readonly index = new FilteredIndex();
  readonly bookmarks = new Set<number>();
  spec: FilterSpec = EMPTY_FILTER;
  filterError: string | undefined;

  constructor(public maxFrames: number) {}

  /** Adds a batch (seq order); drops the oldest beyond maxFrames. */
  append(batch: readonly WireFrame[]): void {
    const from = this.frames.length;
    let prev = this.frames[from - 1];
    for (const w of batch) {
      if (prev && w.seq <= prev.seq) continue; // already have it (a snapshot after a reconnect of the view)
      const v = describeFrame(w);
      v.gap = prev ? Math.max(0, v.at - prev.at) : 0;
      this.linker.add(v);
      this.counters.add(v);
      this.frames.push(v);
      prev = v;
    }
    this.index.append(this.frames, from);
    this.trim();
  }

  /** A new bound (the setting changed): shrinking drops the oldest frames now; the counters keep what was seen. */
  setMaxFrames(maxFrames: number): void {
    this.maxFrames = maxFrames;
    this.trim();
  }

  private trim(): void {
    const excess = this.frames.length - this.maxFrames;
    if (excess > 0) {
      const firstKept = this.frames[excess].seq;
      this.frames.splice(0, excess);
      this.index.dropFront(excess);
      this.linker.forgetBefore(firstKept);
      for (const b of this.bookmarks) if (b < firstKept) this.bookmarks.delete(b);
    }
  }

  setFilter(spec: FilterSpec): void {
    this.spec = spec;
    const compiled = compileFilter(spec, (seq) => this.bookmarks.has(seq));
    this.filterError = compiled.error;
    this.index.setFilter(compiled, this.frames);
  }

  toggleBookmark(seq: number): void {
    if (this.bookmarks.has(seq)) this.bookmarks.delete(seq);
    else if (this.positionOf(seq) >= 0) this.bookmarks.add(seq);
    if (this.spec.bookmarkedOnly) this.setFilter(this.spec);
  }

  clear(): void {
    this.frames = [];
    this.linker.clear();
    this.counters.clear();
    this.bookmarks.clear();
    this.setFilter(this.spec);
  }

  get rows(): number {
    return this.index.length;
  }

  frameAtRow(row: number): FrameView | undefined {
    return row >= 0 && row < this.index.length ? this.frames[this.index.at(row)] : undefined;
  }

  /** Position of `seq` in `frames`, or -1. */
  positionOf(seq: number): number {
    let lo = 0;
    let hi = this.frames.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.frames[mid].seq;
      if (s === seq) return mid;
      if (s < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The row showing `seq`, or -1 when it is filtered out or gone. */
  rowOfSeq(seq: number): number {
    const pos = this.positionOf(seq);
    return pos < 0 ? -1 : this.index.rowOf(pos);
  }

  frame(seq: number): FrameView | undefined {
    const pos = this.positionOf(seq);
    return pos < 0 ? undefined : this.frames[pos];
  }

  /** seqs of the rows shown (for "export the frames shown"). */
  shownSeqs(): number[] {
    const out: number[] = new Array<number>(this.index.length);
    for (let i = 0; i < this.index.length; i++) out[i] = this.frames[this.index.at(i)].seq;
    return out;
  }

  /** The next (or previous) bookmark after `seq`, wrapping around; undefined without bookmarks. */
  nextBookmark(seq: number | undefined, direction: 1 | -1): number | undefined {
    const marks = [...this.bookmarks].sort((a, b) => a - b);
    if (marks.length === 0) return undefined;
    if (seq === undefined) return direction === 1 ? marks[0] : marks[marks.length - 1];
    if (direction === 1) return marks.find((m) => m > seq) ?? marks[0];
    for (let i = marks.length - 1; i >= 0; i--) if (marks[i] < seq) return marks[i];
    return marks[marks.length - 1];
  }
}

export { EMPTY_FILTER };
