// The inspector's capture: every DDP frame of one connection (or one tap client), raw, in a bounded ring.
// Plain module: no VS Code API. Recording is the hot path (it runs inside the client's frame handling), so it only
// copies the frame (its bytes as read, or its text) out of the heap and notes the time, direction and size;
// everything else is worked out later.
import type { RawFrame } from '../ddp';
import { FrameRing, type CaptureBatch, type Direction, type Pages } from './frameRing';

export { FrameRing, framesOf, type CaptureBatch, type CapturedFrame, type Direction, type Pages } from './frameRing';

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
 * A capture: the ring, pause, running totals (frames dropped from the ring still count), and a "new frames" signal
 * given once per batch, so that a view can drain at its own pace (about ten times a second) instead of per frame.
 * Recording only copies the text into the ring: nothing per frame is kept on the JavaScript heap for the view, which
 * gets the frames as bytes (drain()).
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
    this.count(dir, this.ring.push(dir, text, at));
  }

  /** A client's frame (its `message` event): a copy of the bytes it was read from when it has them. */
  recordFrame(frame: RawFrame): void {
    if (frame.bytes) this.recordBytes(frame.direction, frame.bytes, frame.at);
    else this.record(frame.direction, frame.text, frame.at);
  }

  /** record() for a frame that arrived as UTF-8 bytes (the tap, a client's WebSocket frames: no encoding needed). */
  recordBytes(dir: Direction, bytes: Uint8Array, at: number): void {
    if (this.paused) return;
    this.ring.pushBytes(dir, bytes, at);
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
    return () => this.listeners.delete(listener);
  }

  /**
   * Frames recorded since the last drain (those still in the ring), in batches of at most `maxBytes` packed as they
   * are taken (FrameRing.batches, into `pages` when given).
   */
  drain(maxBytes?: number, pages?: Pages): Iterable<CaptureBatch> {
    const batches = this.ring.batches(this.drained, this.ring.endSeq, maxBytes, pages);
    this.drained = this.ring.endSeq;
    this.signalled = false;
    return batches;
  }

  /** Everything in the ring, as drain() gives it; the next drain() starts after it. */
  snapshot(maxBytes?: number, pages?: Pages): Iterable<CaptureBatch> {
    this.drained = this.ring.firstSeq;
    return this.drain(maxBytes, pages);
  }

  /** Whether the ring has memory to make ready (FrameRing.reserve). */
  get reserving(): boolean {
    return this.ring.reserving;
  }

  /** Makes up to `budget` bytes of the ring's memory ready (FrameRing.reserve); returns whether more remains. */
  reserve(budget: number): boolean {
    return this.ring.reserve(budget);
  }

  /** A new maxFrames: shrinking keeps the newest frames, growing keeps them all; totals and seqs are unchanged. */
  resize(maxFrames: number): void {
    this.ring.resize(maxFrames);
  }

  clear(): void {
    this.ring.clear();
    this.drained = this.ring.endSeq;
    this.signalled = false;
    this.totals = { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0 };
  }
}
