import { randomId } from './ids';

export type SubscriptionState = 'pending' | 'ready' | 'error' | 'stopped';

/** What the client knows about one subscription; read-only for users. */
export interface SubscriptionInfo {
  readonly id: string;
  readonly name: string;
  readonly params: unknown[];
  readonly state: SubscriptionState;
  readonly error?: Error;
  readonly startedAt: number;
  readonly readyAt?: number;
}

export class Subscription implements SubscriptionInfo {
  state: SubscriptionState = 'pending';
  error?: Error;
  readyAt?: number;
  readonly startedAt = Date.now();
  /** Has a `sub` for it gone out on some connection (then it is resent after a reconnect)? */
  sentOnce = false;
  private callback?: (error?: Error) => void;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly params: unknown[],
    /** EJSON wire form of params. */
    readonly wireParams: unknown[],
    callback?: (error?: Error) => void,
    /** Where an exception thrown by the callback goes: it must not stop the frame that called it. */
    private readonly report: (error: unknown) => void = (error) =>
      queueMicrotask(() => {
        throw error;
      }),
  ) {
    this.callback = callback;
  }

  get live(): boolean {
    return this.state === 'pending' || this.state === 'ready';
  }

  markReady(): void {
    if (this.state !== 'pending') return;
    this.state = 'ready';
    this.readyAt = Date.now();
    this.notify(undefined);
  }

  markStopped(error: Error | undefined): void {
    this.state = error ? 'error' : 'stopped';
    this.error = error;
    this.notify(error);
  }

  /**
   * The client stopped (close(), or it gave up connecting) before this subscription got ready: its callback learns
   * that now, so nobody waits forever, while the subscription itself stays, to be sent again by a later connect().
   */
  stoppedWaiting(error: Error): void {
    if (this.state === 'pending') this.notify(error);
  }

  /** The callback runs once: on the first `ready`, on `nosub`, or on close() before `ready`. */
  private notify(error: Error | undefined): void {
    const cb = this.callback;
    this.callback = undefined;
    if (!cb) return;
    try {
      cb(error);
    } catch (err) {
      this.report(err);
    }
  }
}

/** Ended subscriptions stay readable (their state and error) for a while; beyond this many the oldest go. */
const KEEP_ENDED = 100;

export class Subscriptions {
  readonly all = new Map<string, Subscription>();
  private readonly ended: string[] = [];

  constructor(private readonly report?: (error: unknown) => void) {}

  create(name: string, params: unknown[], wireParams: unknown[], callback?: (error?: Error) => void): Subscription {
    let id = randomId();
    while (this.all.has(id)) id = randomId();
    const sub = new Subscription(id, name, params, wireParams, callback, this.report);
    this.all.set(id, sub);
    return sub;
  }

  /** Ends a subscription (unsub or nosub) and forgets the oldest ended ones, so subscribe/unsubscribe loops do not leak. */
  stop(sub: Subscription, error: Error | undefined): void {
    sub.markStopped(error);
    this.ended.push(sub.id);
    while (this.ended.length > KEEP_ENDED) this.all.delete(this.ended.shift()!);
  }

  get(id: string): Subscription | undefined {
    return this.all.get(id);
  }

  /** Subscriptions to send again after a reconnect, in the order they were made. */
  toResend(): Subscription[] {
    return [...this.all.values()].filter((s) => s.live && s.sentOnce);
  }
}
