// One clock for every countdown on screen. The tree row and the status bar both read `now()` from here, and both
// redraw on the same tick, so "reconnecting in 3s" is the same number in both places. Plain module: no VS Code API.
import type { TimerApi } from './coalescer';

const realTimers: TimerApi = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  now: () => Date.now(),
};

/**
 * `now()` is the time of the last tick or sync, not the wall clock: a view drawn at any moment between two ticks
 * shows what the others show. Ticks fall where a countdown's whole seconds change (`deadlines()` are epoch ms).
 */
export class CountdownClock {
  private value: number;
  private timer: unknown;
  private readonly listeners = new Set<() => void>();
  private disposed = false;

  constructor(
    private readonly deadlines: () => number[],
    private readonly timers: TimerApi = realTimers,
  ) {
    this.value = timers.now();
  }

  now(): number {
    return this.value;
  }

  /** Something changed (a connection state): read the time again and plan the next tick. */
  sync(): void {
    if (this.disposed) return;
    this.value = this.timers.now();
    this.plan();
  }

  onTick(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get scheduled(): boolean {
    return this.timer !== undefined;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private plan(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    let wait = Infinity;
    for (const at of this.deadlines()) {
      const left = at - this.value;
      if (left <= 0) continue;
      wait = Math.min(wait, left % 1000 || 1000);
    }
    if (!Number.isFinite(wait)) return;
    // One millisecond past the boundary, so that the whole seconds left have changed when it fires.
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      if (this.disposed) return;
      this.value = this.timers.now();
      for (const l of [...this.listeners]) {
        try {
          l();
        } catch {
          /* a view's problem is not the clock's */
        }
      }
      this.plan();
    }, wait + 1);
  }
}
