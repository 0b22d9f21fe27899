// Carries a capture's new frames to a view (the inspector's webview) in packed batches (src/core/frameRing.ts), with
// the secret values masked (the view masks the secret fields: ./batch.ts): at most one batch per interval (the first
// frame after a quiet spell goes at once), so that a flood of frames costs the view ten messages a second, not one
// per frame, and costs the host a copy, not a decode, per frame. Plain module: no VS Code API (bench/inspector.ts
// runs the same code).
import type { Capture } from '../../core/capture';
import type { TimerApi } from '../coalescer';
import type { FrameBatch } from './batch';

export const BATCH_MS = 100;
/** Frames per message when a whole capture is sent (a panel opened or restored on a full ring). */
export const SNAPSHOT_CHUNK = 5000;

const realTimers: TimerApi = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  now: () => Date.now(),
};

export class FrameFeed {
  private timer: unknown;
  private lastFlush = -Infinity;
  private stopped = false;
  private readonly unlisten: () => void;

  constructor(
    private readonly capture: Capture,
    /** The log's masking of secret values (SecretMasker.maskValuesIn); the view masks the fields. */
    private readonly maskValues: (batch: FrameBatch) => FrameBatch,
    private readonly post: (batch: FrameBatch) => void,
    private readonly timers: TimerApi = realTimers,
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

  /** Sends what arrived since the last batch (nothing when nothing did). */
  flush(): void {
    if (this.stopped) return;
    this.lastFlush = this.timers.now();
    const batch = this.capture.drain();
    if (batch.sizes.length > 0) this.post(this.maskValues(batch));
  }

  /** Sends the whole capture in chunks (a view that starts empty); the next batch starts after it. */
  sendAll(): void {
    for (const batch of this.capture.snapshot(SNAPSHOT_CHUNK)) this.post(this.maskValues(batch));
  }

  dispose(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.unlisten();
  }
}
