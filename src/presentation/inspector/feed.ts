// Carries a capture's new frames to a view (the inspector's webview) in batches, masked for display: at most one
// batch per interval (the first frame after a quiet spell goes at once), so that a flood of frames costs the view
// ten messages a second, not one per frame. Plain module: no VS Code API (bench/inspector.ts runs the same code).
import type { CapturedFrame, Capture } from '../../core/capture';
import type { TimerApi } from '../coalescer';
import type { WireFrame } from './frames';

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
    /** The log's masking: what the view gets is what the log would show. */
    private readonly mask: (text: string) => string,
    private readonly post: (frames: WireFrame[]) => void,
    private readonly timers: TimerApi = realTimers,
    private readonly interval = BATCH_MS,
  ) {
    this.unlisten = capture.onFrames(() => this.schedule());
  }

  wire(frames: CapturedFrame[]): WireFrame[] {
    const out: WireFrame[] = new Array<WireFrame>(frames.length);
    for (let i = 0; i < frames.length; i++) {
      const f = frames[i];
      out[i] = { seq: f.seq, at: f.at, dir: f.dir, bytes: f.bytes, text: this.mask(f.text) };
    }
    return out;
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
    const frames = this.capture.drain();
    if (frames.length > 0) this.post(this.wire(frames));
  }

  /** Sends the whole capture in chunks (a view that starts empty); the next batch starts after it. */
  sendAll(): void {
    const all = this.capture.snapshot();
    for (let i = 0; i < all.length; i += SNAPSHOT_CHUNK) this.post(this.wire(all.slice(i, i + SNAPSHOT_CHUNK)));
  }

  dispose(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.unlisten();
  }
}
