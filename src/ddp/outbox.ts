import type { ClientMessage } from './messages';
import type { MethodCall, Methods } from './methods';
import type { Subscription } from './subscriptions';

export type Outgoing = { kind: 'method'; call: MethodCall } | { kind: 'sub'; sub: Subscription };

/** Where queued messages go: the DDP connection (structurally; the outbox needs no more of it). */
export interface Wire {
  readonly sessionOpen: boolean;
  send(message: ClientMessage): void;
}

/**
 * The client's messages waiting to go out, in order, and Meteor's "wait" rule: a method called with `wait` goes out
 * alone, once every earlier call has been answered, and nothing after it goes out until it has been answered too.
 * Calls lost in a drop that asked for `retry` wait here for the next connection, where they go first.
 */
export class Outbox {
  private queue: Outgoing[] = [];
  /** A "wait" method on the wire: nothing else goes out until it is answered. */
  private blocking?: MethodCall;
  /** Calls lost in a drop that asked for `retry`: resent first on the next connection. */
  private retryCalls: MethodCall[] = [];

  constructor(
    private readonly wire: Wire,
    private readonly methods: Methods,
  ) {}

  push(item: Outgoing): void {
    this.queue.push(item);
    this.flush();
  }

  /** Sends what can go now, in order; a "wait" method holds back everything after it until it is answered. */
  flush(): void {
    if (!this.wire.sessionOpen) return;
    while (this.queue.length > 0 && !this.blocking) {
      const next = this.queue[0];
      if (next.kind === 'sub') {
        this.queue.shift();
        if (!next.sub.live) continue;
        next.sub.sentOnce = true;
        this.wire.send({ msg: 'sub', id: next.sub.id, name: next.sub.name, params: next.sub.wireParams });
        continue;
      }
      const call = next.call;
      if (call.settled) {
        this.queue.shift();
        continue;
      }
      if (call.wait && this.methods.hasInFlight()) break;
      this.queue.shift();
      call.sent = true;
      if (call.wait) this.blocking = call;
      this.wire.send({ msg: 'method', id: call.id, method: call.method, params: call.params });
    }
  }

  /** A call has settled: what it held back may go now. */
  released(call: MethodCall): void {
    if (this.blocking === call) this.blocking = undefined;
    if (this.queue.length > 0) this.flush();
  }

  /** An unsubscribed subscription that has not gone out yet never will. */
  drop(sub: Subscription): void {
    this.queue = this.queue.filter((o) => o.kind !== 'sub' || o.sub !== sub);
  }

  /** The calls have been rejected (close, or no connection will come): forget them; subscriptions stay queued. */
  dropCalls(): void {
    this.blocking = undefined;
    this.retryCalls = [];
    this.queue = this.queue.filter((o) => o.kind === 'sub');
  }

  /** The socket dropped: no call is on the wire any more; `retry` calls that were sent wait for the next one. */
  connectionLost(retry: MethodCall[]): void {
    this.blocking = undefined;
    this.retryCalls.push(...retry);
  }

  /**
   * A new session: the resume login and the retried calls go first, then the re-sent subscriptions, then what was
   * queued. Returns the calls put in front (the catch-up after a reconnect waits for them).
   */
  resume(login: MethodCall | undefined, resubscribe: Subscription[]): MethodCall[] {
    const calls = login ? [login, ...this.retryCalls] : this.retryCalls;
    this.retryCalls = [];
    const front: Outgoing[] = calls.map((call) => ({ kind: 'method', call }));
    for (const sub of resubscribe) front.push({ kind: 'sub', sub });
    this.queue = [...front, ...this.queue];
    return calls;
  }
}
