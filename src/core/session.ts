// One connection, saved or ad hoc, and its DdpClient while connected. Plain module: no VS Code API,
// so that it can be tested against a real server; VS Code storage and logging are passed in.
import { DdpClient, normalizeUrl } from '../ddp';
import type { ClientStatus, DdpClientOptions, LoginResult, SubscriptionInfo } from '../ddp';
import { clientOptions } from './config';
import type { ConnectionConfig, Settings } from './config';
import { formatCallResult, formatCallError, formatParams, describeError } from '../presentation/logFormat';

export type SessionState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting' | 'failed';

export type SessionChange =
  | { type: 'state' }
  | { type: 'subscriptions' }
  | { type: 'user' }
  | { type: 'collections' }
  | { type: 'doc'; op: 'added' | 'changed' | 'removed' | 'moved'; collection: string; id: string };

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

export interface CallOutcome {
  result: unknown;
  ms: number;
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

  constructor(
    readonly id: string,
    public config: ConnectionConfig,
    readonly saved: boolean,
    private readonly env: { log: SessionLog; tokens?: TokenStore; settings: () => Settings },
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
    return stateOf(this.client?.status);
  }

  get userId(): string | undefined {
    return this.client?.userId;
  }

  /** Key of this connection's resume token in the token store. */
  get tokenKey(): string {
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
    this.applyTrace(client);
    this.client = client;
    this.wire(client, subs, token);
    this.emit({ type: 'collections' });
    this.emit({ type: 'state' });
    try {
      await client.connect();
    } catch (err) {
      if (this.client === client) {
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

  private wire(client: DdpClient, resubscribe: Array<{ name: string; params: unknown[] }>, token: string | undefined): void {
    let first = true;
    const on = <E extends Parameters<DdpClient['on']>[0]>(event: E, fn: (...args: any[]) => void) => {
      client.on(event, fn as never);
      this.detach.push(() => client.off(event, fn as never));
    };
    on('status', () => this.emit({ type: 'state' }));
    on('connecting', (url: string) => {
      this.info(`Connecting to ${url}`);
      if (this.effectiveOptions().rejectUnauthorized === false && url.startsWith('wss:')) {
        this.warn('TLS certificate verification is OFF for this connection (rejectUnauthorized: false)');
      }
    });
    on('connected', () => {
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
      this.lastError = reason ? `${reason} (code ${code})` : `code ${code}`;
      this.warn(`Socket closed (code ${code}${reason ? `, ${reason}` : ''})`);
      this.emit({ type: 'state' });
    });
    on('reconnecting', (info: { attempt: number; delay: number }) => {
      this.info(`Reconnect attempt ${info.attempt} in ${Math.round(info.delay)} ms`);
      this.emit({ type: 'state' });
    });
    on('version_mismatch', (versions: string[]) => {
      this.failure = `DDP version mismatch (tried ${versions.join(', ')})`;
      this.error(this.failure);
      this.emit({ type: 'state' });
    });
    on('failed', (data: { version?: string }) => {
      this.warn(`Server refused the DDP version${data?.version ? ` (it proposes ${data.version})` : ''}`);
      this.emit({ type: 'state' });
    });
    on('added', (collection: string, id: string) => this.emit({ type: 'doc', op: 'added', collection, id }));
    on('addedBefore', (collection: string, id: string) => this.emit({ type: 'doc', op: 'added', collection, id }));
    on('changed', (collection: string, id: string) => this.emit({ type: 'doc', op: 'changed', collection, id }));
    on('removed', (collection: string, id: string) => this.emit({ type: 'doc', op: 'removed', collection, id }));
    on('movedBefore', (collection: string, id: string) => this.emit({ type: 'doc', op: 'moved', collection, id }));
    on('ready', (subIds: string[]) => {
      for (const id of subIds) {
        const s = client.subscriptions.get(id);
        if (!s) continue;
        const ms = s.readyAt !== undefined ? s.readyAt - s.startedAt : undefined;
        this.info(`Subscription ready: ${s.name}${formatParams(s.params)}${ms !== undefined ? ` in ${ms} ms` : ''}`);
      }
      this.emit({ type: 'subscriptions' });
    });
    on('nosub', (id: string, error: Error | undefined) => {
      const s = client.subscriptions.get(id);
      const name = s ? `${s.name}${formatParams(s.params)}` : id;
      if (error) this.error(`Subscription ${name} stopped by the server: ${describeError(error)}`);
      else this.info(`Subscription stopped: ${name}`);
      this.emit({ type: 'subscriptions' });
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
      const token = await this.env.tokens.get(this.tokenKey);
      if (token) this.env.log.secret?.(token);
      return token || undefined;
    } catch {
      return undefined;
    }
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


  async forgetToken(): Promise<void> {
    if (!this.env.tokens) return;
    try {
      await this.env.tokens.delete(this.tokenKey);
    } catch {
      /* nothing to do */
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
    this.emit({ type: 'subscriptions' });
    return id;
  }

  /** Stops a live subscription; a stopped or failed one is removed from the list instead. */
  unsubscribe(id: string): void {
    const client = this.client;
    if (!client) return;
    const s = client.subscriptions.get(id);
    if (s && (s.state === 'pending' || s.state === 'ready')) {
      client.unsubscribe(id);
      this.info(`Unsubscribed from ${s.name}${formatParams(s.params)}`);
    } else {
      this.hidden.add(id);
    }
    this.emit({ type: 'subscriptions' });
  }

  subscriptions(): SubscriptionInfo[] {
    return this.client ? [...this.client.subscriptions.values()].filter((s) => !this.hidden.has(s.id)) : [];
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
    try {
      const r = await client.login({ ...who, password });
      if (r.token) this.env.log.secret?.(r.token);
      if (this.saved && this.env.tokens && r.token) {
        try {
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

