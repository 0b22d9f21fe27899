// The inspector's capture: every DDP frame of one connection (or one tap client), raw, in a bounded ring.
// Plain module: no VS Code API. Recording is the hot path (it runs inside the client's frame handling), so it only
// stores the text, the time and the direction; sizes are counted here, everything else is worked out later, off it.

export type Direction = 'in' | 'out';

/** One recorded frame: the exact text (secrets included: mask before showing). */
export interface CapturedFrame {
  /** 1, 2, 3... in recording order; never reused, not even after clear(). */
  seq: number;
  /** Epoch ms. */
  at: number;
  dir: Direction;
  text: string;
  /** UTF-8 size on the wire. */
  bytes: number;
}

export interface CaptureTotals {
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
}

/** Default and bounds of `ddpExplorer.inspector.maxFrames`. */
export const DEFAULT_MAX_FRAMES = 100_000;
export const MIN_MAX_FRAMES = 100;
export const MAX_MAX_FRAMES = 1_000_000;

export function clampMaxFrames(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return DEFAULT_MAX_FRAMES;
  return Math.min(MAX_MAX_FRAMES, Math.max(MIN_MAX_FRAMES, Math.floor(value)));
}

/**
 * Fixed-capacity ring of frames: pushing onto a full ring drops the oldest frame, so memory is bounded by
 * `capacity` frames whatever the traffic. Slots are parallel arrays (no object per frame).
 */
export class FrameRing {
  private texts: string[] = [];
  private ats: number[] = [];
  private dirs: Direction[] = [];
  private sizes: number[] = [];
  /** Slot of the oldest frame once the ring has wrapped. */
  private head = 0;
  private count = 0;
  /** seq of the next frame. */
  private nextSeq = 1;

  constructor(private cap: number) {}

  get capacity(): number {
    return this.cap;
  }
  get size(): number {
    return this.count;
  }
  /** seq of the oldest frame kept (== nextSeq when empty). */
  get firstSeq(): number {
    return this.nextSeq - this.count;
  }
  /** seq the next frame will get. */
  get endSeq(): number {
    return this.nextSeq;
  }

  push(dir: Direction, text: string, at: number, bytes: number): number {
    const seq = this.nextSeq++;
    if (this.count < this.cap) {
      const slot = (this.head + this.count) % this.cap;
      this.texts[slot] = text;
      this.ats[slot] = at;
      this.dirs[slot] = dir;
      this.sizes[slot] = bytes;
      this.count++;
    } else {
      const slot = this.head;
      this.texts[slot] = text;
      this.ats[slot] = at;
      this.dirs[slot] = dir;
      this.sizes[slot] = bytes;
      this.head = (this.head + 1) % this.cap;
    }
    return seq;
  }

  get(seq: number): CapturedFrame | undefined {
    const offset = seq - this.firstSeq;
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.count) return undefined;
    const slot = (this.head + offset) % this.cap;
    return { seq, at: this.ats[slot], dir: this.dirs[slot], text: this.texts[slot], bytes: this.sizes[slot] };
  }

  /** Frames with seq in [from, to), oldest first; what was dropped is skipped. */
  range(from: number, to: number = this.nextSeq): CapturedFrame[] {
    const out: CapturedFrame[] = [];
    const start = Math.max(from, this.firstSeq);
    const end = Math.min(to, this.nextSeq);
    for (let seq = start; seq < end; seq++) out.push(this.get(seq)!);
    return out;
  }

  clear(): void {
    this.texts = [];
    this.ats = [];
    this.dirs = [];
    this.sizes = [];
    this.head = 0;
    this.count = 0;
  }

  /** New capacity; keeps the newest frames that fit. */
  resize(capacity: number): void {
    if (capacity === this.cap) return;
    const kept = this.range(Math.max(this.firstSeq, this.nextSeq - capacity));
    this.cap = capacity;
    this.clear();
    this.nextSeq = kept.length > 0 ? kept[0].seq : this.nextSeq;
    for (const f of kept) this.push(f.dir, f.text, f.at, f.bytes);
  }
}

/**
 * A capture: the ring, pause, running totals (frames dropped from the ring still count), and a "new frames" signal
 * given once per batch, so that a view can drain at its own pace (about ten times a second) instead of per frame.
 */
export class Capture {
  readonly ring: FrameRing;
  paused = false;
  totals: CaptureTotals = { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0 };
  private drained: number;
  private signalled = false;
  private listeners = new Set<() => void>();

  constructor(maxFrames: number = DEFAULT_MAX_FRAMES) {
    this.ring = new FrameRing(maxFrames);
    this.drained = this.ring.endSeq;
  }

  record(dir: Direction, text: string, at: number): void {
    if (this.paused) return;
    const bytes = Buffer.byteLength(text, 'utf8');
    this.ring.push(dir, text, at, bytes);
    if (dir === 'in') {
      this.totals.framesIn++;
      this.totals.bytesIn += bytes;
    } else {
      this.totals.framesOut++;
      this.totals.bytesOut += bytes;
    }
    if (!this.signalled && this.listeners.size > 0) {
      this.signalled = true;
      for (const l of [...this.listeners]) l();
    }
  }

  /** Called once when frames arrive after the last drain(). */
  onFrames(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Frames recorded since the last drain (those still in the ring). */
  drain(): CapturedFrame[] {
    const frames = this.ring.range(this.drained);
    this.drained = this.ring.endSeq;
    this.signalled = false;
    return frames;
  }

  /** Everything in the ring; the next drain() starts after it. */
  snapshot(): CapturedFrame[] {
    this.drained = this.ring.endSeq;
    this.signalled = false;
    return this.ring.range(this.ring.firstSeq);
  }

  clear(): void {
    this.ring.clear();
    this.drained = this.ring.endSeq;
    this.signalled = false;
    this.totals = { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0 };
  }
}
