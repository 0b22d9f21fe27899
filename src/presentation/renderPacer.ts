// Paces the re-rendering of open documents: each document at most once per `base` ms, and never more often than
// `factor` times its own last render cost, so that a huge document changing all the time cannot keep the window
// busy. Plain module: no VS Code API.
import type { TimerApi } from './coalescer';

const realTimers: TimerApi = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  now: () => performance.now(),
};

interface Slot {
  timer: unknown;
  lastRender: number;
  cost: number;
}

export class RenderPacer<K> {
  private readonly slots = new Map<K, Slot>();
  private disposed = false;

  constructor(
    private readonly render: (key: K) => void,
    /** Shortest interval between two renders of one document (the tree's coalescing rate or slower). */
    private readonly base = 200,
    /** Interval >= factor x the document's render cost: 4 keeps rendering under about a fifth of the time. */
    private readonly factor = 4,
    private readonly timers: TimerApi = realTimers,
  ) {}

  /** The interval a document with this render cost gets. */
  interval(cost: number): number {
    return Math.max(this.base, this.factor * cost);
  }

  /** The document changed: render it once the interval since its last render has passed. */
  mark(key: K): void {
    if (this.disposed) return;
    let slot = this.slots.get(key);
    if (!slot) this.slots.set(key, (slot = { timer: undefined, lastRender: -Infinity, cost: 0 }));
    if (slot.timer !== undefined) return;
    const wait = Math.max(0, slot.lastRender + this.interval(slot.cost) - this.timers.now());
    const s = slot;
    s.timer = this.timers.setTimeout(() => {
      s.timer = undefined;
      if (this.disposed) return;
      s.lastRender = this.timers.now();
      this.render(key);
    }, wait);
  }

  /** What rendering the document cost (ms), measured where the text is made. */
  measured(key: K, ms: number): void {
    const slot = this.slots.get(key);
    if (slot) slot.cost = ms;
    else this.slots.set(key, { timer: undefined, lastRender: this.timers.now(), cost: ms });
  }

  forget(key: K): void {
    const slot = this.slots.get(key);
    if (slot?.timer !== undefined) this.timers.clearTimeout(slot.timer);
    this.slots.delete(key);
  }

  dispose(): void {
    this.disposed = true;
    for (const slot of this.slots.values()) if (slot.timer !== undefined) this.timers.clearTimeout(slot.timer);
    this.slots.clear();
  }
}
