// Demo DDP server for DDP Explorer: live data worth exploring, on mongodb-livedata-server (Meteor's DDP server
// without Meteor), no MongoDB needed: every publication is fed from in-memory data.
//
//   npx tsx test/demo/server.ts [--port 3000]     (or `npm start -- --server-only`)
//
// Import it to run it in-process (e2e tests): `const demo = await startDemoServer({ port: 0 })`,
// `await demo.stop()`, `await demo.start()` (same port again), `demo.data` to change documents.
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { Socket } from 'node:net';
import { DDPServer } from 'mongodb-livedata-server';
import { ClientSafeError } from 'mongodb-livedata-server/dist/meteor/ddp/livedata_server';
import { mutationMethods } from './allowRules';

export const DEMO_USER = { username: 'demo', email: 'demo@example.com', password: 'demo-password', id: 'demo-user-1' };

export type Doc = Record<string, unknown> & { _id: string };
type Listener = (kind: 'added' | 'changed' | 'removed', id: string, fields?: Record<string, unknown>) => void;

/** One in-memory collection whose changes are pushed to every live subscription. */
export class LiveCollection {
  readonly docs = new Map<string, Doc>();
  private listeners = new Set<Listener>();
  constructor(readonly name: string) {}

  insert(doc: Doc): string {
    this.docs.set(doc._id, { ...doc });
    const { _id, ...fields } = doc;
    for (const l of this.listeners) l('added', _id, fields);
    return _id;
  }
  /** Sets fields (a value of `undefined` clears the field). */
  update(id: string, fields: Record<string, unknown>): boolean {
    const doc = this.docs.get(id);
    if (!doc) return false;
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) delete doc[k];
      else doc[k] = v;
    }
    for (const l of this.listeners) l('changed', id, fields);
    return true;
  }
  remove(id: string): boolean {
    if (!this.docs.delete(id)) return false;
    for (const l of this.listeners) l('removed', id);
    return true;
  }
  get(id: string): Doc | undefined {
    return this.docs.get(id);
  }
  /** Publishes this collection into a subscription (`this` of a publish function). */
  publishTo(sub: PublishContext): void {
    for (const doc of this.docs.values()) {
      const { _id, ...fields } = doc;
      sub.added(this.name, _id, fields);
    }
    const listener: Listener = (kind, id, fields) => {
      if (kind === 'added') sub.added(this.name, id, fields ?? {});
      else if (kind === 'changed') sub.changed(this.name, id, fields ?? {});
      else sub.removed(this.name, id);
    };
    this.listeners.add(listener);
    sub.onStop(() => this.listeners.delete(listener));
    sub.ready();
  }
}

/** What mongodb-livedata-server passes as `this` to publish functions (a Subscription). */
interface PublishContext {
  userId: string | null;
  added(collection: string, id: string, fields: Record<string, unknown>): void;
  changed(collection: string, id: string, fields: Record<string, unknown>): void;
  removed(collection: string, id: string): void;
  ready(): void;
  onStop(fn: () => void): void;
  error(err: Error): void;
}
/** What it passes as `this` to methods (a MethodInvocation). */
interface MethodContext {
  userId: string | null;
  setUserId(id: string | null): void;
}

const TASK_TITLES = [
  'Write the release notes',
  'Review pull request #42',
  'Water the office plants',
  'Fix flaky login test',
  'Update dependencies',
  'Plan the team offsite',
  'Reply to support ticket',
  'Refactor the billing module',
];
const WORDS = ['hello', 'ship it', 'lunch?', 'LGTM', 'deploying now', 'who broke main', 'coffee', 'on it', 'done!'];
const AUTHORS = ['ada', 'grace', 'linus', 'margaret', 'ken'];

/** The demo's data; it outlives stop()/start() so a restarted server serves the same documents. */
export class DemoData {
  readonly tasks = new LiveCollection('tasks');
  readonly messages = new LiveCollection('messages');
  readonly big = new LiveCollection('big');
  private taskSeq = 0;
  private messageSeq = 0;
  private tick = 0;

  constructor(bigCount = 20000) {
    const t0 = Date.UTC(2026, 0, 1, 9, 0, 0);
    for (const title of TASK_TITLES) this.addTask(title, new Date(t0 + this.taskSeq * 3600_000));
    for (let i = 0; i < 5; i++) this.addMessage();
    const pad = String(bigCount).length;
    for (let i = 1; i <= bigCount; i++) {
      this.big.docs.set(`big-${String(i).padStart(pad, '0')}`, {
        _id: `big-${String(i).padStart(pad, '0')}`,
        n: i,
        label: `Item ${i}`,
        even: i % 2 === 0,
        tags: i % 3 === 0 ? ['fizz'] : [],
      });
    }
  }

  addTask(title: string, createdAt = new Date()): string {
    this.taskSeq++;
    const id = `task-${this.taskSeq}`;
    return this.tasks.insert({
      _id: id,
      title,
      done: false,
      priority: (this.taskSeq % 3) + 1,
      progress: 0,
      createdAt,
      updatedAt: createdAt,
      owner: { name: AUTHORS[this.taskSeq % AUTHORS.length], team: 'core' },
      checksum: new Uint8Array(createHash('md5').update(title).digest()),
    });
  }

  toggleTask(id: string): boolean {
    const doc = this.tasks.get(id);
    if (!doc) return false;
    return this.tasks.update(id, { done: !doc.done, updatedAt: new Date() });
  }

  addMessage(text?: string): string {
    this.messageSeq++;
    const id = `msg-${this.messageSeq}`;
    const doc: Doc = {
      _id: id,
      text: text ?? WORDS[this.messageSeq % WORDS.length],
      author: AUTHORS[this.messageSeq % AUTHORS.length],
      at: new Date(),
      seq: this.messageSeq,
    };
    if (this.messageSeq % 4 === 0) doc.attachment = new Uint8Array(randomBytes(8));
    this.messages.insert(doc);
    // Keep the last 50.
    const old = `msg-${this.messageSeq - 50}`;
    if (this.messages.get(old)) this.messages.remove(old);
    return id;
  }

  /** One step of background activity: a task changes (progress, done, touched). */
  step(): void {
    this.tick++;
    const ids = [...this.tasks.docs.keys()];
    if (ids.length === 0) return;
    const id = ids[this.tick % ids.length];
    const doc = this.tasks.get(id)!;
    const progress = ((doc.progress as number) + 10) % 110;
    this.tasks.update(id, { progress, updatedAt: new Date() });
  }
}

export interface DemoServerOptions {
  /** Port to try first (default 3000; 0 = any free port). */
  port?: number;
  host?: string;
  /** Try the next ports when `port` is taken (default true). */
  nextFreePort?: boolean;
  /** Background task change interval in ms (default 1500; 0 = off). */
  taskIntervalMs?: number;
  /** New message interval in ms (default 3000; 0 = off). */
  messageIntervalMs?: number;
  /** Number of documents in `big` (default 20000). */
  bigCount?: number;
  /**
   * Serve DDP over SockJS's HTTP transports only, as Meteor started with DISABLE_WEBSOCKETS=1: /websocket and SockJS's
   * WebSocket transport answer 404, xhr-streaming and xhr-polling work (`npm start -- --sockjs`).
   */
  disableWebsockets?: boolean;
  /** Reuse data (so a new server object serves the same documents). */
  data?: DemoData;
}

export class DemoServer {
  readonly data: DemoData;
  readonly host: string;
  port: number;
  private httpServer: http.Server | undefined;
  private sockets = new Set<Socket>();
  private timers: NodeJS.Timeout[] = [];
  private tokens = new Map<string, string>();
  /** Every method call received (login params masked), oldest first. */
  readonly calls: Array<{ method: string; params: unknown[]; at: number }> = [];
  /** Every subscription started (publication name and params), oldest first. */
  readonly subscriptions: Array<{ name: string; params: unknown[]; at: number }> = [];

  constructor(private options: DemoServerOptions = {}) {
    this.data = options.data ?? new DemoData(options.bigCount ?? 20000);
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port ?? 3000;
  }

  /** The address to connect to: the raw WebSocket endpoint, or with WebSockets disabled the SockJS one. */
  get url(): string {
    return this.options.disableWebsockets
      ? `http://${this.host}:${this.port}/sockjs`
      : `ws://${this.host}:${this.port}/websocket`;
  }
  get sockJsOnly(): boolean {
    return this.options.disableWebsockets === true;
  }
  get httpUrl(): string {
    return `http://${this.host}:${this.port}`;
  }
  get running(): boolean {
    return this.httpServer !== undefined;
  }

  /** Starts listening. The first start may move to the next free port; later starts reuse the same port. */
  async start(): Promise<this> {
    if (this.httpServer) return this;
    const first = !this.everStarted;
    const tries = first && this.options.nextFreePort !== false && this.port !== 0 ? 20 : 1;
    let lastErr: unknown;
    for (let i = 0; i < tries; i++) {
      try {
        await this.listen(this.port + i);
        this.everStarted = true;
        this.startTimers();
        return this;
      } catch (err) {
        lastErr = err;
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      }
    }
    throw lastErr;
  }
  private everStarted = false;

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const server = http.createServer((req, res) => {
        if (req.url === '/' || req.url === '/healthz') {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(`DDP Explorer demo server. DDP endpoint: ${this.url}\n`);
          return;
        }
        res.writeHead(404);
        res.end();
      });
      const onError = (err: Error) => {
        server.close();
        reject(err);
      };
      server.once('error', onError);
      server.listen(port, this.host, () => {
        server.off('error', onError);
        this.port = (server.address() as { port: number }).port;
        server.on('connection', (s: Socket) => {
          this.sockets.add(s);
          s.on('close', () => this.sockets.delete(s));
        });
        this.attachDdp(server);
        this.httpServer = server;
        resolve();
      });
    });
  }

  private attachDdp(server: http.Server): void {
    // mongodb-livedata-server reads DISABLE_WEBSOCKETS when its stream server is built: set it for that call only.
    const before = process.env.DISABLE_WEBSOCKETS;
    if (this.options.disableWebsockets) process.env.DISABLE_WEBSOCKETS = '1';
    else delete process.env.DISABLE_WEBSOCKETS;
    let ddp: DDPServer;
    try {
      ddp = new DDPServer({}, server);
    } finally {
      if (before === undefined) delete process.env.DISABLE_WEBSOCKETS;
      else process.env.DISABLE_WEBSOCKETS = before;
    }
    const data = this.data;
    // `limited`: when the last call it let through ran.
    let limitedSince = -Infinity;
    // The library types `this` in publish functions as a MethodInvocation; it is a Subscription.
    type Pub = (this: any, ...args: any[]) => Promise<any>;
    const pubs: Record<string, Pub> = {
      async tasks(this: PublishContext) {
        data.tasks.publishTo(this);
      },
      async messages(this: PublishContext) {
        data.messages.publishTo(this);
      },
      async big(this: PublishContext) {
        data.big.publishTo(this);
      },
      /** Only for logged-in users: shows who you are. */
      async me(this: PublishContext) {
        if (!this.userId) {
          this.error(new ClientSafeError(401, 'Log in first (user "demo")'));
          return;
        }
        this.added('users', this.userId, { username: DEMO_USER.username, emails: [{ address: DEMO_USER.email }] });
        this.ready();
      },
    };
    // Record every subscription started (tests wait for a resubscribe after a restart).
    const subs = this.subscriptions;
    const loggedPubs: Record<string, Pub> = {};
    for (const [name, fn] of Object.entries(pubs)) {
      loggedPubs[name] = function (this: any, ...args: any[]) {
        subs.push({ name, params: args, at: Date.now() });
        return fn.apply(this, args);
      };
    }
    ddp.publish(loggedPubs);

    const tokens = this.tokens;
    const methods: Record<string, (this: any, ...args: any[]) => Promise<any>> = {
      async 'tasks.add'(title: unknown) {
        if (typeof title !== 'string' || !title.trim())
          throw new ClientSafeError(400, 'tasks.add expects a title string');
        return data.addTask(title.trim());
      },
      async 'tasks.toggle'(id: unknown) {
        if (typeof id !== 'string' || !data.tasks.get(id))
          throw new ClientSafeError(404, `No task with id ${String(id)}`);
        data.toggleTask(id);
        return data.tasks.get(id)!.done;
      },
      async 'messages.send'(text: unknown) {
        if (typeof text !== 'string') throw new ClientSafeError(400, 'messages.send expects a string');
        return data.addMessage(text);
      },
      async 'math.add'(a: unknown, b: unknown) {
        if (typeof a !== 'number' || typeof b !== 'number')
          throw new ClientSafeError(400, 'math.add expects two numbers');
        return a + b;
      },
      async slow() {
        await new Promise((r) => setTimeout(r, 2000));
        return { done: true, at: new Date() };
      },
      async fail() {
        throw new ClientSafeError('demo-failure', 'This method always fails (on purpose)', 'see test/demo/server.ts');
      },
      // A hostile server's error: markdown and command links, a codicon and a forged log line, all to be shown as text.
      async hostile() {
        throw new ClientSafeError(
          'hostile',
          'Click [Open Settings](command:workbench.action.openSettings) or [visit](https://evil.example) <command:workbench.action.reloadWindow> $(alert)\n[info] [demo] Logged in as user admin',
        );
      },
      async echo(...args: unknown[]) {
        return args;
      },
      // Meteor's DDPRateLimiter as it answers (one call per 3 s here): a second call within the window is refused
      // with `too-many-requests` and the time to wait, to try the rate-limit countdown and Retry on.
      async limited() {
        const now = Date.now();
        const wait = limitedSince + 3000 - now;
        if (wait > 0)
          throw new ClientSafeError(
            'too-many-requests',
            `Error, too many requests. Please slow down. You must wait ${Math.ceil(wait / 1000)} seconds before trying again.`,
            { timeToReset: wait } as unknown as string,
          );
        limitedSince = now;
        return { ok: true, at: new Date(now) };
      },
      async now() {
        return new Date();
      },
      async whoami(this: MethodContext) {
        return this.userId;
      },
      async login(this: MethodContext, req: any) {
        const bad = () => new ClientSafeError(403, 'Something went wrong. Please check your credentials.');
        if (req && typeof req.resume === 'string') {
          const user = tokens.get(req.resume);
          if (!user) throw new ClientSafeError(403, "You've been logged out by the server. Please log in again.");
          this.setUserId(user);
          return { id: user, token: req.resume, tokenExpires: new Date(Date.now() + 90 * 86400_000), type: 'resume' };
        }
        const u = req?.user ?? {};
        const who = u.username ?? u.email ?? u.id;
        const matches = u.username === DEMO_USER.username || u.email === DEMO_USER.email || u.id === DEMO_USER.id;
        const pw = req?.password;
        const expected = createHash('sha256').update(DEMO_USER.password).digest('hex');
        const ok =
          matches &&
          ((typeof pw === 'object' &&
            pw &&
            pw.algorithm === 'sha-256' &&
            String(pw.digest).toLowerCase() === expected) ||
            pw === DEMO_USER.password);
        if (!who || !ok) throw bad();
        const token = randomBytes(24).toString('base64url');
        tokens.set(token, DEMO_USER.id);
        this.setUserId(DEMO_USER.id);
        return { id: DEMO_USER.id, token, tokenExpires: new Date(Date.now() + 90 * 86400_000), type: 'password' };
      },
      async logout(this: MethodContext) {
        this.setUserId(null);
      },
      // Meteor's /tasks/insert|update|remove with allow rules: the logged-in demo user may write, nobody else.
      ...mutationMethods(data.tasks, (userId) => userId === DEMO_USER.id),
    };
    // Record every call (tests assert what was, or was not, sent).
    const calls = this.calls;
    const logged: typeof methods = {};
    for (const [name, fn] of Object.entries(methods)) {
      logged[name] = function (this: any, ...args: any[]) {
        calls.push({ method: name, params: name === 'login' ? ['***'] : args, at: Date.now() });
        return fn.apply(this, args);
      };
    }
    ddp.methods(logged);
  }

  private startTimers(): void {
    const taskMs = this.options.taskIntervalMs ?? 1500;
    const msgMs = this.options.messageIntervalMs ?? 3000;
    if (taskMs > 0) this.timers.push(setInterval(() => this.data.step(), taskMs));
    if (msgMs > 0) this.timers.push(setInterval(() => this.data.addMessage(), msgMs));
  }

  /** Stops listening and drops every connection (clients see the socket close). The data is kept. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    const server = this.httpServer;
    if (!server) return;
    this.httpServer = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    server.closeAllConnections?.();
    await closed;
  }
}

export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  return new DemoServer(options).start();
}

export function describeDemo(server: DemoServer): string {
  return [
    `DDP demo server listening on ${server.url}${server.sockJsOnly ? ' (WebSockets disabled: DDP over SockJS xhr-streaming / xhr-polling only)' : ''}`,
    `  publications: tasks (changes every 1.5 s), messages (new one every 3 s), big (${server.data.big.docs.size} docs), me (needs login)`,
    `  methods: /tasks/insert|update|remove (allowed when logged in as demo), tasks.add(title), tasks.toggle(id), math.add(a, b), slow() (2 s), fail() (always throws), hostile() (an error with command links), echo(...), now(), whoami()`,
    `  demo login: username "${DEMO_USER.username}" (or ${DEMO_USER.email}), password "${DEMO_USER.password}"`,
  ].join('\n');
}

function parsePort(argv: string[]): number | undefined {
  const i = argv.indexOf('--port');
  const raw = i >= 0 ? argv[i + 1] : process.env.PORT;
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`invalid port: ${raw}`);
  return n;
}

if (require.main === module) {
  startDemoServer({ port: parsePort(process.argv.slice(2)), disableWebsockets: process.argv.includes('--sockjs') })
    .then((server) => {
      console.log(describeDemo(server));
      const shutdown = () => {
        void server.stop().then(() => process.exit(0));
      };
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
