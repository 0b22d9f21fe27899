// How fresh a session's data is across drops, reconnects and logins: which subscriptions are ready now, which are
// stale and being made again, when each was last ready and how long its latest `ready` took. The library keeps a
// subscription "ready" through a reconnect (it shows the old documents until the catch-up ends), so the explorer
// keeps its own account here. Plain module: no VS Code API, no protocol knowledge beyond the client's events.

/** Why a subscription was (re)sent: the first time, after a reconnect, or rerun by the server after a login change. */
export type ReadyCause = 'subscribe' | 'reconnect' | 'login';

export interface SubscriptionTiming {
  /** When the latest `ready` arrived (epoch ms). */
  readyAt?: number;
  /** How long the latest `ready` took, from its own (re)send; undefined when nothing of ours asked for it. */
  readyMs?: number;
  /** Set from a drop until this subscription is ready again (epoch ms of the drop). */
  staleSince?: number;
}

/** What the session logs for one `ready`. */
export interface ReadyReport {
  id: string;
  /** Milliseconds since the (re)send this `ready` answers; undefined for a `ready` nothing of ours asked for. */
  ms: number | undefined;
  cause: ReadyCause | undefined;
  /** The subscription had been ready before (this is a catch-up or a rerun). */
  again: boolean;
}

interface Entry extends SubscriptionTiming {
  /** The last (re)send and why; cleared once its `ready` is measured, so an unasked `ready` is not given a time. */
  sentAt?: number;
  cause?: ReadyCause;
}

/** Per session. Fed by the session from the client's events; read by the tree, the status bar and the documents. */
export class Freshness {
  private readonly subs = new Map<string, Entry>();
  /** Subscriptions that were ready at the drop: the data is stale until each is ready again or ended. */
  private readonly awaited = new Set<string>();
  private staleAt: number | undefined;
  /** Catch-up can only end on a live connection (an unsubscribe while offline must not make the data fresh). */
  private connected = true;

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Epoch ms of the drop the data has not caught up with yet; undefined while the data is live. */
  get staleSince(): number | undefined {
    return this.staleAt;
  }

  timing(id: string): SubscriptionTiming | undefined {
    return this.subs.get(id);
  }

  /** A new subscription was sent. */
  subscribed(id: string): void {
    this.subs.set(id, { sentAt: this.now(), cause: 'subscribe' });
  }

  /**
   * The socket dropped. `live` lists the subscriptions still wanted (pending or ready) and whether each was ready.
   * Returns true when the data just became stale.
   */
  dropped(live: Array<{ id: string; ready: boolean }>, hasData: boolean): boolean {
    this.connected = false;
    const at = this.now();
    for (const s of live) {
      const e = this.entry(s.id);
      e.staleSince ??= at;
      if (s.ready) this.awaited.add(s.id);
    }
    if (this.staleAt !== undefined || (!hasData && this.awaited.size === 0)) return false;
    this.staleAt = at;
    return true;
  }

  /** Connected again (not the first time): every live subscription has just been re-sent. Returns true when fresh again. */
  reconnected(live: string[]): boolean {
    this.connected = true;
    const at = this.now();
    for (const id of live) {
      const e = this.entry(id);
      e.sentAt = at;
      e.cause = 'reconnect';
    }
    return this.settle();
  }

  /** A login or logout was sent: the server reruns every subscription and answers with `ready` again. */
  loginChanged(live: string[]): void {
    const at = this.now();
    for (const id of live) {
      const e = this.entry(id);
      if (e.cause === 'reconnect' && e.sentAt !== undefined) continue; // the catch-up's own measure stays
      e.sentAt = at;
      e.cause = 'login';
    }
  }

  /** `ready` for these ids. Returns what to log for each, and whether the data just became fresh. */
  ready(ids: string[]): { reports: ReadyReport[]; fresh: boolean } {
    const at = this.now();
    const reports: ReadyReport[] = [];
    for (const id of ids) {
      const e = this.entry(id);
      const again = e.readyAt !== undefined;
      const ms = e.sentAt !== undefined ? Math.max(0, at - e.sentAt) : undefined;
      reports.push({ id, ms, cause: e.sentAt !== undefined ? e.cause : undefined, again });
      e.readyAt = at;
      if (ms !== undefined) e.readyMs = ms;
      e.sentAt = undefined;
      e.cause = undefined;
      e.staleSince = undefined;
      this.awaited.delete(id);
    }
    return { reports, fresh: this.settle() };
  }

  /** The subscription ended (nosub, unsubscribe). Returns true when the data just became fresh. */
  ended(id: string): boolean {
    this.subs.delete(id);
    this.awaited.delete(id);
    return this.settle();
  }

  /** A new client (connect, Disconnect): nothing carries over. */
  reset(): void {
    this.subs.clear();
    this.awaited.clear();
    this.staleAt = undefined;
    this.connected = true;
  }

  private entry(id: string): Entry {
    let e = this.subs.get(id);
    if (!e) this.subs.set(id, (e = {}));
    return e;
  }

  /** Fresh again once no re-sent subscription that was ready is still awaited; only while connected. */
  private settle(): boolean {
    if (this.staleAt === undefined || this.awaited.size > 0 || !this.connected) return false;
    this.staleAt = undefined;
    return true;
  }
}
