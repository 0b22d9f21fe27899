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

/** Events that still make sense after close(): everything else is muted, so the client cannot seem to live on. */
const AFTER_CLOSE = new Set<string | symbol>(['status', 'socket_closed', 'listener_error']);

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
  private readonly subs = new Subscriptions((error) => this.listenerFailed(error, 'subscribe callback'));
  /** Default call timeout in ms (0: none). */
  private readonly methodTimeout: number;
  /** Bumped by close(): work that started before it (emitting a frame's events, a handshake) stops there. */
  private epoch = 0;
  private userDebug?: (line: string) => void;
  private outbox: Outgoing[] = [];
  /** A "wait" method on the wire: nothing else goes out until it is answered. */
  private blocking?: MethodCall;
  /** Calls lost in a drop that asked for `retry`: resent first on the next connection. */
  private retryCalls: MethodCall[] = [];
  /** Set between a reconnect and the moment every re-sent subscription is ready again. */
  private revival?: Revival;
  private pendingConnect?: { resolve(): void; reject(error: Error): void };
  private readonly resubscribeTimeout: number;
  private readonly accounts = new Accounts((method, params) => this.call(method, params, { wait: true }), {
    login: (userId) => this.emit('login', userId),
    logout: (reason) => this.emit('logout', reason),
  });

  constructor(url: string, options: DdpClientOptions = {}) {
    super();
    this.url = normalizeUrl(url);
    this.methodTimeout = options.methodTimeout ?? 0;
    this.resubscribeTimeout = options.resubscribeTimeout ?? 30000;
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
        protocolError: (problem, frame, methodId, subId) => this.onProtocolError(problem, frame, methodId, subId),
        socketError: (error) => this.emit('socket_error', error),
        socketClosed: (code, reason, wasConnected) => this.onSocketClosed(code, reason, wasConnected),
        reconnecting: (info) => this.emit('reconnecting', info),
        failed: (data) => this.emit('failed', data),
        versionMismatch: (versions) => this.onVersionMismatch(versions),
        gaveUp: (error) => {
          this.settleConnect(error);
          this.failUnsent(error);
        },
      },
    );
    this.debug = debug;
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
    return this.userDebug;
  }
  set debug(fn: ((line: string) => void) | undefined) {
    this.userDebug = fn;
    this.conn.debug = fn
      ? (line) => {
          try {
            fn(line);
          } catch (err) {
            this.listenerFailed(err, 'debug');
          }
        }
      : undefined;
  }

  /**
   * Listeners run one by one: one that throws does not stop the others, nor the frame that caused the event, nor
   * the client. Its error goes to `listener_error` listeners, or, without any, is rethrown asynchronously (an
   * uncaught exception, as an error in a timer callback would be). After close() only AFTER_CLOSE events go out.
   */
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (this.conn?.status === 'closed' && !AFTER_CLOSE.has(event)) return false;
    const count = this.listenerCount(event);
    if (count === 0) return false;
    if (count === 1) {
      try {
        return super.emit(event, ...args);
      } catch (err) {
        this.listenerFailed(err, event);
        return true;
      }
    }
    const epoch = this.epoch;
    for (const listener of this.rawListeners(event) as Array<(...a: unknown[]) => void>) {
      try {
        listener.apply(this, args);
      } catch (err) {
        this.listenerFailed(err, event);
      }
      if (epoch !== this.epoch && !AFTER_CLOSE.has(event)) break;
    }
    return true;
  }

  private listenerFailed(error: unknown, where: string | symbol): void {
    if (where !== 'listener_error' && this.listenerCount('listener_error') > 0) {
      try {
        super.emit('listener_error', error, String(where));
        return;
      } catch (err) {
        error = err;
      }
    }
    queueMicrotask(() => {
      throw error;
    });
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
    this.epoch++;
    const closed = new DdpConnectionError('CLOSED', 'The DDP client was closed');
    this.settleConnect(closed);
    this.blocking = undefined;
    this.outbox = this.outbox.filter((o) => o.kind === 'sub');
    this.methods.rejectAll(closed);
    this.retryCalls = [];
    this.endRevival();
    this.conn.close();
    for (const sub of [...this.subs.all.values()]) sub.stoppedWaiting(closed);
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
      const run = (error: Error | undefined, result?: unknown) => {
        try {
          cb(error, result);
        } catch (err) {
          this.listenerFailed(err, 'call callback');
        }
      };
      // With a callback the caller handles errors there; the returned promise must not count as unhandled.
      promise.then(
        (result) => run(undefined, result),
        (error: Error) => run(error),
      );
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
    const { call, promise } = this.methods.create(method, wire, {
      retry: !!options.retry,
      wait: !!options.wait,
      timeout: options.timeout ?? this.methodTimeout,
      onTimeout: (c) => this.released(c),
    });
    this.accounts.observe(method, params, promise);
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
      // Bounded like any call: a server that never answers it must not hold the queue behind it forever.
      const { call, promise } = this.methods.create('login', resume, {
        retry: false,
        wait: true,
        timeout: this.methodTimeout,
        onTimeout: (c) => this.released(c),
      });
      promise.catch(() => undefined);
      this.accounts.observe('login', resume, promise, true);
      front.push({ kind: 'method', call });
    }
    for (const call of this.retryCalls) front.push({ kind: 'method', call });
    this.retryCalls = [];
    const blocking = front.map((o) => (o as { call: MethodCall }).call);
    const resubscribe = this.subs.toResend();
    for (const sub of resubscribe) front.push({ kind: 'sub', sub });
    this.outbox = [...front, ...this.outbox];
    if (!first && (resubscribe.length > 0 || this.store.collections.size > 0)) {
      // Keep showing the old documents until the new session's data is in, then apply the difference.
      // Wait only for subscriptions that were ready before: one that never gets ready must not freeze the data.
      this.revival = new Revival({
        subIds: resubscribe.filter((s) => s.state === 'ready').map((s) => s.id),
        calls: blocking,
        shown: this.store,
        timeout: this.resubscribeTimeout,
        onEnd: () => this.finishRevival(),
      });
    }
    this.flush();
    // A listener may close() (and even connect() again): then this session is over and connect() is settled.
    const epoch = this.epoch;
    this.emit('connected');
    if (epoch !== this.epoch) return;
    if (!first) this.emit('reconnected');
    if (epoch !== this.epoch) return;
    this.settleConnect();
    this.revival?.check();
  }

  private onSocketClosed(code: number, reason: string, wasConnected: boolean): void {
    this.blocking = undefined;
    this.endRevival();
    if (wasConnected) this.retryCalls.push(...this.methods.connectionLost());
    this.emit('socket_closed', code, reason);
  }

  private onVersionMismatch(versions: string[]): void {
    this.emit('version_mismatch', versions);
    const error = new DdpConnectionError('VERSION_MISMATCH', `The server speaks none of the DDP versions ${versions.join(', ')}`);
    this.settleConnect(error);
    this.failUnsent(error);
  }

  /**
   * The client will not connect again on its own: queued calls would wait forever, so fail them, and tell waiting
   * subscription callbacks (the subscriptions stay for a later connect()).
   */
  private failUnsent(cause: DdpConnectionError): void {
    const error = new DdpConnectionError('CLOSED', `Not connected to ${this.url}: ${cause.message}`, { cause });
    this.methods.rejectAll(error);
    this.retryCalls = [];
    this.outbox = this.outbox.filter((o) => o.kind === 'sub');
    for (const sub of [...this.subs.all.values()]) sub.stoppedWaiting(error);
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
        if (shadow) {
          shadow.added(m.collection, m.id, m.fields);
          return this.revival?.arrived(m.collection, m.id);
        }
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
        if (shadow) {
          shadow.addedBefore(m.collection, m.id, m.fields, m.before);
          return this.revival?.arrived(m.collection, m.id);
        }
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
      case 'updated': {
        // The late `updated` of a timed-out call is ignored like its result.
        const ids = this.methods.anyTimedOut() ? m.methods.filter((id) => !this.methods.timedOutCall(id)) : m.methods;
        if (ids.length > 0) this.emit('updated', ids);
        this.revival?.check();
        return;
      }
      case 'error':
        return this.onServerError(m);
      default: {
        const never: never = m;
        return never;
      }
    }
  }

  /** The server could not handle one of our messages. A refused `method` or `sub` ends there: no answer will come. */
  private onServerError(m: Extract<DataMessage, { msg: 'error' }>): void {
    if (m.id !== undefined && m.error) {
      // A non-standard answer to one call or subscription (the connection has said so in a protocol_error).
      const call = this.methods.get(m.id);
      if (call) {
        call.reject(new DdpError(m.error));
        return this.released(call);
      }
      const sub = this.subs.get(m.id);
      if (sub?.live) this.onNosub(m.id, new DdpError(m.error));
      return;
    }
    const reason = m.reason;
    const offending = m.offendingMessage;
    const epoch = this.epoch;
    this.emit('protocol_error', `the server refused a message: ${reason}`, excerpt(JSON.stringify(offending ?? null)));
    if (epoch !== this.epoch) return;
    const o = readOffending(offending);
    if (!o || typeof o.id !== 'string') return;
    if (o.msg === 'method') {
      const call = this.methods.get(o.id);
      if (!call) return;
      call.reject(new DdpConnectionError('PROTOCOL', `The server refused the call to '${call.method}': ${reason}`));
      this.released(call);
    } else if (o.msg === 'sub') {
      const sub = this.subs.get(o.id);
      if (sub?.live) this.onNosub(o.id, new DdpConnectionError('PROTOCOL', `The server refused the subscription '${sub.name}': ${reason}`));
    }
  }

  private onProtocolError(problem: string, frame: string, methodId?: string, subId?: string): void {
    const epoch = this.epoch;
    this.emit('protocol_error', problem, frame);
    if (epoch !== this.epoch) return;
    // An answer we cannot read still ends its call or subscription: otherwise the caller would wait forever.
    const call = methodId === undefined ? undefined : this.methods.get(methodId);
    if (call) {
      call.reject(new DdpConnectionError('PROTOCOL', `The server's answer to '${call.method}' could not be read: ${problem}`));
      return this.released(call);
    }
    const sub = subId === undefined ? undefined : this.subs.get(subId);
    if (sub?.live) {
      this.onNosub(sub.id, new DdpConnectionError('PROTOCOL', `The server's answer to the subscription '${sub.name}' could not be read: ${problem}`));
    }
  }

  /** A call has settled: what it held back (a "wait" call holds the outbox) may go now. */
  private released(call: MethodCall): void {
    if (this.blocking === call) this.blocking = undefined;
    if (this.outbox.length > 0) this.flush();
    this.revival?.check();
  }

  private onResult(m: Extract<DataMessage, { msg: 'result' }>): void {
    const call = this.methods.settle(m.id, m.error, m.result);
    if (!call) {
      // The late answer of a timed-out call is ignored.
      if (this.methods.timedOutCall(m.id)) return;
      this.emit('protocol_error', `"result" for unknown method id ${m.id}`, JSON.stringify({ msg: 'result', id: m.id }));
      return;
    }
    this.released(call);
  }

  private onReady(ids: string[]): void {
    if (this.revival) {
      this.revival.ready(ids);
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
    this.revival?.stopped(id);
  }

  /** The catch-up is abandoned (close, drop): its timers go, its data is dropped. */
  private endRevival(): void {
    this.revival?.dispose();
    this.revival = undefined;
  }

  private finishRevival(): void {
    const revival = this.revival;
    if (!revival) return;
    this.revival = undefined;
    const { changes, readyIds } = revival.finish(this.store);
    for (const c of changes) {
      if (c.type === 'added') this.emit('added', c.collection, c.id, c.fields);
      else if (c.type === 'addedBefore') this.emit('addedBefore', c.collection, c.id, c.fields, c.before);
      else if (c.type === 'movedBefore') this.emit('movedBefore', c.collection, c.id, c.before);
      else if (c.type === 'changed') this.emit('changed', c.collection, c.id, c.fields, c.cleared);
      else this.emit('removed', c.collection, c.id);
    }
    if (readyIds.length > 0) this.onReady(readyIds);
  }
}

/** The message a server `error` refers to: an object, or (some servers) its JSON text. */
function readOffending(offending: unknown): { msg?: unknown; id?: unknown } | undefined {
  let o = offending;
  if (typeof o === 'string') {
    try {
      o = JSON.parse(o);
    } catch {
      return undefined;
    }
  }
  return o !== null && typeof o === 'object' ? (o as { msg?: unknown; id?: unknown }) : undefined;
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
