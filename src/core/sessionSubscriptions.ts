// A session's subscriptions: made and stopped on its client, and carried across clients: the live ones at
// Disconnect (made again by the next connect), the ones a first connect that failed would have made (kept for
// Retry), and the rows the user dismissed.
import type { DdpClient, SubscriptionInfo } from '../ddp';
import type { Freshness } from './freshness';
import type { SessionChange } from './sessionEvents';
import type { SessionLogRecord } from './sessionLog';

export interface SubscriptionSpec {
  name: string;
  params: unknown[];
}

/** A carried subscription as the tree lists it. */
export interface CarriedSubscription extends SubscriptionSpec {
  id: string;
}

const CARRIED = 'carried:';

function carriedIndex(id: string): number | undefined {
  if (!id.startsWith(CARRIED)) return undefined;
  const n = Number(id.slice(CARRIED.length));
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** Pending and ready subscriptions: those a new client should make again. */
export function liveSpecs(subs: Iterable<SubscriptionInfo>): SubscriptionSpec[] {
  const out: SubscriptionSpec[] = [];
  for (const s of subs) if (s.state === 'pending' || s.state === 'ready') out.push({ name: s.name, params: s.params });
  return out;
}

/** What a first connect subscribes to: the connection's own list, then the carried ones, each name + params once. */
export function firstConnectSpecs(
  configured: readonly SubscriptionSpec[],
  carried: readonly SubscriptionSpec[],
): SubscriptionSpec[] {
  const seen = new Set<string>();
  const out: SubscriptionSpec[] = [];
  for (const s of [...configured, ...carried]) {
    const key = JSON.stringify([s.name, s.params]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(s);
  }
  return out;
}

export class SubscriptionCarry {
  private specs: SubscriptionSpec[] = [];
  private readonly hidden = new Set<string>();

  /** Keeps these for the next connect (replacing what was kept). */
  keep(specs: SubscriptionSpec[]): void {
    this.specs = specs;
  }

  /** Hands the kept subscriptions to a new client and forgets them. */
  take(): SubscriptionSpec[] {
    const out = this.specs;
    this.specs = [];
    return out;
  }

  /** The kept subscriptions as rows (ids `carried:<n>`, stable until the list changes). */
  list(): CarriedSubscription[] {
    return this.specs.map((c, i) => ({ id: `${CARRIED}${i}`, name: c.name, params: c.params }));
  }

  isCarriedId(id: string): boolean {
    return carriedIndex(id) !== undefined;
  }

  /** Drops a kept subscription by its row id (so that the next connect does not make it). */
  drop(id: string): void {
    const i = carriedIndex(id);
    if (i !== undefined) this.specs.splice(i, 1);
  }

  /** A stopped or failed subscription the user removed from the list. */
  hide(id: string): void {
    this.hidden.add(id);
  }

  isHidden(id: string): boolean {
    return this.hidden.has(id);
  }

  /** A new client: its subscription ids start again, so the old dismissals mean nothing. */
  clearHidden(): void {
    this.hidden.clear();
  }
}

export interface SubscriptionsOwner {
  readonly freshness: Freshness;
  /** The current client, if any. */
  client(): DdpClient | undefined;
  /** The current client, or a NOT_CONNECTED SessionError. */
  requireClient(): DdpClient;
  record(record: SessionLogRecord): void;
  emit(change: SessionChange): void;
}

export class SessionSubscriptions {
  readonly carry = new SubscriptionCarry();

  constructor(private readonly owner: SubscriptionsOwner) {}

  /** The subscriptions of the current client, without those the user dismissed. */
  list(): SubscriptionInfo[] {
    const client = this.owner.client();
    return client ? [...client.subscriptions.values()].filter((s) => !this.carry.isHidden(s.id)) : [];
  }

  /** Subscriptions stopped by Disconnect that the next connect makes again; none while a client exists. */
  carried(): CarriedSubscription[] {
    return this.owner.client() ? [] : this.carry.list();
  }

  subscribe(name: string, params: unknown[]): string {
    const client = this.owner.requireClient();
    this.owner.record({ type: 'subscribing', sub: { name, params } });
    const id = client.subscribe(name, params, () => this.owner.emit({ type: 'subscriptions' }));
    this.owner.freshness.subscribed(id);
    this.owner.emit({ type: 'subscriptions' });
    return id;
  }

  /** Stops a live subscription; a stopped or failed one is removed from the list instead. */
  unsubscribe(id: string): void {
    const client = this.owner.client();
    if (this.carry.isCarriedId(id)) {
      if (!client) this.carry.drop(id);
      this.owner.emit({ type: 'subscriptions' });
      return;
    }
    if (!client) return;
    const s = client.subscriptions.get(id);
    if (s && (s.state === 'pending' || s.state === 'ready')) {
      client.unsubscribe(id);
      this.owner.record({ type: 'unsubscribed', sub: { name: s.name, params: s.params } });
    } else {
      this.carry.hide(id);
    }
    const fresh = this.owner.freshness.ended(id);
    this.owner.emit({ type: 'subscriptions' });
    if (fresh) this.owner.emit({ type: 'freshness' });
  }
}
