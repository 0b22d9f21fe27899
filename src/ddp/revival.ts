import type { MethodCall } from './methods';
import { Store, type StoreChange } from './store';

/**
 * Documents some servers send with no subscription (universal publications, Meteor's `publish(null)`) come with no
 * `ready`. Once everything else is in, the catch-up still waits this long after the last re-sent document for the
 * old documents that have not come back yet; when they all have, it ends at once.
 */
const UNIVERSAL_QUIET_MS = 200;

export interface RevivalOptions {
  /** Re-sent subscriptions that were ready before the drop: waited for until ready or ended. */
  subIds: string[];
  /** Methods sent first on the new connection (the resume login, `retry` calls): waited for until answered. */
  calls: MethodCall[];
  /** The data shown meanwhile. */
  shown: Store;
  /** The longest the catch-up may last, in ms (0: no bound). */
  timeout: number;
  /** Called once when the catch-up ends (not after dispose()). */
  onEnd(): void;
}

/**
 * The time between a reconnect and the moment the new session's data is in (Meteor's quiescence): every re-sent
 * subscription ready again (or ended), every method sent with the reconnect answered, and the documents that came
 * without a subscription back. Data for the new session fills `shadow` while the old documents stay visible; at the
 * end the store takes the difference in one go, so listeners see no flicker and get `removed` for documents that
 * vanished while the client was away. A subscription that never answers cannot freeze the data: `timeout` ends the
 * catch-up with what has arrived.
 */
export class Revival {
  readonly shadow = new Store();
  private readonly waiting: Set<string>;
  private readonly readyIds: string[] = [];
  /** Old documents not re-sent yet (collection -> ids); known once subscriptions and methods are in. */
  private missing?: Map<string, Set<string>>;
  private missingCount = 0;
  private lastArrival = 0;
  private quietTimer?: NodeJS.Timeout;
  private boundTimer?: NodeJS.Timeout;
  private ended = false;

  constructor(private readonly options: RevivalOptions) {
    this.waiting = new Set(options.subIds);
    if (options.timeout > 0) this.boundTimer = setTimeout(() => this.end(), options.timeout);
  }

  /** Subscriptions announced ready meanwhile; they are announced once the data is in place. */
  ready(ids: string[]): void {
    this.readyIds.push(...ids);
    for (const id of ids) this.waiting.delete(id);
    this.check();
  }

  /** A re-sent subscription ended (nosub or unsubscribe): no longer waited for. */
  stopped(id: string): void {
    this.waiting.delete(id);
    this.check();
  }

  /** A document arrived in the new session (`added` / `addedBefore`). */
  arrived(collection: string, id: string): void {
    const missing = this.missing;
    if (!missing) return;
    this.lastArrival = Date.now();
    if (missing.get(collection)?.delete(id) && --this.missingCount === 0) this.end();
  }

  /** Ends the catch-up when everything it waits for is in; call it whenever that may have changed. */
  check(): void {
    if (this.ended || this.waiting.size > 0 || this.options.calls.some((c) => !c.settled)) return;
    if (this.missing) return;
    const missing = new Map<string, Set<string>>();
    for (const [name, coll] of this.options.shown.collections) {
      const resent = this.shadow.collections.get(name);
      const ids = new Set<string>();
      for (const id of coll.keys()) if (!resent?.has(id)) ids.add(id);
      if (ids.size > 0) missing.set(name, ids);
      this.missingCount += ids.size;
    }
    this.missing = missing;
    if (this.missingCount === 0) return this.end();
    this.lastArrival = Date.now();
    this.armQuiet(UNIVERSAL_QUIET_MS);
  }

  /** Stops the timers; onEnd will not be called. */
  dispose(): void {
    this.ended = true;
    clearTimeout(this.quietTimer);
    clearTimeout(this.boundTimer);
  }

  /** Makes `store` equal to the new data set; returns the changes to announce and the deferred ready ids. */
  finish(store: Store): { changes: StoreChange[]; readyIds: string[] } {
    return { changes: store.replaceWith(this.shadow), readyIds: this.readyIds };
  }

  private armQuiet(delay: number): void {
    this.quietTimer = setTimeout(() => {
      const left = this.lastArrival + UNIVERSAL_QUIET_MS - Date.now();
      if (left > 0) this.armQuiet(left);
      else this.end();
    }, delay);
  }

  private end(): void {
    if (this.ended) return;
    this.dispose();
    this.options.onEnd();
  }
}
