// Carries a capture's new frames to a view (the inspector's webview) in packed batches (src/core/frameRing.ts), with
// the secret values masked (the view masks the secret fields: ./batch.ts): at most one message per interval (the
// first frame after a quiet spell goes at once), so that a flood of frames costs the view ten messages a second, not
// one per frame, and costs the host a copy, not a decode, per frame. A message is a list of pieces of at most 64 KiB
// (frames and their facts) each, packed into pages the feed keeps and reuses: one buffer of a flood's 100 ms would be
// megabytes of fresh memory each time, and on a virtual machine the page faults of fresh memory cost more than the
// copying (bench/RESULTS.md); a buffer per piece made V8 collect its old generation more often. Plain module: no VS
// Code API (bench/inspector.ts runs the same code).
import type { Capture } from '../../core/capture';
import { unzeroedMemory, type Pages } from '../../core/frameRing';
import type { TimerApi } from '../coalescer';
import type { FrameBatch } from './batch';

export const BATCH_MS = 100;
/** Most bytes of one piece of a message, frames and their facts (a larger frame is a piece of its own). */
export const PIECE_BYTES = 64 * 1024;
/**
 * Most pieces in one message (8 MiB of frames): a delivery larger than that (a flood of well over 100,000 frames a
 * second, or a whole capture sent to a new view) goes as several messages.
 */
export const MESSAGE_PIECES = 128;
/** Most pieces packed in one turn of the event loop (1 MiB): the client's frames are handled in between. */
export const TURN_PIECES = 16;

/**
 * Memory an open inspector makes ready for its capture's ring per slice (Capture.reserve), and the pause between
 * slices: a slice is about 4 ms of page faults on the virtual machine of bench/RESULTS.md, and the client's frames are
 * handled in the pauses. A 100,000-frame ring is ready about a second after the inspector opens.
 */
export const RESERVE_SLICE_BYTES = 512 * 1024;
export const RESERVE_GAP_MS = 10;

/** Timers, and a way to run something as soon as the thread has handled what is waiting (setImmediate). */
export interface FeedTimers extends TimerApi {
  soon(fn: () => void): void;
}

const realTimers: FeedTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  now: () => Date.now(),
  soon: (fn) => void setImmediate(fn),
};

export class FrameFeed {
  /**
   * Where a message's pieces are packed: a host's postMessage copies the message's buffers before it returns (VS
   * Code's RPCProtocol serializes the call at once), so every page is free again then. As many as one message
   * needed at most (up to MESSAGE_PIECES).
   */
  private readonly pageList: ArrayBuffer[] = [];
  private pagesUsed = 0;
  private readonly pages: Pages = {
    bytes: PIECE_BYTES,
    take: () => (this.pageList[this.pagesUsed++] ??= unzeroedMemory(PIECE_BYTES)),
  };
  private timer: unknown;
  private reserveTimer: unknown;
  /** The delivery being packed, TURN_PIECES pieces per turn of the event loop. */
  private sending: Iterator<FrameBatch> | undefined;
  /** The pieces of the message being made (in pages until it is posted). */
  private pieces: FrameBatch[] = [];
  private flushWhenSent = false;
  private lastFlush = -Infinity;
  private stopped = false;
  private readonly unlisten: () => void;

  constructor(
    private readonly capture: Capture,
    /** The log's masking of secret values (SecretMasker.maskValuesIn); the view masks the fields. */
    private readonly maskValues: (batch: FrameBatch) => FrameBatch,
    private readonly post: (batches: FrameBatch[]) => void,
    private readonly timers: FeedTimers = realTimers,
    private readonly interval = BATCH_MS,
  ) {
    this.unlisten = capture.onFrames(() => this.schedule());
    this.reserveMemory();
  }

  /**
   * Makes the ring's memory ready in slices while the inspector is open, so that the traffic it shows is not slowed
   * by the ring's first writes into fresh memory (FrameRing.reserve). Again when frames show that the ring needs more
   * (larger frames than expected, a larger maxFrames).
   */
  private reserveMemory(): void {
    if (this.reserveTimer !== undefined || this.stopped || !this.capture.reserving) return;
    this.reserveTimer = this.timers.setTimeout(() => {
      this.reserveTimer = undefined;
      if (!this.stopped && this.capture.reserve(RESERVE_SLICE_BYTES)) this.reserveMemory();
    }, RESERVE_GAP_MS);
  }

  private schedule(): void {
    this.reserveMemory();
    if (this.timer !== undefined || this.stopped) return;
    const wait = Math.max(0, this.lastFlush + this.interval - this.timers.now());
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  /** Sends what arrived since the last delivery (nothing when nothing did), after the one being sent. */
  flush(): void {
    if (this.stopped) return;
    this.lastFlush = this.timers.now();
    if (this.sending) {
      this.flushWhenSent = true;
      return;
    }
    this.send(this.capture.drain(PIECE_BYTES, this.pages));
  }

  /** Sends the whole capture (a view that starts empty) instead of what was being sent; the next delivery starts after it. */
  sendAll(): void {
    this.flushWhenSent = false;
    // What was being packed is in the snapshot too.
    this.pieces = [];
    this.pagesUsed = 0;
    this.send(this.capture.snapshot(PIECE_BYTES, this.pages));
  }

  /** Packs the delivery a few pieces per turn (the client's frames are handled in between), then posts it. */
  private send(batches: Iterable<FrameBatch>): void {
    const first = this.sending === undefined;
    this.sending = batches[Symbol.iterator]();
    if (first) this.pump();
  }

  /** Packs up to TURN_PIECES pieces into the message being made; posts it when the delivery or the message is full. */
  private pump(): void {
    if (this.stopped || !this.sending) return;
    let done = false;
    for (let packed = 0; packed < TURN_PIECES && this.pieces.length < MESSAGE_PIECES; packed++) {
      const next = this.sending.next();
      if (next.done) {
        done = true;
        break;
      }
      // Frames dropped from a small ring while earlier pieces were packed leave a piece empty.
      if (next.value.sizes.length > 0) this.pieces.push(this.maskValues(next.value));
    }
    if (done || this.pieces.length >= MESSAGE_PIECES) {
      const message = this.pieces;
      this.pieces = [];
      if (message.length > 0) this.post(message);
      // Posted (copied): the pages are free for the next message.
      this.pagesUsed = 0;
    }
    if (!done) {
      this.timers.soon(() => this.pump());
      return;
    }
    this.sending = undefined;
    if (this.flushWhenSent) {
      this.flushWhenSent = false;
      this.timers.soon(() => this.flush());
    }
  }

  dispose(): void {
    this.stopped = true;
    this.sending = undefined;
    this.pieces = [];
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    if (this.reserveTimer !== undefined) this.timers.clearTimeout(this.reserveTimer);
    this.timer = undefined;
    this.reserveTimer = undefined;
    this.unlisten();
  }
}
