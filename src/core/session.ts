// One connection, saved or ad hoc, and its DdpClient while connected: the façade through which the extension
// reads connection state (collections, documents, subscriptions, reconnect) and acts on it. Nothing outside
// src/core holds the client. VS Code storage and logging are passed in.
import { DdpClient, normalizeUrl } from '../ddp';
import { proxyAddress, proxyFor } from '../ddp/proxy';
import type { DdpClientOptions, LoginResult, RawFrame, SubscriptionInfo } from '../ddp';
import { clientOptions, writePolicy } from './config';
import type { ConnectionConfig, Settings } from './config';
import { classifyConnectProblem, type ConnectProblem } from './connectProblem';
import { Freshness } from './freshness';
import { liveIds, wireClient, type WiredSession } from './clientEvents';
import { ResumeTokens, type TokenStore } from './resumeTokens';
import { SessionAccounts } from './sessionAccounts';
import { SessionData } from './sessionData';
import { SessionError } from './sessionError';
import { isActiveStatus, isConnectProblem, stateOf, type SessionState } from './sessionState';
import { SessionEvents, type SessionChange, type SessionChangeOf, type SessionChangeType } from './sessionEvents';
import type { SessionLog, SessionLogRecord, SessionProblem } from './sessionLog';
import { SessionSubscriptions, firstConnectSpecs, liveSpecs } from './sessionSubscriptions';
import { StreamLog } from './streams';
import type { CarriedSubscription, SubscriptionSpec } from './sessionSubscriptions';
import { authorize, cancelled, decide, type GuardedRequest, type SendOptions } from './writePolicy';

export type { SessionState };

/** What the session needs from its owner beyond logging and storage. */
export interface SessionHooks {
  /**
   * A first connect failed in a way retrying will not fix (nothing listening, not a DDP server, TLS, ...). The
   * session has stopped trying; the owner tells the user (Retry, Edit URL, Show Log).
   */
  connectProblem?(session: Session, problem: ConnectProblem): void;
  /** Gives a saved connection a stable id (written into its settings entry); resolves the id, or undefined. */
  assignId?(session: Session): Promise<string | undefined>;
  /**
   * Asks the user whether to send a request on a connection whose `confirm` setting wants it (a modal in the
   * extension); resolves true to send. Without it such requests are not sent.
   */
  confirmRequest?(session: Session, request: GuardedRequest): Promise<boolean>;
}

export interface CallOutcome {
  result: unknown;
  ms: number;
}

export class Session extends SessionData {
  #client: DdpClient | undefined;
  /** Last socket or connection problem (OS error, close reason), for tooltips. */
  lastError: SessionProblem | undefined;
  /** Why the connection failed for good (a first connect that cannot succeed, no common DDP version, ...). */
  failure: SessionProblem | undefined;
  /** Which subscriptions and documents are live, stale or caught up, and each ready's own time. */
  readonly freshness = new Freshness();
  /** Rocket.Chat stream events received (kept across reconnects: a log loses nothing it showed). */
  readonly streams = new StreamLog(() => this.env.settings().streamMaxEvents);
  // A view's listener that throws is a bug of ours: it goes to the log, and the other views still hear the change.
  private readonly events = new SessionEvents((error, change) =>
    this.record({ type: 'listener-error', event: `session ${change.type}`, error }),
  );
  private readonly subs: SessionSubscriptions;
  private readonly accounts: SessionAccounts;
  private detach: (() => void) | undefined;
  private disposed = false;
  /** Counts connect() calls, so that only the latest one opens a client. */
  private generation = 0;
  /** The current client has had a DDP session (then drops reconnect as usual; before, a failure stops it). */
  private everConnected = false;

  constructor(
    readonly id: string,
    public config: ConnectionConfig,
    readonly saved: boolean,
    private readonly env: { log: SessionLog; tokens?: TokenStore; settings: () => Settings; hooks?: SessionHooks },
  ) {
    super();
    const secret = (value: string) => this.env.log.secret?.(value);
    const tokens = new ResumeTokens(
      {
        saved,
        identity: () => ({ id: this.config.id, name: this.name, url: this.url }),
        ensureId: () => this.ensureId(),
        secret,
      },
      env.tokens,
    );
    const owner = { freshness: this.freshness, record: this.record.bind(this), emit: this.emit.bind(this), secret };
    this.accounts = new SessionAccounts({ ...owner, isCurrent: (client) => this.#client === client }, tokens);
    this.subs = new SessionSubscriptions({
      ...owner,
      client: () => this.#client,
      requireClient: () => this.requireClient(),
    });
  }

  protected current(): DdpClient | undefined {
    return this.#client;
  }

  get name(): string {
    return this.config.name;
  }

  get url(): string {
    try {
      return normalizeUrl(this.config.url);
    } catch {
      return this.config.url;
    }
  }

  get state(): SessionState {
    // A connect that stopped on a problem has no client left, and is failed until the user retries.
    if (!this.#client && this.failure) return 'failed';
    return stateOf(this.#client?.status);
  }

  get isActive(): boolean {
    return isActiveStatus(this.#client?.status);
  }

  /** A client exists (connecting, connected, reconnecting, or given up after a version mismatch). */
  get isOpen(): boolean {
    return this.#client !== undefined;
  }

  /** Key of this connection's resume token in the token store. */
  get tokenKey(): string {
    return this.accounts.tokens.key;
  }

  get legacyTokenKey(): string {
    return this.accounts.tokens.legacyKey;
  }

  /** The subscriptions of the current client, without those the user dismissed. */
  subscriptions(): SubscriptionInfo[] {
    return this.subs.list();
  }

  /** Subscriptions stopped by Disconnect that the next connect makes again (ids `carried:<n>`); none while a client exists. */
  carried(): CarriedSubscription[] {
    return this.subs.carried();
  }

  onChange(listener: (change: SessionChange) => void): () => void {
    return this.events.onChange(listener);
  }

  on<T extends SessionChangeType>(type: T, listener: (change: SessionChangeOf<T>) => void): () => void {
    return this.events.on(type, listener);
  }

  /**
   * Every raw frame of this connection, across reconnects and new clients (the inspector's tap). A new client is made
   * before its socket opens and announced by a state change, so no frame is missed; without a listener nothing is tapped.
   */
  /** Clear Stream Log: forgets the events kept of one stream (its subscription, if any, goes on). */
  clearStream(collection: string): void {
    if (this.streams.clear(collection)) this.emit({ type: 'streamCleared', collection });
  }

  onFrame(listener: (frame: RawFrame) => void): () => void {
    let attached: DdpClient | undefined;
    const follow = () => {
      const client = this.#client;
      if (client === attached) return;
      attached?.off('message', listener);
      attached = client;
      client?.on('message', listener);
    };
    follow();
    const unwatch = this.onChange(follow);
    return () => {
      unwatch();
      attached?.off('message', listener);
      attached = undefined;
    };
  }

  private emit(change: SessionChange): void {
    this.events.emit(change);
  }

  /** Writes a log record under this connection's name. */
  record(record: SessionLogRecord): void {
    this.env.log.record(this.name, record);
  }

  /** Frames reach the log only while `ddpExplorer.trace` is "messages": no masking work otherwise. */
  applyTrace(client: DdpClient | undefined = this.#client): void {
    if (!client) return;
    client.debug =
      this.env.settings().trace === 'messages' ? (line: string) => this.env.log.frame(this.name, line) : undefined;
  }

  /** Options the client is (or would be) created with, from settings and the connection's own options. */
  effectiveOptions(): DdpClientOptions {
    return clientOptions(this.env.settings(), this.config.options, this.url);
  }

  /** `host:port` of the HTTP proxy the connection goes through (never its credentials), or undefined. */
  get proxy(): string | undefined {
    const proxy = proxyFor(this.url, this.effectiveOptions());
    return proxy === undefined ? undefined : proxyAddress(proxy);
  }

  /** Opens a client (closing any previous one). Resolves once the first connect attempt settled; never rejects. */
  async connect(resubscribe?: SubscriptionSpec[]): Promise<void> {
    if (this.disposed) return;
    const generation = ++this.generation;
    this.closeClient();
    this.subs.carry.clearHidden();
    this.lastError = undefined;
    this.failure = undefined;
    this.everConnected = false;
    let url: string;
    try {
      url = normalizeUrl(this.config.url);
    } catch (error) {
      this.failure = { type: 'invalid-url', error };
      this.record({ type: 'cannot-connect', problem: this.failure });
      this.emit({ type: 'state' });
      return;
    }
    // Only saved connections have a stored login (and only they wait for SecretStorage here).
    const token = this.accounts.tokens.enabled ? await this.accounts.tokens.read() : undefined;
    if (this.disposed || generation !== this.generation) return; // a later connect() won
    const subs = resubscribe ?? this.subs.carry.take();
    const client = new DdpClient(url, this.effectiveOptions());
    this.freshness.reset();
    this.applyTrace(client);
    this.#client = client;
    this.detach = wireClient(client, this.wired(subs, token));
    this.emit({ type: 'collections' });
    this.emit({ type: 'state' });
    try {
      await client.connect();
    } catch (error) {
      // A rejection before any DDP session (autoReconnect off, an unsupported transport, ...) is a first-connect problem.
      if (this.#client === client && !this.everConnected && isConnectProblem(error)) {
        this.stopFirstConnect(classifyConnectProblem(error, url, this.proxy), subs);
      } else if (this.#client === client) {
        this.lastError = { type: 'error', error };
        this.record({ type: 'connect-failed', error });
        this.emit({ type: 'state' });
      }
    }
  }

  /** Closes the client restarting it with the current options, keeping the subscriptions it had. */
  async restart(): Promise<void> {
    await this.connect(this.#client ? liveSpecs(this.#client.subscriptions.values()) : []);
  }

  /** Drops the socket and reconnects at once (keeping subscriptions and data); false when there is no open client. */
  reconnectNow(): boolean {
    const client = this.#client;
    if (!client || !this.isActive) return false;
    this.record({ type: 'reconnect-now' });
    client.reconnectNow();
    return true;
  }

  /** The session's side of the client's events (see clientEvents.ts). */
  private wired(subs: SubscriptionSpec[], token: string | undefined): WiredSession {
    return {
      freshness: this.freshness,
      everConnected: () => this.everConnected,
      record: (r) => this.record(r),
      emit: (c) => this.emit(c),
      isCurrent: (client) => this.#client === client,
      connected: (client, first) => this.connected(client, first, subs, token),
      stopFirstConnect: (problem) => this.stopFirstConnect(problem, subs),
      lastProblem: (p) => (this.lastError = p),
      failed: (p) => (this.failure = p),
      connectProblem: (problem) => this.env.hooks?.connectProblem?.(this, problem),
      tlsUnverified: () => this.effectiveOptions().rejectUnauthorized === false,
      proxy: () => this.proxy,
      loggedOut: () => void this.forgetToken(),
      loggedIn: (token) => void this.accounts.adopt(token),
      streamEvent: (event) => {
        const a = this.streams.add(event, Date.now());
        this.emit({
          type: 'stream',
          collection: event.collection,
          eventName: event.eventName,
          seq: a.record.seq,
          newStream: a.newStream,
          dropped: a.dropped.map((d) => d.seq),
          droppedGroups: a.droppedGroups,
          droppedStream: a.droppedStream,
        });
      },
    };
  }

  private connected(client: DdpClient, first: boolean, subs: SubscriptionSpec[], token: string | undefined): void {
    this.everConnected = true;
    if (!first && this.freshness.reconnected(liveIds(client))) this.emit({ type: 'freshness' });
    this.lastError = undefined;
    this.record({ type: 'connected', version: client.version, session: client.session });
    this.emit({ type: 'state' });
    if (!first) return;
    this.accounts.resume(client, token);
    // The connection's own list and the ones carried over were asked for (or confirmed) already: not asked again.
    for (const s of firstConnectSpecs(this.config.subscriptions ?? [], subs)) this.subs.subscribe(s.name, s.params);
  }

  /**
   * A connection that never connected stops at its first failure, says why (the log and the owner's
   * notification), and keeps its subscriptions for Retry. A connection that was up and dropped reconnects as usual.
   */
  private stopFirstConnect(problem: ConnectProblem, subs: SubscriptionSpec[]): void {
    this.subs.carry.keep(subs);
    this.closeClient();
    this.failure = { type: 'connect', problem };
    this.lastError = this.failure;
    this.record({ type: 'cannot-connect', problem: this.failure });
    this.emit({ type: 'state' });
    this.env.hooks?.connectProblem?.(this, problem);
  }

  private closeClient(): void {
    this.detach?.();
    this.detach = undefined;
    const c = this.#client;
    this.#client = undefined;
    if (c) {
      try {
        c.close();
      } catch {
        /* already closed */
      }
    }
  }

  disconnect(): void {
    this.generation++;
    if (!this.#client) return;
    this.subs.carry.keep(liveSpecs(this.#client.subscriptions.values()));
    this.closeClient();
    this.freshness.reset();
    this.record({ type: 'disconnected' });
    this.emit({ type: 'collections' });
    this.emit({ type: 'subscriptions' });
    this.emit({ type: 'state' });
  }

  dispose(): void {
    this.disposed = true;
    this.closeClient();
    this.events.clear();
  }

  private requireClient(): DdpClient {
    if (!this.#client || !this.isActive)
      throw new SessionError('NOT_CONNECTED', this.name, `"${this.name}" is not connected`);
    return this.#client;
  }

  /**
   * Subscribes, after the connection's `confirm` setting is satisfied (with "all" the user is asked first). Rejects
   * with a SessionError: NOT_CONNECTED, or CANCELLED when the user said no (nothing is sent).
   */
  async subscribe(name: string, params: unknown[] = [], options: SendOptions = {}): Promise<string> {
    this.requireClient();
    // Without a question to ask the subscription is made at once, in this turn, as before the guard existed.
    if (decide(writePolicy(this.config), 'subscription') !== 'send')
      await this.guard({ kind: 'subscription', name, params, connection: this.name }, options.signal);
    const id = this.subs.subscribe(name, params);
    options.sent?.();
    return id;
  }

  /**
   * The one gate for what the user sends: every method call and subscription passes here (Call Method, .ddp runs,
   * the inspector's resends, document edits). Logins, logouts and resumes do not: they go through SessionAccounts.
   */
  private async guard(request: GuardedRequest, signal: AbortSignal | undefined): Promise<void> {
    const hooks = this.env.hooks;
    const ask =
      hooks?.confirmRequest && ((r: GuardedRequest) => hooks.confirmRequest?.(this, r) ?? Promise.resolve(false));
    try {
      await authorize(writePolicy(this.config), request, ask);
      // The one who asked gave up while the question was open (a .ddp run was stopped): it is not sent.
      if (signal?.aborted) throw cancelled(request);
    } catch (error) {
      this.record({ type: 'request-not-sent', kind: request.kind, name: request.name, error });
      throw error;
    }
  }

  /** Stops a live subscription; a stopped or failed one is removed from the list instead. */
  unsubscribe(id: string): void {
    this.subs.unsubscribe(id);
  }

  /** Calls a method, logging the call and its result or error with the duration. */
  async call(method: string, params: unknown[] = [], options: SendOptions = {}): Promise<CallOutcome> {
    this.requireClient();
    const rule = decide(writePolicy(this.config), 'method');
    if (rule === 'refuse' || (rule === 'confirm' && !options.confirmed))
      await this.guard({ kind: 'method', name: method, params, connection: this.name }, options.signal);
    // A prompt may have taken a while: the connection must still be open.
    const client = this.requireClient();
    options.sent?.();
    this.record({ type: 'calling', method, params });
    const t0 = performance.now();
    try {
      const result = await client.call(method, params);
      const ms = Math.round(performance.now() - t0);
      this.record({ type: 'call-result', method, result, ms });
      return { result, ms };
    } catch (error) {
      this.record({ type: 'call-error', method, error, ms: Math.round(performance.now() - t0) });
      throw error;
    }
  }

  /**
   * Logs in with a password (e-mail when the name has "@"); stores the resume token for saved connections.
   * `totp`: a two-factor code, after a first login answered `totp-required` (Rocket.Chat; see twoFactor.ts).
   */
  async login(user: string, password: string, totp?: string): Promise<LoginResult> {
    return this.accounts.login(this.requireClient(), user, password, totp);
  }

  async logout(): Promise<void> {
    await this.accounts.logout(this.#client);
  }

  /** Deletes the stored login, under its id and under the name + URL key of earlier versions. */
  async forgetToken(): Promise<void> {
    await this.accounts.forget();
  }

  /** Waits for a pending resume login started on connect (tests, and Log In before it finished). */
  async settled(): Promise<void> {
    await this.accounts.settled();
  }

  /** Gives a saved connection its stable id (through the owner, who writes it to the settings entry). */
  private async ensureId(): Promise<string | undefined> {
    if (this.config.id !== undefined || !this.saved) return this.config.id;
    try {
      const id = await this.env.hooks?.assignId?.(this);
      if (id && this.config.id === undefined) this.config = { ...this.config, id };
    } catch (error) {
      this.record({ type: 'id-not-assigned', error });
    }
    return this.config.id;
  }
}
