// Carries a capture's new frames to a view (the inspector's webview) in packed batches (src/core/frameRing.ts), with
// the secret values masked (the view masks the secret fields: ./batch.ts): at most one delivery per interval (the
// first frame after a quiet spell goes at once), so that a flood of frames costs the view ten deliveries a second, not
// a message per frame, and costs the host a copy, not a decode, per frame. A delivery is one message per 64 KiB of
// frames, sent one after another: a single message of a flood's 100 ms would be megabytes of fresh memory twice over
// (the batch, then VS Code's copy of the message), and on a virtual machine the page faults of fresh memory cost
// more than the copying (bench/RESULTS.md). Plain module: no VS Code API (bench/inspector.ts runs the same code).
import type { Capture } from '../../core/capture';
import { unzeroedMemory } from '../../core/frameRing';
import type { TimerApi } from '../coalescer';
import type { FrameBatch } from './batch';

export const BATCH_MS = 100;
/** Most frame bytes in one message (a larger frame goes alone). */
export const MESSAGE_BYTES = 64 * 1024;

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
   * Where each message's frames are packed, one message after another: a host's postMessage copies the message's
   * buffers before it returns (VS Code's RPCProtocol serializes the call at once), so the page is free again then.
   */
  private readonly page = new Uint8Array(unzeroedMemory(MESSAGE_BYTES));
  private timer: unknown;
  /** The delivery being sent, a message per turn of the event loop. */
  private sending: Iterator<FrameBatch> | undefined;
  private flushWhenSent = false;
  private lastFlush = -Infinity;
  private stopped = false;
  private readonly unlisten: () => void;

  constructor(
    private readonly capture: Capture,
    /** The log's masking of secret values (SecretMasker.maskValuesIn); the view masks the fields. */
    private readonly maskValues: (batch: FrameBatch) => FrameBatch,
    private readonly post: (batch: FrameBatch) => void,
    private readonly timers: FeedTimers = realTimers,
    private readonly interval = BATCH_MS,
  ) {
    this.unlisten = capture.onFrames(() => this.schedule());
  }

  private schedule(): void {
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
    this.send(this.capture.drain(MESSAGE_BYTES, this.page));
  }

  /** Sends the whole capture (a view that starts empty) instead of what was being sent; the next delivery starts after it. */
  sendAll(): void {
    this.flushWhenSent = false;
    this.send(this.capture.snapshot(MESSAGE_BYTES, this.page));
  }

  /**
   * One message now, the next once the thread has handled what is waiting (the client's frames): a delivery of a
   * flood is many messages, and sent in one go it would hold the client's thread for all of them.
   */
  private send(batches: Iterable<FrameBatch>): void {
    const first = this.sending === undefined;
    this.sending = batches[Symbol.iterator]();
    if (first) this.pump();
  }

  private pump(): void {
    if (this.stopped || !this.sending) return;
    const next = this.sending.next();
    if (next.done) {
      this.sending = undefined;
      if (this.flushWhenSent) {
        this.flushWhenSent = false;
        this.flush();
      }
      return;
    }
    // Frames dropped from a small ring while earlier messages went leave a piece empty.
    if (next.value.sizes.length > 0) this.post(this.maskValues(next.value));
    this.timers.soon(() => this.pump());
  }

  dispose(): void {
    this.stopped = true;
    this.sending = undefined;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.unlisten();
  }
}
