import { EventEmitter } from 'events';
import { Accounts } from './accounts';
import { Connection } from './connection';
import { toEJSON } from './ejson';
import { DdpConnectionError, DdpError } from './errors';
import type { DataMessage } from './messages';
import { excerpt } from './mask';
import { Methods, type MethodCall } from './methods';
import { Revival } from './revival';
import { Store } from './store';
import { Subscriptions, type Subscription, type SubscriptionInfo } from './subscriptions';
import type {
  CallOptions,
  ClientStatus,
  DdpClientEvents,
  DdpClientOptions,
  Fields,
  LoginResult,
  PasswordLogin,
  ReconnectInfo,
} from './types';
import { normalizeUrl } from './url';

type Outgoing = { kind: 'method'; call: MethodCall } | { kind: 'sub'; sub: Subscription };
type Callback = (error: Error | undefined, result?: unknown) => void;
type Listener<E extends keyof DdpClientEvents> = (...args: DdpClientEvents[E]) => void;

export declare interface DdpClient {
  on<E extends keyof DdpClientEvents>(event: E, listener: Listener<E>): this;
  once<E extends keyof DdpClientEvents>(event: E, listener: Listener<E>): this;
  off<E extends keyof DdpClientEvents>(event: E, listener: Listener<E>): this;
  addListener<E extends keyof DdpClientEvents>(event: E, listener: Listener<E>): this;
  removeListener<E extends keyof DdpClientEvents>(event: E, listener: Listener<E>): this;
  emit<E extends keyof DdpClientEvents>(event: E, ...args: DdpClientEvents[E]): boolean;
}

/**
 * An event-driven DDP client in the manner of python-ddp's DDPClient: connect, call, subscribe, and a live
 * copy of the published documents, kept across reconnects.
 */
export class DdpClient extends EventEmitter {
  readonly url: string;
  private readonly conn: Connection;
  private readonly store = new Store();
  private readonly methods = new Methods();
  private readonly subs = new Subscriptions();
  private outbox: Outgoing[] = [];
  /** A "wait" method on the wire: nothing else goes out until it is answered. */
  private blocking?: MethodCall;
  /** Calls lost in a drop that asked for `retry`: resent first on the next connection. */
  private retryCalls: MethodCall[] = [];
  /** Set between a reconnect and the moment every re-sent subscription is ready again. */
  private revival?: Revival;
  private pendingConnect?: { resolve(): void; reject(error: Error): void };
  private readonly accounts = new Accounts((method, params) => this.call(method, params, { wait: true }), {
    login: (userId) => this.emit('login', userId),
    logout: (reason) => this.emit('logout', reason),
  });

  constructor(url: string, options: DdpClientOptions = {}) {
    super();
    this.url = normalizeUrl(url);
    const debug = options.debug === true ? (line: string) => console.log(line) : options.debug || undefined;
    this.conn = new Connection(
      this.url,
      {
        autoReconnect: options.autoReconnect ?? true,
        autoReconnectTimeout: options.autoReconnectTimeout ?? 500,
        maxReconnectTimeout: options.maxReconnectTimeout ?? 30000,
        heartbeatInterval: options.heartbeatInterval ?? 17500,
        heartbeatTimeout: options.heartbeatTimeout ?? 15000,
        connectTimeout: options.connectTimeout ?? 10000,
        versions: options.versions?.length ? [...options.versions] : ['1', 'pre2', 'pre1'],
        headers: options.headers,
        rejectUnauthorized: options.rejectUnauthorized,
        ca: options.ca,
        maxPayload: options.maxPayload ?? 64 * 1024 * 1024,
        compression: options.compression ?? false,
      },
      {
        status: (s) => this.emit('status', s),
        connecting: (u) => this.emit('connecting', u),
        connected: (first) => this.onConnected(first),
        message: (m) => this.onMessage(m),
        protocolError: (problem, frame, methodId) => this.onProtocolError(problem, frame, methodId),
        socketClosed: (code, reason, wasConnected) => this.onSocketClosed(code, reason, wasConnected),
        reconnecting: (info) => this.emit('reconnecting', info),
        failed: (data) => this.emit('failed', data),
        versionMismatch: (versions) => this.onVersionMismatch(versions),
        gaveUp: (reason) => {
          this.settleConnect(new DdpConnectionError('SOCKET', `Could not connect to ${this.url}: ${reason}`));
          this.failUnsent();
        },
      },
    );
    this.conn.debug = debug;
    // The `message` event (every raw frame) costs nothing on the hot path until someone listens to it.
    super.on('newListener', (event: string | symbol) => {
      if (event === 'message') this.conn.tap = (direction, text) => this.emit('message', { direction, text, at: Date.now() });
    });
    super.on('removeListener', (event: string | symbol) => {
      if (event === 'message' && this.listenerCount('message') === 0) this.conn.tap = undefined;
    });
  }

  /** Receives every frame in (`<`) and out (`>`), secrets masked; set or clear it at any time. */
  get debug(): ((line: string) => void) | undefined {
    return this.conn.debug;
  }
  set debug(fn: ((line: string) => void) | undefined) {
    this.conn.debug = fn;
  }

  get status(): ClientStatus {
    return this.conn.status;
  }
  /** The DDP version agreed with the server. */
  get version(): string | undefined {
    return this.conn.version;
  }
  get session(): string | undefined {
    return this.conn.session;
  }
  get nextReconnect(): ReconnectInfo | undefined {
    return this.conn.nextReconnect;
  }
  get userId(): string | undefined {
    return this.accounts.userId;
  }
  /** collection -> id -> fields, EJSON-decoded, in server order. Read it; never write it. */
  get collections(): Map<string, Map<string, Fields>> {
    return this.store.collections;
  }
  get subscriptions(): ReadonlyMap<string, SubscriptionInfo> {
    return this.subs.all;
  }

  /** Resolves on the first DDP `connected`. */
  connect(): Promise<void> {
    if (this.status === 'connected') return Promise.resolve();
    const promise = new Promise<void>((resolve, reject) => {
      const previous = this.pendingConnect;
      this.pendingConnect = {
        resolve: () => (previous?.resolve(), resolve()),
        reject: (e) => (previous?.reject(e), reject(e)),
      };
    });
    this.conn.open();
    return promise;
  }

  /** Stops everything, reconnects included. Unanswered calls are rejected; subscriptions are kept for a later connect(). */
  close(): void {
    const closed = new DdpConnectionError('CLOSED', 'The DDP client was closed');
    this.settleConnect(closed);
    this.blocking = undefined;
    this.outbox = this.outbox.filter((o) => o.kind === 'sub');
    this.methods.rejectAll(closed);
    this.revival = undefined;
    this.conn.close();
  }

  reconnectNow(): void {
    this.conn.reconnectNow();
  }

  call(method: string, params?: unknown[], callback?: Callback | CallOptions, options?: CallOptions): Promise<unknown> {
    if (typeof callback === 'object') {
      options = callback;
      callback = undefined;
    }
    const promise = this.startCall(method, params ?? [], options ?? {});
    if (callback) {
      const cb = callback;
      // With a callback the caller handles errors there; the returned promise must not count as unhandled.
      promise.then(
        (result) => cb(undefined, result),
        (error: Error) => cb(error),
      );
      promise.catch(() => undefined);
    }
    return promise;
  }

  private startCall(method: string, params: unknown[], options: CallOptions): Promise<unknown> {
    if (this.status === 'closed' || this.status === 'failed') {
      return Promise.reject(new DdpConnectionError('CLOSED', `Cannot call '${method}': the client is ${this.status}; connect() first`));
    }
    let wire: unknown[];
    try {
      wire = encodeParams(params);
    } catch (err) {
      return Promise.reject(err);
    }
    const { call, promise } = this.methods.create(method, wire, { retry: !!options.retry, wait: !!options.wait });
    this.outbox.push({ kind: 'method', call });
    this.flush();
    return promise;
  }

  subscribe(name: string, params?: unknown[], callback?: (error?: Error) => void): string {
    const list = params ?? [];
    // Throws at once for params JSON cannot carry: such a subscription never reaches the queue.
    const sub = this.subs.create(name, list, encodeParams(list), callback);
    this.outbox.push({ kind: 'sub', sub });
    this.flush();
    return sub.id;
  }

  unsubscribe(id: string): void {
    const sub = this.subs.get(id);
    if (!sub || !sub.live) return;
    this.subs.stop(sub, undefined);
    this.outbox = this.outbox.filter((o) => o.kind !== 'sub' || o.sub !== sub);
    if (sub.sentOnce && this.conn.sessionOpen) this.conn.send({ msg: 'unsub', id });
    this.doneReviving(id);
  }

  login(login: PasswordLogin): Promise<LoginResult> {
    return this.accounts.login(login);
  }

  loginWithToken(token: string): Promise<LoginResult> {
    return this.accounts.loginWithToken(token);
  }

  logout(): Promise<void> {
    return this.accounts.logout();
  }

  /** Sends what can go now, in order; a "wait" method holds back everything after it until it is answered. */
  private flush(): void {
    if (!this.conn.sessionOpen) return;
    while (this.outbox.length > 0 && !this.blocking) {
      const next = this.outbox[0];
      if (next.kind === 'sub') {
        this.outbox.shift();
        if (!next.sub.live) continue;
        next.sub.sentOnce = true;
        this.conn.send({ msg: 'sub', id: next.sub.id, name: next.sub.name, params: next.sub.wireParams });
        continue;
      }
      const call = next.call;
      if (call.settled) {
        this.outbox.shift();
        continue;
      }
      if (call.wait && this.methods.hasInFlight()) break;
      this.outbox.shift();
      call.sent = true;
      if (call.wait) this.blocking = call;
      this.conn.send({ msg: 'method', id: call.id, method: call.method, params: call.params });
    }
  }

  private onConnected(first: boolean): void {
    const front: Outgoing[] = [];
    const resume = this.accounts.resumeParams();
    if (resume) {
      const { call, promise } = this.methods.create('login', resume, { retry: false, wait: true });
      this.accounts.settleResume(promise).catch(() => undefined);
      front.push({ kind: 'method', call });
    }
    for (const call of this.retryCalls) front.push({ kind: 'method', call });
    this.retryCalls = [];
    const resubscribe = this.subs.toResend();
    for (const sub of resubscribe) front.push({ kind: 'sub', sub });
    this.outbox = [...front, ...this.outbox];
    if (!first && (resubscribe.length > 0 || this.store.collections.size > 0)) {
      // Keep showing the old documents until the re-sent subscriptions are ready, then apply the difference.
      // Wait only for subscriptions that were ready before: one that never gets ready must not freeze the data.
      this.revival = new Revival(resubscribe.filter((s) => s.state === 'ready').map((s) => s.id));
    }
    this.flush();
    this.emit('connected');
    if (!first) this.emit('reconnected');
    this.settleConnect();
    if (this.revival?.done) this.finishRevival();
  }

  private onSocketClosed(code: number, reason: string, wasConnected: boolean): void {
    this.blocking = undefined;
    this.revival = undefined;
    if (wasConnected) this.retryCalls.push(...this.methods.connectionLost());
    this.emit('socket_closed', code, reason);
  }

  private onVersionMismatch(versions: string[]): void {
    this.emit('version_mismatch', versions);
    const error = new DdpConnectionError('VERSION_MISMATCH', `The server speaks none of the DDP versions ${versions.join(', ')}`);
    this.settleConnect(error);
    this.failUnsent();
  }

  /** The client will not connect again on its own: queued calls would wait forever, so fail them. */
  private failUnsent(): void {
    const error = new DdpConnectionError('CLOSED', `Not connected to ${this.url}`);
    this.methods.rejectAll(error);
    this.retryCalls = [];
    this.outbox = this.outbox.filter((o) => o.kind === 'sub');
  }

  private settleConnect(error?: Error): void {
    const pending = this.pendingConnect;
    this.pendingConnect = undefined;
    if (!pending) return;
    if (error) pending.reject(error);
    else pending.resolve();
  }

  private onMessage(m: DataMessage): void {
    const shadow = this.revival?.shadow;
    switch (m.msg) {
      case 'added':
        if (shadow) return shadow.added(m.collection, m.id, m.fields);
        this.store.added(m.collection, m.id, m.fields);
        this.emit('added', m.collection, m.id, m.fields);
        return;
      case 'changed':
        if (shadow) {
          if (shadow.changed(m.collection, m.id, m.fields, m.cleared)) return;
          if (this.store.get(m.collection, m.id)) return; // re-sent as `added` before the subscription is ready
        }
        // Unknown documents (Rocket.Chat stream events) still reach listeners.
        this.store.changed(m.collection, m.id, m.fields, m.cleared);
        this.emit('changed', m.collection, m.id, m.fields, m.cleared);
        return;
      case 'removed':
        if (shadow && (shadow.removed(m.collection, m.id) || this.store.get(m.collection, m.id))) return;
        this.store.removed(m.collection, m.id);
        this.emit('removed', m.collection, m.id);
        return;
      case 'addedBefore':
        if (shadow) return shadow.addedBefore(m.collection, m.id, m.fields, m.before);
        this.store.addedBefore(m.collection, m.id, m.fields, m.before);
        this.emit('addedBefore', m.collection, m.id, m.fields, m.before);
        return;
      case 'movedBefore':
        if (shadow) {
          shadow.movedBefore(m.collection, m.id, m.before);
          return;
        }
        this.store.movedBefore(m.collection, m.id, m.before);
        this.emit('movedBefore', m.collection, m.id, m.before);
        return;
      case 'ready':
        return this.onReady(m.subs);
      case 'nosub':
        return this.onNosub(m.id, m.error ? new DdpError(m.error) : undefined);
      case 'result':
        return this.onResult(m);
      case 'updated':
        this.emit('updated', m.methods);
        return;
      case 'error':
        return this.onServerError(m.reason, m.offendingMessage);
      default: {
        const never: never = m;
        return never;
      }
    }
  }

  /** The server could not handle one of our messages. A refused `method` or `sub` ends there: no answer will come. */
  private onServerError(reason: string, offending: unknown): void {
    this.emit('protocol_error', `the server refused a message: ${reason}`, excerpt(JSON.stringify(offending ?? null)));
    const o = offending as { msg?: unknown; id?: unknown } | null;
    if (!o || typeof o !== 'object' || typeof o.id !== 'string') return;
    if (o.msg === 'method') {
      const call = this.methods.get(o.id);
      if (!call) return;
      call.reject(new DdpConnectionError('PROTOCOL', `The server refused the call to '${call.method}': ${reason}`));
      if (this.blocking === call) this.blocking = undefined;
      this.flush();
    } else if (o.msg === 'sub') {
      const sub = this.subs.get(o.id);
      if (sub?.live) this.onNosub(o.id, new DdpConnectionError('PROTOCOL', `The server refused the subscription '${sub.name}': ${reason}`));
    }
  }

  private onProtocolError(problem: string, frame: string, methodId: string | undefined): void {
    this.emit('protocol_error', problem, frame);
    // A result we cannot read still ends its call: otherwise the caller would wait forever.
    const call = methodId === undefined ? undefined : this.methods.get(methodId);
    if (!call) return;
    call.reject(new DdpConnectionError('PROTOCOL', `The server's answer to '${call.method}' could not be read: ${problem}`));
    if (this.blocking === call) this.blocking = undefined;
    if (this.outbox.length > 0) this.flush();
  }

  private onResult(m: Extract<DataMessage, { msg: 'result' }>): void {
    const call = this.methods.settle(m.id, m.error, m.result);
    if (!call) {
      this.emit('protocol_error', `"result" for unknown method id ${m.id}`, JSON.stringify({ msg: 'result', id: m.id }));
      return;
    }
    if (this.blocking === call) this.blocking = undefined;
    if (this.outbox.length > 0) this.flush();
  }

  private onReady(ids: string[]): void {
    if (this.revival) {
      this.revival.ready(ids);
      if (this.revival.done) this.finishRevival();
      return;
    }
    for (const id of ids) this.subs.get(id)?.markReady();
    this.emit('ready', ids);
  }

  private onNosub(id: string, error: Error | undefined): void {
    const sub = this.subs.get(id);
    if (sub?.live) this.subs.stop(sub, error);
    this.emit('nosub', id, error);
    this.doneReviving(id);
  }

  private doneReviving(id: string): void {
    if (!this.revival) return;
    this.revival.stopped(id);
    if (this.revival.done) this.finishRevival();
  }

  private finishRevival(): void {
    const revival = this.revival;
    if (!revival) return;
    this.revival = undefined;
    const { changes, readyIds } = revival.finish(this.store);
    for (const c of changes) {
      if (c.type === 'added') this.emit('added', c.collection, c.id, c.fields);
      else if (c.type === 'changed') this.emit('changed', c.collection, c.id, c.fields, c.cleared);
      else this.emit('removed', c.collection, c.id);
    }
    if (readyIds.length > 0) this.onReady(readyIds);
  }
}

/** The EJSON wire form of params; throws a TypeError for values JSON cannot carry (BigInt, cycles). */
function encodeParams(params: unknown[]): unknown[] {
  const wire = toEJSON(params) as unknown[];
  try {
    JSON.stringify(wire);
  } catch (err) {
    throw new TypeError(`Params cannot be sent as EJSON: ${(err as Error).message}`);
  }
  return wire;
}
