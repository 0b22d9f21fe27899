// One connection, saved or ad hoc, and its DdpClient while connected. Plain module: no VS Code API,
// so that it can be tested against a real server; VS Code storage and logging are passed in.
import { DdpClient, normalizeUrl } from '../ddp';
import type { ClientStatus, DdpClientOptions, LoginResult, SubscriptionInfo } from '../ddp';
import { clientOptions } from './config';
import type { ConnectionConfig, Settings } from './config';
import { formatCallResult, formatCallError, formatParams, describeError } from './logText';
import { explainConnectProblem, type ConnectProblem } from './connectProblem';
import { Freshness, type ReadyReport } from './freshness';

export type SessionState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting' | 'failed';

export type SessionChange =
  | { type: 'state' }
  | { type: 'subscriptions' }
  | { type: 'user' }
  | { type: 'collections' }
  /** The data became stale (a drop) or caught up again (every re-sent subscription ready). */
  | { type: 'freshness' }
  /** `ordered`: the document went somewhere other than the end of its collection (addedBefore). */
  | { type: 'doc'; op: 'added' | 'changed' | 'removed' | 'moved'; collection: string; id: string; ordered?: boolean };

/** Where the session writes its log lines. `frame` receives every DDP frame (already masked by the client). */
export interface SessionLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  frame(line: string): void;
  /** A secret (token) that must never appear in the log, even outside the known JSON fields. */
  secret?(value: string): void;
}

/** Persistent storage for resume tokens (SecretStorage in VS Code). */
export interface TokenStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, token: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

/** What the session needs from its owner beyond logging and storage. */
export interface SessionHooks {
  /**
   * A first connect failed in a way retrying will not fix (nothing listening, not a DDP server, TLS, ...). The
   * session has stopped trying; the owner tells the user (Retry, Edit URL, Show Log).
   */
  connectProblem?(session: Session, problem: ConnectProblem): void;
  /** Gives a saved connection a stable id (written into its settings entry); resolves the id, or undefined. */
  assignId?(session: Session): Promise<string | undefined>;
}

export interface CallOutcome {
  result: unknown;
  ms: number;
}

/** Drops the client makes on purpose before connecting (Reconnect Now, a version retry): not failures. */
const OWN_DROPS = /^(reconnect requested|version \S+ refused)$/;

/** A connect() rejection that means the server cannot be reached or spoken to (not our own close()). */
function isConnectProblem(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return code !== 'CLOSED' && code !== 'VERSION_MISMATCH';
}

export const nullLog: SessionLog = { info() {}, warn() {}, error() {}, frame() {} };

function stateOf(status: ClientStatus | undefined): SessionState {
  switch (status) {
    case 'connecting':
      return 'connecting';
    case 'connected':
      return 'connected';
    case 'reconnecting':
      return 'reconnecting';
    case 'failed':
      return 'failed';
    default:
      return 'disconnected';
  }
}

export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** One connection (saved or ad hoc) and its client while connected. */
export class Session {
  client: DdpClient | undefined;
  /** Last socket or connection problem (OS error, close reason), for tooltips. */
  lastError: string | undefined;
  /** Why the connection failed for good (version mismatch, ...). */
  failure: string | undefined;
  connectedAt: number | undefined;
  private listeners = new Set<(change: SessionChange) => void>();
  private detach: Array<() => void> = [];
  private disposed = false;
  private resumeAttempt: Promise<void> | undefined;
  /** Counts connect() calls, so that only the latest one opens a client. */
  private generation = 0;
  /** Subscriptions the user dismissed from the tree (stopped or failed ones). */
  private hidden = new Set<string>();
  /** Live subscriptions at the last Disconnect, made again by the next connect(). */
  private carry: Array<{ name: string; params: unknown[] }> = [];
  /** Which subscriptions and documents are live, stale or caught up, and each ready's own time. */
  readonly freshness = new Freshness();
  /** The current client has had a DDP session (then drops reconnect as usual; before, a failure stops it). */
  private everConnected = false;

  constructor(
    readonly id: string,
    public config: ConnectionConfig,
    readonly saved: boolean,
    private readonly env: { log: SessionLog; tokens?: TokenStore; settings: () => Settings; hooks?: SessionHooks },
  ) {}

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
    if (!this.client && this.failure) return 'failed';
    return stateOf(this.client?.status);
  }

  get userId(): string | undefined {
    return this.client?.userId;
  }

  /**
   * Key of this connection's resume token in the token store: its stable id (kept in its settings entry), so that
   * renaming it or editing its URL neither loses nor orphans the login. Entries saved before ids existed use
   * `legacyTokenKey` until they get one.
   */
  get tokenKey(): string {
    return this.config.id ? `ddpExplorer.login:${this.config.id}` : this.legacyTokenKey;
  }

  /** The name + URL key of earlier versions. */
  get legacyTokenKey(): string {
    return `ddpExplorer.resumeToken:${this.name}:${this.url}`;
  }

  get isActive(): boolean {
    const s = this.client?.status;
    return s === 'connecting' || s === 'connected' || s === 'reconnecting';
  }

  onChange(listener: (change: SessionChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: SessionChange): void {
    for (const l of [...this.listeners]) {
      try {
        l(change);
      } catch {
        /* a listener's problem is not the session's */
      }
    }
  }

  private prefix(message: string): string {
    return `[${this.name}] ${message}`;
  }

  info(m: string): void {
    this.env.log.info(this.prefix(m));
  }
  warn(m: string): void {
    this.env.log.warn(this.prefix(m));
  }
  error(m: string): void {
    this.env.log.error(this.prefix(m));
  }

  /** Frames reach the log only while `ddpExplorer.trace` is "messages": no masking work otherwise. */
  applyTrace(client: DdpClient | undefined = this.client): void {
    if (!client) return;
    client.debug = this.env.settings().trace === 'messages' ? (line: string) => this.env.log.frame(this.prefix(line)) : undefined;
  }

  /** Options the client is (or would be) created with, from settings and the connection's own options. */
  effectiveOptions(): DdpClientOptions {
    return clientOptions(this.env.settings(), this.config.options);
  }

  /** Opens a client (closing any previous one). Resolves once the first connect attempt settled; never rejects. */
  async connect(resubscribe?: Array<{ name: string; params: unknown[] }>): Promise<void> {
    if (this.disposed) return;
    const generation = ++this.generation;
    this.closeClient();
    this.hidden.clear();
    this.lastError = undefined;
    this.failure = undefined;
    this.everConnected = false;
    let url: string;
    try {
      url = normalizeUrl(this.config.url);
    } catch (err) {
      this.failure = describeError(err);
      this.error(`Cannot connect: ${this.failure}`);
      this.emit({ type: 'state' });
      return;
    }
    // Only saved connections have a stored login (and only they wait for SecretStorage here).
    const token = this.saved && this.env.tokens ? await this.storedToken() : undefined;
    if (this.disposed || generation !== this.generation) return; // a later connect() won
    const subs = resubscribe ?? this.carry;
    this.carry = [];
    const client = new DdpClient(url, this.effectiveOptions());
    this.freshness.reset();
    this.applyTrace(client);
    this.client = client;
    this.wire(client, subs, token);
    this.emit({ type: 'collections' });
    this.emit({ type: 'state' });
    try {
      await client.connect();
    } catch (err) {
      // A rejection before any DDP session (autoReconnect off, an unsupported transport, ...) is a first-connect problem.
      if (this.client === client && !this.everConnected && isConnectProblem(err)) {
        this.stopFirstConnect(explainConnectProblem(err, url), subs);
      } else if (this.client === client) {
        this.lastError = describeError(err);
        this.warn(`Connect failed: ${this.lastError}`);
        this.emit({ type: 'state' });
      }
    }
  }

  /** Closes the client restarting it with the current options, keeping the subscriptions it had. */
  async restart(): Promise<void> {
    await this.connect(this.liveSubscriptionSpecs());
  }

  private liveSubscriptionSpecs(): Array<{ name: string; params: unknown[] }> {
    return this.client
      ? [...this.client.subscriptions.values()]
          .filter((s) => s.state === 'pending' || s.state === 'ready')
          .map((s) => ({ name: s.name, params: s.params }))
      : [];
  }

  /**
   * A connection that never connected stops at its first failure, says why in plain words (the log and the owner's
   * notification), and keeps its subscriptions for Retry. A connection that was up and dropped reconnects as usual.
   */
  private stopFirstConnect(problem: ConnectProblem, subs: Array<{ name: string; params: unknown[] }>): void {
    this.carry = subs;
    this.closeClient();
    this.failure = problem.sentence;
    this.lastError = problem.sentence;
    this.error(`Cannot connect: ${problem.sentence}`);
    this.emit({ type: 'state' });
    this.env.hooks?.connectProblem?.(this, problem);
  }

  private wire(client: DdpClient, resubscribe: Array<{ name: string; params: unknown[] }>, token: string | undefined): void {
    let first = true;
    /** A `failed` (version negotiation) closes the socket on purpose: the client retries with another version. */
    let negotiating = false;
    const on = <E extends Parameters<DdpClient['on']>[0]>(event: E, fn: (...args: any[]) => void) => {
      client.on(event, fn as never);
      this.detach.push(() => client.off(event, fn as never));
    };
    on('status', () => this.emit({ type: 'state' }));
    on('connecting', (url: string) => {
      negotiating = false;
      this.info(`Connecting to ${url}`);
      if (this.effectiveOptions().rejectUnauthorized === false && url.startsWith('wss:')) {
        this.warn('TLS certificate verification is OFF for this connection (rejectUnauthorized: false)');
      }
    });
    on('connected', () => {
      this.everConnected = true;
      if (!first && this.freshness.reconnected(liveIds(client))) this.emit({ type: 'freshness' });
      this.connectedAt = Date.now();
      this.lastError = undefined;
      this.info(`Connected (DDP ${client.version ?? '?'}, session ${client.session ?? '?'})`);
      this.emit({ type: 'state' });
      if (first) {
        first = false;
        this.resumeAttempt = this.resumeStoredLogin(client, token);
        const specs = [...(this.config.subscriptions ?? []), ...resubscribe];
        const seen = new Set<string>();
        for (const s of specs) {
          const key = JSON.stringify([s.name, s.params]);
          if (seen.has(key)) continue;
          seen.add(key);
          this.subscribe(s.name, s.params);
        }
      }
    });
    on('reconnected', () => this.emit({ type: 'state' }));
    on('socket_closed', (code: number, reason: string) => {
      if (!this.everConnected && !negotiating && this.client === client && !OWN_DROPS.test(reason ?? '')) {
        this.stopFirstConnect(explainConnectProblem(reason || `socket closed (code ${code})`, client.url), resubscribe);
        return;
      }
      this.lastError = reason ? `${reason} (code ${code})` : `code ${code}`;
      this.warn(`Socket closed (code ${code}${reason ? `, ${reason}` : ''})`);
      const live = [...client.subscriptions.values()].filter((x) => x.state === 'pending' || x.state === 'ready');
      const hasData = [...client.collections.values()].some((c) => c.size > 0);
      const stale = this.freshness.dropped(live.map((x) => ({ id: x.id, ready: x.state === 'ready' })), hasData);
      this.emit({ type: 'state' });
      if (stale) this.emit({ type: 'freshness' });
    });
    on('reconnecting', (info: { attempt: number; delay: number }) => {
      this.info(`Reconnect attempt ${info.attempt} in ${Math.round(info.delay)} ms`);
      this.emit({ type: 'state' });
    });
    on('version_mismatch', (versions: string[]) => {
      this.failure = `DDP version mismatch (tried ${versions.join(', ')})`;
      this.error(this.failure);
      this.emit({ type: 'state' });
      if (!this.everConnected) {
        this.env.hooks?.connectProblem?.(this, { kind: 'version', sentence: `The server speaks none of the DDP versions offered (${versions.join(', ')}).` });
      }
    });
    on('failed', (data: { version?: string }) => {
      negotiating = true;
      this.warn(`Server refused the DDP version${data?.version ? ` (it proposes ${data.version})` : ''}`);
      this.emit({ type: 'state' });
    });
    on('added', (collection: string, id: string) => this.emit({ type: 'doc', op: 'added', collection, id }));
    on('addedBefore', (collection: string, id: string, _f: unknown, before: string | null) =>
      this.emit({ type: 'doc', op: 'added', collection, id, ordered: before !== null }),
    );
    on('changed', (collection: string, id: string) => this.emit({ type: 'doc', op: 'changed', collection, id }));
    on('removed', (collection: string, id: string) => this.emit({ type: 'doc', op: 'removed', collection, id }));
    on('movedBefore', (collection: string, id: string) => this.emit({ type: 'doc', op: 'moved', collection, id }));
    on('ready', (subIds: string[]) => {
      const { reports, fresh } = this.freshness.ready(subIds);
      for (const r of reports) {
        const s = client.subscriptions.get(r.id);
        if (s) this.info(readyLine(`${s.name}${formatParams(s.params)}`, r));
      }
      this.emit({ type: 'subscriptions' });
      if (fresh) this.emit({ type: 'freshness' });
    });
    on('nosub', (id: string, error: Error | undefined) => {
      const s = client.subscriptions.get(id);
      const name = s ? `${s.name}${formatParams(s.params)}` : id;
      if (error) this.error(`Subscription ${name} stopped by the server: ${describeError(error)}`);
      else this.info(`Subscription stopped: ${name}`);
      const fresh = this.freshness.ended(id);
      this.emit({ type: 'subscriptions' });
      if (fresh) this.emit({ type: 'freshness' });
    });
    on('protocol_error', (problem: string) => {
      this.warn(`Protocol error: ${problem}`);
    });
    on('login', (userId: string) => {
      this.info(`Logged in as user ${userId}`);
      this.emit({ type: 'user' });
    });
    on('logout', (reason?: string) => {
      this.info(`Logged out${reason ? `: ${reason}` : ''}`);
      void this.forgetToken();
      this.emit({ type: 'user' });
    });
  }

  /** The stored resume token of a saved connection, read before connecting so the login can go first. */
  private async storedToken(): Promise<string | undefined> {
    if (!this.saved || !this.env.tokens) return undefined;
    try {
      const legacy = this.tokenKey === this.legacyTokenKey;
      const token = await this.env.tokens.get(this.tokenKey);
      if (token && legacy && (await this.ensureId())) {
        // A login stored by name + URL (earlier versions): move it under the connection's new stable id.
        await this.env.tokens.store(this.tokenKey, token);
        await this.env.tokens.delete(this.legacyTokenKey);
      }
      if (token) this.env.log.secret?.(token);
      return token || undefined;
    } catch {
      return undefined;
    }
  }

  /** Gives a saved connection its stable id (through the owner, who writes it to the settings entry). */
  private async ensureId(): Promise<string | undefined> {
    if (this.config.id !== undefined || !this.saved) return this.config.id;
    try {
      const id = await this.env.hooks?.assignId?.(this);
      if (id && this.config.id === undefined) this.config = { ...this.config, id };
    } catch (err) {
      this.warn(`Could not give the connection an id: ${describeError(err)}`);
    }
    return this.config.id;
  }

  /** Sends the resume login at once (a "wait" method: later subscriptions and calls go after it). */
  private resumeStoredLogin(client: DdpClient, token: string | undefined): Promise<void> | undefined {
    if (!token || client.userId) return undefined;
    this.info('Resuming the saved login');
    return client.loginWithToken(token).then(
      async (r) => {
        if (r.token && r.token !== token && this.env.tokens) {
          this.env.log.secret?.(r.token);
          await this.env.tokens.store(this.tokenKey, r.token);
        }
      },
      async (err: unknown) => {
        if (this.client !== client) return;
        this.warn(`Saved login refused: ${describeError(err)}`);
        await this.forgetToken();
      },
    );
  }


  /** Deletes the stored login, under its id and under the name + URL key of earlier versions. */
  async forgetToken(): Promise<void> {
    if (!this.env.tokens) return;
    for (const key of new Set([this.tokenKey, this.legacyTokenKey])) {
      try {
        await this.env.tokens.delete(key);
      } catch {
        /* nothing to do */
      }
    }
  }

  /** Waits for a pending resume login started on connect (tests, and Log In before it finished). */
  async settled(): Promise<void> {
    await this.resumeAttempt;
  }

  private closeClient(): void {
    for (const d of this.detach.splice(0)) d();
    const c = this.client;
    this.client = undefined;
    this.connectedAt = undefined;
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
    if (!this.client) return;
    this.carry = this.liveSubscriptionSpecs();
    this.closeClient();
    this.freshness.reset();
    this.info('Disconnected');
    this.emit({ type: 'collections' });
    this.emit({ type: 'subscriptions' });
    this.emit({ type: 'state' });
  }

  private requireClient(): DdpClient {
    if (!this.client || !this.isActive) throw new Error(`"${this.name}" is not connected`);
    return this.client;
  }

  subscribe(name: string, params: unknown[] = []): string {
    const client = this.requireClient();
    this.info(`Subscribing to ${name}${formatParams(params)}`);
    const id = client.subscribe(name, params, () => this.emit({ type: 'subscriptions' }));
    this.freshness.subscribed(id);
    this.emit({ type: 'subscriptions' });
    return id;
  }

  /** Stops a live subscription; a stopped or failed one is removed from the list instead. */
  unsubscribe(id: string): void {
    const carried = carriedIndex(id);
    if (carried !== undefined) {
      if (!this.client) this.carry.splice(carried, 1);
      this.emit({ type: 'subscriptions' });
      return;
    }
    const client = this.client;
    if (!client) return;
    const s = client.subscriptions.get(id);
    if (s && (s.state === 'pending' || s.state === 'ready')) {
      client.unsubscribe(id);
      this.info(`Unsubscribed from ${s.name}${formatParams(s.params)}`);
    } else {
      this.hidden.add(id);
    }
    const fresh = this.freshness.ended(id);
    this.emit({ type: 'subscriptions' });
    if (fresh) this.emit({ type: 'freshness' });
  }

  subscriptions(): SubscriptionInfo[] {
    return this.client ? [...this.client.subscriptions.values()].filter((s) => !this.hidden.has(s.id)) : [];
  }

  /** Subscriptions stopped by Disconnect that the next connect makes again (ids `carried:<n>`); none while a client exists. */
  carried(): Array<{ id: string; name: string; params: unknown[] }> {
    return this.client ? [] : this.carry.map((c, i) => ({ id: `${CARRIED}${i}`, name: c.name, params: c.params }));
  }

  /** Calls a method, logging the call and its result or error with the duration. */
  async call(method: string, params: unknown[] = []): Promise<CallOutcome> {
    const client = this.requireClient();
    this.info(`Calling ${method}${formatParams(params)}`);
    const t0 = performance.now();
    try {
      const result = await client.call(method, params);
      const ms = Math.round(performance.now() - t0);
      this.info(formatCallResult(method, result, ms));
      return { result, ms };
    } catch (err) {
      const ms = Math.round(performance.now() - t0);
      this.error(formatCallError(method, err, ms));
      throw err;
    }
  }

  /** Logs in with a password (e-mail when the name has "@"); stores the resume token for saved connections. */
  async login(user: string, password: string): Promise<LoginResult> {
    const client = this.requireClient();
    const who = user.includes('@') ? { email: user } : { username: user };
    this.info(`Logging in as ${user}`);
    this.freshness.loginChanged(liveIds(client));
    try {
      const r = await client.login({ ...who, password });
      if (r.token) this.env.log.secret?.(r.token);
      if (this.saved && this.env.tokens && r.token) {
        try {
          await this.ensureId();
          await this.env.tokens.store(this.tokenKey, r.token);
        } catch (err) {
          this.warn(`Could not store the login token: ${describeError(err)}`);
        }
      }
      this.emit({ type: 'user' });
      return r;
    } catch (err) {
      this.error(`Login failed: ${describeError(err)}`);
      throw err;
    }
  }

  async logout(): Promise<void> {
    const client = this.client;
    await this.forgetToken();
    if (client) {
      this.freshness.loginChanged(liveIds(client));
      try {
        await client.logout();
      } finally {
        this.emit({ type: 'user' });
      }
    }
  }

  /** Number of documents over every collection. */
  documentCount(): number {
    let n = 0;
    if (this.client) for (const c of this.client.collections.values()) n += c.size;
    return n;
  }

  dispose(): void {
    this.disposed = true;
    this.closeClient();
    this.listeners.clear();
  }
}


const CARRIED = 'carried:';

function carriedIndex(id: string): number | undefined {
  if (!id.startsWith(CARRIED)) return undefined;
  const n = Number(id.slice(CARRIED.length));
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

function liveIds(client: DdpClient): string[] {
  const out: string[] = [];
  for (const s of client.subscriptions.values()) if (s.state === 'pending' || s.state === 'ready') out.push(s.id);
  return out;
}

/** `Subscription ready: tasks in 36 ms`; a catch-up or a rerun says so and gives its own time, never an old one. */
export function readyLine(name: string, r: ReadyReport): string {
  const time = r.ms !== undefined ? ` in ${r.ms} ms` : '';
  if (!r.again) return `Subscription ready: ${name}${time}`;
  switch (r.cause) {
    case 'reconnect':
      return `Subscription ready again after the reconnect: ${name}${time}`;
    case 'login':
      return `Subscription ready again after the login change: ${name}${time}`;
    default:
      return `Subscription ready again: ${name}${time}`;
  }
}
