// The translation of one DdpClient's events into what the session owns: its state (first connect, last problem,
// freshness), its typed changes for the views, and its log records.
import type { DdpClient, DdpClientEvents, StreamEvent } from '../ddp';
import { classifyConnectProblem, versionProblem, type ConnectProblem } from './connectProblem';
import type { Freshness } from './freshness';
import type { SessionChange } from './sessionEvents';
import type { SessionLogRecord, SessionProblem, SubscriptionRef } from './sessionLog';

/** What the wiring may read and change of its session. */
export interface WiredSession {
  readonly freshness: Freshness;
  /** The client has had a DDP session (then drops reconnect as usual; before, a failure stops it). */
  everConnected(): boolean;
  record(record: SessionLogRecord): void;
  emit(change: SessionChange): void;
  /** The client is still the session's own (not one a later connect() replaced). */
  isCurrent(client: DdpClient): boolean;
  /** A DDP session began (`first`: the client's first one). */
  connected(client: DdpClient, first: boolean): void;
  /** A first connect cannot succeed: stop trying and say why. */
  stopFirstConnect(problem: ConnectProblem): void;
  lastProblem(problem: SessionProblem): void;
  failed(problem: SessionProblem): void;
  /** The server speaks none of our versions before any session: the owner tells the user. */
  connectProblem(problem: ConnectProblem): void;
  /** Certificate checks are off for this connection. */
  tlsUnverified(): boolean;
  /** `host:port` of the HTTP proxy the socket goes through, if any. */
  proxy?(): string | undefined;
  loggedOut(): void;
  /** The client logged in (any way, also a login method the user called by hand): keep its token. */
  loggedIn(token: string | undefined): void;
  /** A Rocket.Chat stream event arrived (logged in the session's stream log). */
  streamEvent(event: StreamEvent): void;
}

/** Drops the client makes on purpose before connecting (Reconnect Now, a version retry): not failures. */
const OWN_DROPS = /^(reconnect requested|version \S+ refused)$/;

/** Ids of the subscriptions a reconnect makes again. */
export function liveIds(client: DdpClient): string[] {
  const out: string[] = [];
  for (const s of client.subscriptions.values()) if (s.state === 'pending' || s.state === 'ready') out.push(s.id);
  return out;
}

function subRef(client: DdpClient, id: string): SubscriptionRef | undefined {
  const s = client.subscriptions.get(id);
  return s && { name: s.name, params: s.params };
}

/** Listens to `client` on behalf of `session`; returns the function that stops listening. */
export function wireClient(client: DdpClient, session: WiredSession): () => void {
  const detach: Array<() => void> = [];
  const on = <E extends keyof DdpClientEvents>(event: E, fn: (...args: DdpClientEvents[E]) => void) => {
    // Node's typed EventEmitter cannot see that a listener for a generic E fits E's arguments.
    const listener = fn as Parameters<typeof client.on<E>>[1];
    client.on(event, listener);
    detach.push(() => client.off(event, listener));
  };
  let first = true;
  /** A `failed` (version negotiation) closes the socket on purpose: the client retries with another version. */
  let negotiating = false;
  const state = () => session.emit({ type: 'state' });

  on('status', state);
  on('connecting', (url) => {
    negotiating = false;
    const proxy = session.proxy?.();
    session.record(proxy === undefined ? { type: 'connecting', url } : { type: 'connecting', url, proxy });
    if (session.tlsUnverified() && url.startsWith('wss:')) session.record({ type: 'tls-unverified' });
  });
  on('connected', () => {
    const wasFirst = first;
    first = false;
    session.connected(client, wasFirst);
  });
  on('reconnected', state);
  on('socket_closed', (code, reason) => {
    if (!session.everConnected() && !negotiating && session.isCurrent(client) && !OWN_DROPS.test(reason ?? '')) {
      session.stopFirstConnect(
        classifyConnectProblem(reason || `socket closed (code ${code})`, client.url, session.proxy?.()),
      );
      return;
    }
    session.lastProblem({ type: 'socket-closed', code, reason });
    session.record({ type: 'socket-closed', code, reason });
    const live = [...client.subscriptions.values()].filter((x) => x.state === 'pending' || x.state === 'ready');
    const hasData = [...client.collections.values()].some((c) => c.size > 0);
    const stale = session.freshness.dropped(
      live.map((x) => ({ id: x.id, ready: x.state === 'ready' })),
      hasData,
    );
    state();
    if (stale) session.emit({ type: 'freshness' });
  });
  on('reconnecting', (info) => {
    session.record({ type: 'reconnect-scheduled', attempt: info.attempt, delay: info.delay });
    state();
  });
  on('version_mismatch', (versions) => {
    session.failed({ type: 'version-mismatch', versions });
    session.record({ type: 'version-mismatch', versions });
    state();
    if (!session.everConnected()) session.connectProblem(versionProblem(client.url, versions));
  });
  on('failed', (data) => {
    negotiating = true;
    session.record({ type: 'version-refused', proposed: data?.version });
    state();
  });
  on('added', (collection, id) => session.emit({ type: 'doc', op: 'added', collection, id }));
  on('addedBefore', (collection, id, _f, before) =>
    session.emit({ type: 'doc', op: 'added', collection, id, ordered: before !== null }),
  );
  on('changed', (collection, id) => session.emit({ type: 'doc', op: 'changed', collection, id }));
  on('removed', (collection, id) => session.emit({ type: 'doc', op: 'removed', collection, id }));
  on('movedBefore', (collection, id) => session.emit({ type: 'doc', op: 'moved', collection, id }));
  on('ready', (subIds) => {
    const { reports, fresh } = session.freshness.ready(subIds);
    for (const report of reports) {
      const sub = subRef(client, report.id);
      if (sub) session.record({ type: 'subscription-ready', sub, report });
    }
    session.emit({ type: 'subscriptions' });
    if (fresh) session.emit({ type: 'freshness' });
  });
  on('nosub', (id, error) => {
    const sub = subRef(client, id) ?? { name: id };
    session.record({ type: 'subscription-stopped', sub, error });
    const fresh = session.freshness.ended(id);
    session.emit({ type: 'subscriptions' });
    if (fresh) session.emit({ type: 'freshness' });
  });
  on('stream', (event) => session.streamEvent(event));
  on('protocol_error', (problem) => session.record({ type: 'protocol-error', problem }));
  on('listener_error', (error, event) => session.record({ type: 'listener-error', event, error }));
  on('login', (userId) => {
    session.record({ type: 'logged-in', userId });
    session.loggedIn(client.loginToken);
    session.emit({ type: 'user' });
  });
  on('logout', (reason) => {
    session.record({ type: 'logged-out', reason });
    session.loggedOut();
    session.emit({ type: 'user' });
  });
  return () => {
    for (const d of detach.splice(0)) d();
  };
}
