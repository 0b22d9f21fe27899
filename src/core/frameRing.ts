// The inspector's bounded ring of frames (src/core/capture.ts records into it): the exact texts as UTF-8 in chunks
// outside the JavaScript heap, the per-frame facts in typed arrays, and the packed batches a view is sent.
// Plain module: no VS Code API.

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

/**
 * Frames `first`, `first + 1`, ... as the ring holds them, packed for a view: the exact UTF-8 texts one after another
 * in `data`, `sizes[i]` bytes each, and the per-frame facts in typed arrays. A batch is a handful of typed arrays,
 * not one object per frame: VS Code carries typed arrays to a webview as bytes, without JSON, and making it costs the
 * host a copy per chunk instead of a decode per frame. The arrays are views of one buffer (batchIn()): VS Code sends a
 * buffer once however many views of it a message holds, but always the whole buffer, so it holds nothing else (or, in
 * a feed's page, zeros past the batch). One buffer, not one per array, so that packing a piece allocates nothing.
 * src/presentation/inspector/batch.ts reads it.
 */
export interface CaptureBatch {
  first: number;
  /** Epoch ms. */
  ats: Float64Array;
  /** 0 in, 1 out. */
  dirs: Uint8Array;
  /** UTF-8 size of each exact frame (on the wire). */
  sizes: Uint32Array;
  /** Byte length of each text in `data` when it differs from `sizes` (a frame masked on the host). */
  lengths?: Uint32Array;
  data: Uint8Array;
}

/** Reusable buffers of `bytes` each to pack batches into: FrameRing.batches. */
export interface Pages {
  readonly bytes: number;
  take(): ArrayBuffer;
}

/** Bytes a batch takes per frame besides its text: time (8), size (4) and direction (1); 4 more with `lengths`. */
export const FACT_BYTES = 8 + 4 + 1;

/** Bytes of the buffer a batch of `frames` frames and `textBytes` of text takes (batchIn()). */
export function batchBytes(frames: number, textBytes: number, withLengths = false): number {
  return (FACT_BYTES + (withLengths ? 4 : 0)) * frames + textBytes;
}

/**
 * A batch's arrays laid out from the start of `buffer` (batchBytes() long at least): times first (8-byte aligned),
 * then sizes and lengths (4-byte aligned), directions, and the texts. The arrays' contents are the caller's to write.
 */
export function batchIn(
  buffer: ArrayBuffer,
  first: number,
  frames: number,
  textBytes: number,
  withLengths = false,
): CaptureBatch {
  const n = frames;
  const facts = withLengths ? 16 * n : 12 * n;
  return {
    first,
    ats: new Float64Array(buffer, 0, n),
    sizes: new Uint32Array(buffer, 8 * n, n),
    ...(withLengths ? { lengths: new Uint32Array(buffer, 12 * n, n) } : {}),
    dirs: new Uint8Array(buffer, facts, n),
    data: new Uint8Array(buffer, facts + n, textBytes),
  };
}

/** The frames of a batch (or of batches, in order), decoded (tests, and anything that wants them one by one). */
export function framesOf(batches: CaptureBatch | Iterable<CaptureBatch>): CapturedFrame[] {
  if (!('sizes' in batches)) return [...batches].flatMap((b) => framesOf(b));
  const batch = batches;
  const out: CapturedFrame[] = [];
  const lengths = batch.lengths ?? batch.sizes;
  const data = Buffer.from(batch.data.buffer, batch.data.byteOffset, batch.data.byteLength);
  let o = 0;
  for (let i = 0; i < batch.sizes.length; i++) {
    out.push({
      seq: batch.first + i,
      at: batch.ats[i],
      dir: batch.dirs[i] === 0 ? 'in' : 'out',
      text: data.toString('utf8', o, o + lengths[i]),
      bytes: batch.sizes[i],
    });
    o += lengths[i];
  }
  return out;
}

const CHUNK_BYTES = 4 * 1024 * 1024;
/** What a ring expects a frame to take before it has seen enough of them (a Meteor `added` of a small document). */
export const EXPECTED_FRAME_BYTES = 384;
/** Frames seen before their mean size replaces EXPECTED_FRAME_BYTES. */
const FRAMES_TO_LEARN = 1000;
/** Most memory a ring reserves ahead of its frames (reserve()): 16 chunks. */
export const MAX_RESERVE_BYTES = 16 * CHUNK_BYTES;
/** Memory is made ready one page at a time: a write per page is what makes the system back it. */
const PAGE_BYTES = 4096;
/** Bytes per frame of the per-frame arrays (chunk, offset, length, time, direction). */
const SLOT_BYTES = 4 + 4 + 4 + 8 + 1;

/**
 * Memory of its own, not zeroed first, for a typed array whose every element is written before use. A zeroed array
 * (`new Uint8Array(n)`) of a batch's size is fresh memory each time: a page fault per 4 KiB, which on a virtual
 * machine cost more than copying the frames into it (bench/RESULTS.md); unzeroed memory is memory the allocator
 * already has. Exactly `bytes` long: a webview is sent the whole buffer under an array.
 */
export function unzeroedMemory(bytes: number): ArrayBuffer {
  return Buffer.allocUnsafeSlow(bytes).buffer;
}

interface Chunk {
  buf: Buffer;
  used: number;
  /** seq of the last frame written into it: the chunk is freed once that frame leaves the ring. */
  lastSeq: number;
  /** Its place in the ring's chunks: chunks[id - chunkBase] (ids only grow). */
  id: number;
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
  /** A chunk being made ready by reserve(), and how much of it is (from its start). */
  private warming: Buffer | undefined;
  private warmed = 0;
  /** Bytes of the per-frame arrays (at full capacity) made ready by reserve(). */
  private arraysReady = 0;
  /** Bytes and frames ever written, for the mean frame size that sizes the reserve. */
  private writtenBytes = 0;
  private writtenFrames = 0;
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
    let n = (this.spares.length + (this.warming ? 1 : 0)) * CHUNK_BYTES;
    for (const c of this.chunks) n += c.buf.length;
    return n;
  }

  /** Stores a frame (it gets seq `endSeq`); returns its UTF-8 size. */
  push(dir: Direction, text: string, at: number): number {
    const seq = this.slotFor();
    const chunk = this.room(text);
    const bytes = chunk.buf.write(text, chunk.used, 'utf8');
    this.note(this.lastSlot(), seq, chunk, bytes, dir, at);
    return bytes;
  }

  /** Takes the next seq and slot (dropping the oldest frame when full). */
  private slotFor(): number {
    if (this.count < this.cap) {
      this.grow();
      this.count++;
    } else {
      if (++this.head === this.cap) this.head = 0;
    }
    return this.nextSeq++;
  }

  /** Slot of the newest frame. */
  private lastSlot(): number {
    return this.slotAfter(this.head, this.count - 1);
  }

  private note(slot: number, seq: number, chunk: Chunk, bytes: number, dir: Direction, at: number): void {
    this.chunkOf[slot] = chunk.id;
    this.offsets[slot] = chunk.used;
    this.lengths[slot] = bytes;
    this.ats[slot] = at;
    this.dirs[slot] = dir === 'in' ? 0 : 1;
    chunk.used += bytes;
    chunk.lastSeq = seq;
    this.writtenBytes += bytes;
    this.writtenFrames++;
    this.freeChunks();
  }

  /**
   * Stores a frame that arrived as UTF-8 bytes (the tap, a client's WebSocket frames): a plain copy, no decoding.
   * Returns its seq.
   */
  pushBytes(dir: Direction, bytes: Uint8Array, at: number): number {
    const seq = this.slotFor();
    const chunk = this.roomFor(bytes.length);
    chunk.buf.set(bytes, chunk.used);
    this.note(this.lastSlot(), seq, chunk, bytes.length, dir, at);
    return seq;
  }

  /** The chunk the text fits in (a new one when the last is full; its own for a very large frame). */
  private room(text: string): Chunk {
    const last = this.chunks[this.chunks.length - 1];
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit: only near the end is the exact size needed.
    if (last && text.length * 3 <= last.buf.length - last.used) return last;
    return this.roomFor(Buffer.byteLength(text, 'utf8'));
  }

  private roomFor(size: number): Chunk {
    const last = this.chunks[this.chunks.length - 1];
    if (last && size <= last.buf.length - last.used) return last;
    const buf = (size <= CHUNK_BYTES && this.takeSpare()) || Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, size));
    const chunk: Chunk = { buf, used: 0, lastSeq: 0, id: this.chunkBase + this.chunks.length };
    this.chunks.push(chunk);
    this.peakChunks = Math.max(this.peakChunks, this.chunks.length);
    return chunk;
  }

  /** Frees the chunks whose every frame has left the ring (never the one being written). */
  private freeChunks(): void {
    const first = this.firstSeq;
    let n = 0;
    while (n < this.chunks.length - 1 && this.chunks[n].lastSeq < first) n++;
    if (n > 0) {
      for (const { buf } of this.chunks.splice(0, n)) {
        // Only standard chunks are kept: one made for a huge frame goes back to the system.
        if (buf.length === CHUNK_BYTES && this.chunks.length + this.spares.length < this.keptChunks())
          this.spares.push(buf);
      }
      this.chunkBase += n;
    }
  }

  /** A spare chunk: a ready one, else the one reserve() is making ready (the rest of it is made ready by writing). */
  private takeSpare(): Buffer | undefined {
    const ready = this.spares.pop();
    if (ready) return ready;
    const partly = this.warming;
    this.warming = undefined;
    this.warmed = 0;
    return partly;
  }

  /** Chunks kept (in use and spare) at most: the most ever in use at once, or the reserve. */
  private keptChunks(): number {
    return Math.max(this.peakChunks, this.reserveChunks());
  }

  /**
   * Chunks the ring will need when full: its capacity at the mean frame size seen so far (EXPECTED_FRAME_BYTES until
   * FRAMES_TO_LEARN frames have been), at most MAX_RESERVE_BYTES.
   */
  private reserveChunks(): number {
    const mean = this.writtenFrames >= FRAMES_TO_LEARN ? this.writtenBytes / this.writtenFrames : EXPECTED_FRAME_BYTES;
    return Math.ceil(Math.min(MAX_RESERVE_BYTES, this.cap * mean) / CHUNK_BYTES);
  }

  /** Whether reserve() has more to do. */
  get reserving(): boolean {
    return this.arraysReady < this.cap * SLOT_BYTES || this.chunks.length + this.spares.length < this.reserveChunks();
  }

  /**
   * Makes up to `budget` bytes of the memory the ring will need ready now, while nothing waits: its per-frame arrays
   * at full capacity and chunks for a full ring (reserveChunks()). Fresh memory costs a page fault per 4 KiB on its
   * first write, which on a virtual machine cost several times the copying of the frames written into it
   * (bench/RESULTS.md); an inspector does this in slices in the quiet time after it opens (FrameFeed), so that the
   * traffic it shows later is not slowed by it. Returns whether more remains.
   */
  reserve(budget: number): boolean {
    if (this.ats.length < this.cap) {
      this.resizeArrays(this.cap);
      this.arraysReady = 0;
    }
    const arrays = this.cap * SLOT_BYTES;
    if (this.arraysReady < arrays) {
      // Zeroed arrays are fresh memory too: one write per page makes them ready. It leaves the value as it is: frames
      // recorded before this slice already lie in the arrays.
      const end = Math.min(arrays, this.arraysReady + budget);
      let base = 0;
      for (const a of [this.chunkOf, this.offsets, this.lengths, this.ats, this.dirs]) {
        const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
        const to = Math.min(bytes.length, end - base);
        for (let i = Math.max(0, this.arraysReady - base); i < to; i += PAGE_BYTES) bytes[i] |= 0;
        base += bytes.length;
      }
      budget -= end - this.arraysReady;
      this.arraysReady = end;
    }
    while (budget > 0 && this.chunks.length + this.spares.length < this.reserveChunks()) {
      this.warming ??= Buffer.allocUnsafeSlow(CHUNK_BYTES);
      const end = Math.min(CHUNK_BYTES, this.warmed + budget);
      // The chunk's old contents do not matter (frames are written before they are read): one byte per page.
      for (let i = this.warmed; i < end; i += PAGE_BYTES) this.warming[i] = 0;
      budget -= end - this.warmed;
      this.warmed = end;
      if (this.warmed === CHUNK_BYTES) {
        this.spares.push(this.warming);
        this.warming = undefined;
        this.warmed = 0;
      }
    }
    return this.reserving;
  }

  /** Typed arrays grow by doubling up to the capacity, so a small capture costs little (until reserve()). */
  private grow(): void {
    if (this.count < this.ats.length) return;
    this.resizeArrays(Math.min(this.cap, Math.max(1024, this.ats.length * 2)));
  }

  private resizeArrays(size: number): void {
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

  /**
   * Frames with seq in [from, to) still kept, packed (see CaptureBatch): one copy per chunk they lie in. With `pages`,
   * a batch that fills at least half of a page is packed into one it gives (zeroed past the batch).
   */
  batch(from: number, to: number = this.nextSeq, pages?: Pages): CaptureBatch {
    const start = Math.max(from, this.firstSeq);
    const n = Math.max(0, Math.min(to, this.nextSeq) - start);
    const s0 = this.slotOf(start);
    // The frames' bytes are copied run by run of one chunk (where they lie one after another).
    const runs: number[] = [];
    let total = 0;
    for (let i = 0; i < n;) {
      const slot = this.slotAfter(s0, i);
      const chunk = this.chunks[this.chunkOf[slot] - this.chunkBase];
      // A chunk's frames are consecutive seqs, up to its lastSeq.
      const j = Math.min(n, chunk.lastSeq + 1 - start);
      const last = this.slotAfter(s0, j - 1);
      const begin = this.offsets[slot];
      const end = this.offsets[last] + this.lengths[last];
      runs.push(this.chunkOf[slot] - this.chunkBase, begin, end);
      total += end - begin;
      i = j;
    }
    const size = batchBytes(n, total);
    let buffer: ArrayBuffer;
    if (pages && size <= pages.bytes && size >= pages.bytes / 2) {
      // A webview is sent the whole buffer under an array: what is past this batch in the page (an earlier batch's
      // exact frames, secrets unmasked) is zeroed, never sent.
      buffer = pages.take();
      new Uint8Array(buffer).fill(0, size);
    } else {
      buffer = unzeroedMemory(size);
    }
    const b = batchIn(buffer, start, n, total);
    // The slots of a run of frames are one range of the per-frame arrays, or two where the ring wraps: the facts are
    // copied range by range.
    const head = Math.min(n, this.cap - s0);
    for (const [dst, src] of [
      [b.ats, this.ats],
      [b.dirs, this.dirs],
      [b.sizes, this.lengths],
    ] as const) {
      dst.set(src.subarray(s0, s0 + head));
      if (head < n) dst.set(src.subarray(0, n - head), head);
    }
    for (let r = 0, o = 0; r < runs.length; r += 3) {
      b.data.set(this.chunks[runs[r]].buf.subarray(runs[r + 1], runs[r + 2]), o);
      o += runs[r + 2] - runs[r + 1];
    }
    return b;
  }

  /** Slot of the frame `seq` (kept). */
  private slotOf(seq: number): number {
    return this.slotAfter(this.head, seq - this.firstSeq);
  }

  /** The slot `i` places after `slot` (i < capacity). */
  private slotAfter(slot: number, i: number): number {
    const s = slot + i;
    return s < this.cap ? s : s - this.cap;
  }

  /**
   * batch() in pieces of at most `maxBytes` each (batchBytes(): the frames' facts and texts; a frame too large for
   * that is a piece of its own), packed one by one as they are taken. With `pages`, a piece that fills at least half
   * of a page is packed into one it gives, so a flood reuses warm buffers instead of allocating per piece (fresh
   * memory costs page faults, which cost more than the copy on a virtual machine: bench/RESULTS.md; and a steady
   * stream of new buffers made V8 collect its old generation more often); the page is the caller's to reuse once the
   * piece has been used.
   */
  *batches(
    from: number,
    to: number = this.nextSeq,
    maxBytes: number = Number.MAX_SAFE_INTEGER,
    pages?: Pages,
  ): Generator<CaptureBatch, void, undefined> {
    const start = Math.max(from, this.firstSeq);
    const end = Math.min(to, this.nextSeq);
    // Bounds first: the ring may move on while the caller uses a piece.
    const cuts: number[] = [];
    const s0 = this.slotOf(start);
    let bytes = 0;
    let frames = 0;
    for (let seq = start, slot = s0; seq < end; seq++) {
      const size = this.lengths[slot] + FACT_BYTES;
      if (frames > 0 && bytes + size > maxBytes) {
        cuts.push(seq);
        bytes = 0;
        frames = 0;
      }
      bytes += size;
      frames++;
      if (++slot === this.cap) slot = 0;
    }
    if (end > start) cuts.push(end);
    let first = start;
    for (const last of cuts) {
      yield this.batch(first, last, pages);
      first = last;
    }
  }

  /**
   * Forgets every frame; the memory stays, ready for the next ones: the per-frame arrays, and the chunks as spares
   * (within keptChunks()).
   */
  clear(): void {
    const kept = this.keptChunks();
    for (const c of this.chunks) if (c.buf.length === CHUNK_BYTES && this.spares.length < kept) this.spares.push(c.buf);
    this.chunks = [];
    this.head = 0;
    this.count = 0;
  }

  /** Forgets every frame and every chunk. */
  private forget(): void {
    this.chunks = [];
    this.spares = [];
    this.warming = undefined;
    this.warmed = 0;
    this.arraysReady = 0;
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
    // Not clear(): the old chunks must not be written again while `kept` still refers to them.
    this.forget();
    this.nextSeq = from;
    for (const f of kept) this.pushBytes(f.dir, f.bytes, f.at);
  }
}
