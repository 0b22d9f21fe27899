// Refresh coalescing: many marks, at most one flush per interval. Plain module: no VS Code API.

export interface TimerApi {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const realTimers: TimerApi = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  now: () => Date.now(),
};

/**
 * Collects the keys of things that changed and flushes them together, at most once per `interval` ms
 * (default 100 ms, i.e. about ten refreshes a second). The first mark after a quiet period flushes
 * on the next tick of the timer (after 0 ms if the last flush was long ago), later marks wait for the interval.
 * `markAll()` replaces the set with "everything".
 */
export class Coalescer<K> {
  private pending = new Set<K>();
  private all = false;
  private timer: unknown;
  private lastFlush = -Infinity;
  private disposed = false;

  constructor(
    private readonly flush: (keys: K[] | 'all') => void,
    private readonly interval = 100,
    private readonly timers: TimerApi = realTimers,
  ) {}

  mark(key: K): void {
    if (this.disposed) return;
    if (!this.all) this.pending.add(key);
    this.schedule();
  }

  markAll(): void {
    if (this.disposed) return;
    this.all = true;
    this.pending.clear();
    this.schedule();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastFlush + this.interval - this.timers.now());
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, wait);
  }

  private run(): void {
    if (this.disposed) return;
    if (!this.all && this.pending.size === 0) return;
    const keys: K[] | 'all' = this.all ? 'all' : [...this.pending];
    this.all = false;
    this.pending = new Set();
    this.lastFlush = this.timers.now();
    this.flush(keys);
  }
}
