// The inspector's counters: frames and bytes in and out, frames per type, and frames per second over the last minute
// (for the small live chart). Plain module (also in the webview).
import { FRAME_TYPES, type FrameType, type FrameView } from './frames';

export const RATE_SECONDS = 60;

export class Counters {
  framesIn = 0;
  framesOut = 0;
  bytesIn = 0;
  bytesOut = 0;
  byType: Record<FrameType, number> = emptyByType();
  /** Frames per whole second, newest last; `lastSecond` is the epoch second of the last bucket. */
  private buckets: number[] = [];
  private lastSecond = 0;

  add(f: FrameView): void {
    if (f.dir === 'in') {
      this.framesIn++;
      this.bytesIn += f.bytes;
    } else {
      this.framesOut++;
      this.bytesOut += f.bytes;
    }
    this.byType[f.type]++;
    const second = Math.floor(f.at / 1000);
    this.advance(second);
    if (second === this.lastSecond) this.buckets[this.buckets.length - 1]++;
  }

  /** Moves the window to `second` (empty seconds count as 0); frames older than the window are not charted. */
  private advance(second: number): void {
    if (this.buckets.length === 0) {
      this.buckets.push(0);
      this.lastSecond = second;
      return;
    }
    if (second <= this.lastSecond) return;
    const gap = Math.min(second - this.lastSecond, RATE_SECONDS);
    for (let i = 0; i < gap; i++) this.buckets.push(0);
    if (this.buckets.length > RATE_SECONDS) this.buckets.splice(0, this.buckets.length - RATE_SECONDS);
    this.lastSecond = second;
  }

  /** Frames per second for each of the last RATE_SECONDS seconds up to `now` (epoch ms), oldest first. */
  rates(now: number): number[] {
    const second = Math.floor(now / 1000);
    if (this.buckets.length > 0) this.advance(second);
    const out = new Array<number>(RATE_SECONDS).fill(0);
    const offset = RATE_SECONDS - this.buckets.length;
    for (let i = 0; i < this.buckets.length; i++) out[offset + i] = this.buckets[i];
    return out;
  }

  /** Frames in the last complete second. */
  perSecond(now: number): number {
    const r = this.rates(now);
    return r[r.length - 2] ?? 0;
  }

  clear(): void {
    this.framesIn = this.framesOut = this.bytesIn = this.bytesOut = 0;
    this.byType = emptyByType();
    this.buckets = [];
    this.lastSecond = 0;
  }
}

function emptyByType(): Record<FrameType, number> {
  return Object.fromEntries(FRAME_TYPES.map((t) => [t, 0])) as Record<FrameType, number>;
}

/** 1234567 -> "1.2 MB". */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`;
  if (n < 1_000_000_000) return `${(n / 1_000_000).toFixed(1)} MB`;
  return `${(n / 1_000_000_000).toFixed(1)} GB`;
}
