// The inspector's capture: every DDP frame of one connection (or one tap client), raw, in a bounded ring.
// Plain module: no VS Code API. Recording is the hot path (it runs inside the client's frame handling), so it only
// copies the text out of the heap and notes the time, direction and size; everything else is worked out later.

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

const CHUNK_BYTES = 4 * 1024 * 1024;

interface Chunk {
  buf: Buffer;
  used: number;
  /** seq of the last frame written into it: the chunk is freed once that frame leaves the ring. */
  lastSeq: number;
}

/**
 * Fixed-capacity ring of frames: pushing onto a full ring drops the oldest frame, so memory is bounded by
 * `capacity` frames whatever the traffic. The texts are copied as UTF-8 into 4 MiB buffers outside the JavaScript
 * heap, and the per-frame facts live in typed arrays: keeping 100,000 frames costs the garbage collector nothing,
 * which keeps the client it listens to as fast as without capture (see bench/RESULTS.md).
 */
export class FrameRing {
  private chunks: Chunk[] = [];
  /**
   * Freed chunks, kept to be written again: fresh memory costs a page fault per 4 KiB on its first write, which made
   * copying a frame many times dearer than the copy itself (bench/RESULTS.md). Chunks in use and spares together
   * never outnumber the most chunks ever in use at once, so this holds no more than the ring once needed.
   */
  private spares: Buffer[] = [];
  private peakChunks = 0;
  /** Chunk id of chunks[0]; chunk ids only grow. */
  private chunkBase = 0;
  private chunkOf = new Int32Array(0);
  private offsets = new Int32Array(0);
  private lengths = new Int32Array(0);
  private ats = new Float64Array(0);
  private dirs = new Uint8Array(0);
  /** Slot of the oldest frame. */
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
  /** seq of the oldest frame kept (== endSeq when empty). */
  get firstSeq(): number {
    return this.nextSeq - this.count;
  }
  /** seq the next frame will get. */
  get endSeq(): number {
    return this.nextSeq;
  }
  /** Bytes held outside the heap for frame texts. */
  get bufferedBytes(): number {
    let n = this.spares.length * CHUNK_BYTES;
    for (const c of this.chunks) n += c.buf.length;
    return n;
  }

  /** Stores a frame; returns its seq and its UTF-8 size. */
  push(dir: Direction, text: string, at: number): { seq: number; bytes: number } {
    const seq = this.slotFor();
    const slot = this.lastSlot();
    const { chunk, id } = this.room(text);
    const bytes = chunk.buf.write(text, chunk.used, 'utf8');
    this.note(slot, seq, chunk, id, bytes, dir, at);
    return { seq, bytes };
  }

  /** Takes the next seq and slot (dropping the oldest frame when full). */
  private slotFor(): number {
    if (this.count < this.cap) {
      this.grow();
      this.count++;
    } else {
      this.head = (this.head + 1) % this.cap;
    }
    return this.nextSeq++;
  }

  /** Slot of the newest frame. */
  private lastSlot(): number {
    return (this.head + this.count - 1) % this.cap;
  }

  private note(slot: number, seq: number, chunk: Chunk, id: number, bytes: number, dir: Direction, at: number): void {
    this.chunkOf[slot] = id;
    this.offsets[slot] = chunk.used;
    this.lengths[slot] = bytes;
    this.ats[slot] = at;
    this.dirs[slot] = dir === 'in' ? 0 : 1;
    chunk.used += bytes;
    chunk.lastSeq = seq;
    this.freeChunks();
  }

  /** Stores a frame that arrived as UTF-8 bytes (the tap): a plain copy, no decoding. Returns its seq. */
  pushBytes(dir: Direction, bytes: Buffer, at: number): number {
    const seq = this.slotFor();
    const slot = this.lastSlot();
    const { chunk, id } = this.roomFor(bytes.length);
    bytes.copy(chunk.buf, chunk.used);
    this.note(slot, seq, chunk, id, bytes.length, dir, at);
    return seq;
  }

  /** The chunk the text fits in (a new one when the last is full; its own for a very large frame). */
  private room(text: string): { chunk: Chunk; id: number } {
    const last = this.chunks[this.chunks.length - 1];
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit: only near the end is the exact size needed.
    if (last && text.length * 3 <= last.buf.length - last.used)
      return { chunk: last, id: this.chunkBase + this.chunks.length - 1 };
    return this.roomFor(Buffer.byteLength(text, 'utf8'));
  }

  private roomFor(size: number): { chunk: Chunk; id: number } {
    const last = this.chunks[this.chunks.length - 1];
    if (last && size <= last.buf.length - last.used)
      return { chunk: last, id: this.chunkBase + this.chunks.length - 1 };
    const buf = (size <= CHUNK_BYTES && this.spares.pop()) || Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, size));
    const chunk: Chunk = { buf, used: 0, lastSeq: 0 };
    this.chunks.push(chunk);
    this.peakChunks = Math.max(this.peakChunks, this.chunks.length);
    return { chunk, id: this.chunkBase + this.chunks.length - 1 };
  }

  /** Frees the chunks whose every frame has left the ring (never the one being written). */
  private freeChunks(): void {
    const first = this.firstSeq;
    let n = 0;
    while (n < this.chunks.length - 1 && this.chunks[n].lastSeq < first) n++;
    if (n > 0) {
      for (const { buf } of this.chunks.splice(0, n)) {
        // Only standard chunks are kept: one made for a huge frame goes back to the system.
        if (buf.length === CHUNK_BYTES && this.chunks.length + this.spares.length < this.peakChunks)
          this.spares.push(buf);
      }
      this.chunkBase += n;
    }
  }

  /** Typed arrays grow by doubling up to the capacity, so a small capture costs little. */
  private grow(): void {
    if (this.count < this.ats.length) return;
    const size = Math.min(this.cap, Math.max(1024, this.ats.length * 2));
    // Before the first wrap the slots are 0..count-1 in order, so a plain copy keeps them.
    const copy = <T extends Int32Array | Float64Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.chunkOf = copy(this.chunkOf, (n) => new Int32Array(n));
    this.offsets = copy(this.offsets, (n) => new Int32Array(n));
    this.lengths = copy(this.lengths, (n) => new Int32Array(n));
    this.ats = copy(this.ats, (n) => new Float64Array(n));
    this.dirs = copy(this.dirs, (n) => new Uint8Array(n));
  }

  /** The frame `seq`; `text`, when the caller still has it, saves decoding it again. */
  get(seq: number, text?: string): CapturedFrame | undefined {
    const offset = seq - this.firstSeq;
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.count) return undefined;
    const slot = (this.head + offset) % this.cap;
    const start = this.offsets[slot];
    const bytes = this.lengths[slot];
    return {
      seq,
      at: this.ats[slot],
      dir: this.dirs[slot] === 0 ? 'in' : 'out',
      text: text ?? this.chunks[this.chunkOf[slot] - this.chunkBase].buf.toString('utf8', start, start + bytes),
      bytes,
    };
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
    this.chunks = [];
    this.spares = [];
    this.peakChunks = 0;
    this.chunkOf = new Int32Array(0);
    this.offsets = new Int32Array(0);
    this.lengths = new Int32Array(0);
    this.ats = new Float64Array(0);
    this.dirs = new Uint8Array(0);
    this.head = 0;
    this.count = 0;
  }

  /** New capacity; keeps the newest frames that fit (byte for byte, with their seqs). */
  resize(capacity: number): void {
    if (capacity === this.cap) return;
    const from = Math.max(this.firstSeq, this.nextSeq - capacity);
    const kept: Array<{ dir: Direction; at: number; bytes: Buffer }> = [];
    for (let seq = from; seq < this.nextSeq; seq++) {
      const slot = (this.head + seq - this.firstSeq) % this.cap;
      const start = this.offsets[slot];
      const buf = this.chunks[this.chunkOf[slot] - this.chunkBase].buf;
      kept.push({
        dir: this.dirs[slot] === 0 ? 'in' : 'out',
        at: this.ats[slot],
        bytes: buf.subarray(start, start + this.lengths[slot]),
      });
    }
    this.cap = capacity;
    this.clear(); // the old chunks stay alive through `kept` until they are copied
    this.nextSeq = from;
    for (const f of kept) this.pushBytes(f.dir, f.bytes, f.at);
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
  /** Texts recorded since the last drain, while a view listens: drained as they are instead of decoded again. */
  private pending: string[] = [];
  /** seq of pending[0]. */
  private pendingFrom = 0;
  private signalled = false;
  private listeners = new Set<() => void>();

  constructor(maxFrames: number = DEFAULT_MAX_FRAMES) {
    this.ring = new FrameRing(maxFrames);
    this.drained = this.ring.endSeq;
  }

  record(dir: Direction, text: string, at: number): void {
    if (this.paused) return;
    const { seq, bytes } = this.ring.push(dir, text, at);
    if (this.listeners.size > 0) this.keep(seq, text);
    this.count(dir, bytes);
  }

  private keep(seq: number, text: string): void {
    if (this.pending.length === 0) this.pendingFrom = seq;
    // Frames beyond the ring's capacity are gone from it anyway: never hold more than that.
    if (this.pending.length >= this.ring.capacity) {
      this.pending.shift();
      this.pendingFrom++;
    }
    this.pending.push(text);
  }

  /** record() for a frame that arrived as UTF-8 bytes (the tap forwards bytes: no decoding needed). */
  recordBytes(dir: Direction, bytes: Buffer, at: number): void {
    if (this.paused) return;
    const seq = this.ring.pushBytes(dir, bytes, at);
    if (this.listeners.size > 0) this.keep(seq, bytes.toString('utf8'));
    this.count(dir, bytes.length);
  }

  private count(dir: Direction, bytes: number): void {
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
    return () => {
      this.listeners.delete(listener);
      // Frames recorded from now on are not kept: what is kept would no longer be a run without gaps.
      if (this.listeners.size === 0) this.pending = [];
    };
  }

  /** Frames recorded since the last drain (those still in the ring). */
  drain(): CapturedFrame[] {
    const end = this.ring.endSeq;
    const start = Math.max(this.drained, this.ring.firstSeq);
    const from = this.pendingFrom;
    const frames: CapturedFrame[] = [];
    for (let seq = start; seq < end; seq++) {
      const i = seq - from;
      frames.push(this.ring.get(seq, i >= 0 && i < this.pending.length ? this.pending[i] : undefined)!);
    }
    this.pending = [];
    this.drained = end;
    this.signalled = false;
    return frames;
  }

  /** Everything in the ring; the next drain() starts after it. */
  snapshot(): CapturedFrame[] {
    this.drained = this.ring.endSeq;
    this.signalled = false;
    this.pending = [];
    return this.ring.range(this.ring.firstSeq);
  }

  /** A new maxFrames: shrinking keeps the newest frames, growing keeps them all; totals and seqs are unchanged. */
  resize(maxFrames: number): void {
    this.ring.resize(maxFrames);
    const extra = this.pending.length - maxFrames;
    if (extra > 0) {
      this.pending.splice(0, extra);
      this.pendingFrom += extra;
    }
  }

  clear(): void {
    this.pending = [];
    this.ring.clear();
    this.drained = this.ring.endSeq;
    this.signalled = false;
    this.totals = { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0 };
  }
}
