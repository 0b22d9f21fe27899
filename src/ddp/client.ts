import type { EventEmitter } from 'events';
import { Accounts } from './accounts';
import { Connection } from './connection';
import { ConnectPromise } from './connectPromise';
import { encodeParams } from './ejson';
import { DdpConnectionError, DdpError } from './errors';
import { LiveData } from './liveData';
import type { DataMessage } from './messages';
import { excerpt } from './mask';
import { Methods, type MethodCall } from './methods';
import { connectionOptions } from './options';
import { Outbox } from './outbox';
import { refusedRequest, unreadableAnswer, type EndedRequest } from './refusals';
import { SafeEmitter } from './safeEmitter';
import type { CollectionsView } from './store';
import { Subscriptions, type SubscriptionInfo } from './subscriptions';
import type { CallOptions, ClientStatus, DdpClientOptions, LoginResult, PasswordLogin, ReconnectInfo } from './types';
import { pointsAtSockJs } from './transport/sockjsUrls';
import type { TransportName } from './transport/socket';
import { normalizeUrl } from './url';

type Callback = (error: Error | undefined, result?: unknown) => void;

/** Events that still make sense after close(): everything else is muted, so the client cannot seem to live on. */
const AFTER_CLOSE = new Set<string | symbol>(['status', 'socket_closed', 'listener_error']);

/**
 * An event-driven DDP client in the manner of python-ddp's DDPClient: connect, call, subscribe, and a live
 * copy of the published documents, kept across reconnects.
 */
export class DdpClient extends SafeEmitter {
  readonly url: string;
  private readonly conn: Connection;
  private readonly data = new LiveData(this, (ids) => this.onReady(ids));
  private readonly methods = new Methods();
  private readonly outbox: Outbox;
  private readonly connecting = new ConnectPromise();
  private readonly subs = new Subscriptions((error) => this.listenerFailed(error, 'subscribe callback'));
  /** Default call timeout in ms (0: none). */
  private readonly methodTimeout: number;
  private userDebug?: (line: string) => void;
  private readonly resubscribeTimeout: number;
  private readonly accounts = new Accounts((method, params) => this.call(method, params, { wait: true }), {
    login: (userId) => this.emit('login', userId),
    logout: (reason) => this.emit('logout', reason),
  });

  constructor(url: string, options: DdpClientOptions = {}) {
    // `epoch` (SafeEmitter) is bumped by close(): work that started before it (a frame's events, a handshake) stops.
    super(AFTER_CLOSE);
    this.url = normalizeUrl(url);
    this.methodTimeout = options.methodTimeout ?? 0;
    this.resubscribeTimeout = options.resubscribeTimeout ?? 30000;
    const debug = options.debug === true ? (line: string) => console.log(line) : options.debug || undefined;
    this.conn = new Connection(this.url, connectionOptions(options, pointsAtSockJs(url, this.url)), {
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
        this.connecting.settle(error);
        this.failUnsent(error);
      },
    });
    this.outbox = new Outbox(this.conn, this.methods);
    this.debug = debug;
    // The `message` event (every raw frame) costs nothing on the hot path until someone listens to it.
    const plain = this as EventEmitter;
    plain.on('newListener', (event: string | symbol) => {
      if (event === 'message')
        this.conn.tap = (direction, text, at, bytes) => this.emit('message', { direction, text, at, bytes });
    });
    plain.on('removeListener', (event: string | symbol) => {
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

  /** See SafeEmitter: listeners cannot hurt the client; after close() only AFTER_CLOSE events go out. */
  protected muted(): boolean {
    // During construction (before the connection exists) nothing is muted.
    return (this.conn as Connection | undefined)?.status === 'closed';
  }

  get status(): ClientStatus {
    return this.conn.status;
  }
  /** The DDP version agreed with the server. */
  get version(): string | undefined {
    return this.conn.version;
  }
  /**
   * The transport of the latest socket that opened: `'websocket'` (raw DDP), or SockJS over `'sockjs-websocket'`,
   * `'sockjs-xhr-streaming'` or `'sockjs-xhr-polling'`; undefined before the first one opened.
   */
  get transport(): TransportName | undefined {
    return this.conn.transport;
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
  /**
   * The resume token of the current login, however it was made (`login()`, `loginWithToken()`, or a login method
   * sent with `call()`): a secret, for secret storage only, never for a log.
   */
  get loginToken(): string | undefined {
    return this.accounts.loginToken;
  }
  /**
   * collection -> id -> fields, EJSON-decoded, in server order: read-only views of the live data (no copy; the same
   * view objects across reconnects). The fields objects are the client's own: read them, never write them.
   */
  get collections(): CollectionsView {
    return this.data.store.collections;
  }
  get subscriptions(): ReadonlyMap<string, SubscriptionInfo> {
    return this.subs.all;
  }

  /** Resolves on the first DDP `connected`. */
  connect(): Promise<void> {
    if (this.status === 'connected') return Promise.resolve();
    const promise = this.connecting.wait();
    this.conn.open();
    return promise;
  }

  /** Stops everything, reconnects included. Unanswered calls are rejected; subscriptions are kept for a later connect(). */
  close(): void {
    this.epoch++;
    const closed = new DdpConnectionError('CLOSED', 'The DDP client was closed');
    this.connecting.settle(closed);
    this.outbox.dropCalls();
    this.methods.rejectAll(closed);
    this.data.abandon();
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
      return Promise.reject(
        new DdpConnectionError('CLOSED', `Cannot call '${method}': the client is ${this.status}; connect() first`),
      );
    }
    let wire: unknown[];
    try {
      wire = encodeParams(params);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new TypeError(String(err)));
    }
    const { call, promise } = this.methods.create(method, wire, {
      retry: !!options.retry && !options.noRetry,
      wait: !!options.wait,
      timeout: options.timeout ?? this.methodTimeout,
      onTimeout: (c) => this.released(c),
    });
    this.accounts.observe(method, params, promise);
    this.outbox.push({ kind: 'method', call });
    return promise;
  }

  subscribe(name: string, params?: unknown[], callback?: (error?: Error) => void): string {
    const list = params ?? [];
    // Throws at once for params JSON cannot carry: such a subscription never reaches the queue.
    const sub = this.subs.create(name, list, encodeParams(list), callback);
    this.outbox.push({ kind: 'sub', sub });
    return sub.id;
  }

  unsubscribe(id: string): void {
    const sub = this.subs.get(id);
    if (!sub || !sub.live) return;
    this.subs.stop(sub, undefined);
    this.outbox.drop(sub);
    if (sub.sentOnce && this.conn.sessionOpen) this.conn.send({ msg: 'unsub', id });
    this.data.stopped(id);
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

  private onConnected(first: boolean): void {
    let login: MethodCall | undefined;
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
      login = call;
    }
    const resubscribe = this.subs.toResend();
    const calls = this.outbox.resume(login, resubscribe);
    if (!first) {
      const wasReady = resubscribe.filter((s) => s.state === 'ready').map((s) => s.id);
      this.data.startCatchUp(wasReady, resubscribe.length, calls, this.resubscribeTimeout);
    }
    this.outbox.flush();
    // A listener may close() (and even connect() again): then this session is over and connect() is settled.
    const epoch = this.epoch;
    this.emit('connected');
    if (epoch !== this.epoch) return;
    if (!first) this.emit('reconnected');
    if (epoch !== this.epoch) return;
    this.connecting.settle();
    this.data.check();
  }

  private onSocketClosed(code: number, reason: string, wasConnected: boolean): void {
    this.data.abandon();
    this.outbox.connectionLost(wasConnected ? this.methods.connectionLost() : []);
    this.emit('socket_closed', code, reason);
  }

  private onVersionMismatch(versions: string[]): void {
    this.emit('version_mismatch', versions);
    const error = new DdpConnectionError(
      'VERSION_MISMATCH',
      `The server speaks none of the DDP versions ${versions.join(', ')}`,
    );
    this.connecting.settle(error);
    this.failUnsent(error);
  }

  /**
   * The client will not connect again on its own: queued calls would wait forever, so fail them, and tell waiting
   * subscription callbacks (the subscriptions stay for a later connect()).
   */
  private failUnsent(cause: DdpConnectionError): void {
    const error = new DdpConnectionError('CLOSED', `Not connected to ${this.url}: ${cause.message}`, { cause });
    this.methods.rejectAll(error);
    this.outbox.dropCalls();
    for (const sub of [...this.subs.all.values()]) sub.stoppedWaiting(error);
  }

  private onMessage(m: DataMessage): void {
    switch (m.msg) {
      case 'added':
      case 'changed':
      case 'removed':
      case 'addedBefore':
      case 'movedBefore':
        return this.data.apply(m);
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
        this.data.check();
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

  /** The server could not handle one of our messages (see refusedRequest). */
  private onServerError(m: Extract<DataMessage, { msg: 'error' }>): void {
    if (m.id === undefined || !m.error) {
      // A refusal of one of our frames (a non-standard answer was reported by the connection already).
      const epoch = this.epoch;
      this.emit(
        'protocol_error',
        `the server refused a message: ${m.reason}`,
        excerpt(JSON.stringify(m.offendingMessage ?? null)),
      );
      if (epoch !== this.epoch) return;
    }
    this.end(refusedRequest(m, this.methods, this.subs));
  }

  private onProtocolError(problem: string, frame: string, methodId?: string, subId?: string): void {
    const epoch = this.epoch;
    this.emit('protocol_error', problem, frame);
    if (epoch !== this.epoch) return;
    this.end(unreadableAnswer(problem, methodId, subId, this.methods, this.subs));
  }

  /** A call or subscription that will get no usable answer ends with its error. */
  private end(ended: EndedRequest | undefined): void {
    if (!ended) return;
    if ('call' in ended) {
      ended.call.reject(ended.error);
      this.released(ended.call);
    } else this.onNosub(ended.sub.id, ended.error);
  }

  /** A call has settled: what it held back (a "wait" call holds the outbox) may go now. */
  private released(call: MethodCall): void {
    this.outbox.released(call);
    this.data.check();
  }

  private onResult(m: Extract<DataMessage, { msg: 'result' }>): void {
    const call = this.methods.settle(m.id, m.error, m.result);
    if (!call) {
      // The late answer of a timed-out call is ignored.
      if (this.methods.timedOutCall(m.id)) return;
      this.emit(
        'protocol_error',
        `"result" for unknown method id ${m.id}`,
        JSON.stringify({ msg: 'result', id: m.id }),
      );
      return;
    }
    this.released(call);
  }

  private onReady(ids: string[]): void {
    if (this.data.ready(ids)) return;
    for (const id of ids) this.subs.get(id)?.markReady();
    this.emit('ready', ids);
  }

  private onNosub(id: string, error: Error | undefined): void {
    const sub = this.subs.get(id);
    if (sub?.live) this.subs.stop(sub, error);
    this.emit('nosub', id, error);
    this.data.stopped(id);
  }
}
