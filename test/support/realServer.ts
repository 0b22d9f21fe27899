// A real DDP server for integration tests: mongodb-livedata-server (Meteor's ddp-server, ported) started
// in-process on 127.0.0.1, with fixture methods and publications over in-memory data. No MongoDB.
//
// Quirks of this server that tests must allow for (checked against its source):
// - `updated` is sent as soon as the method's write fence is armed, which is before `result` when the
//   method did no fenced writes: `updated` may arrive before `result`.
// - Method handlers run concurrently (the session awaits `sub` handlers only in order of arrival, and does
//   not await methods), so a slow method does not hold back later calls.
// - Incoming `{$binary}` in params is decoded to a utf8 *string*, not bytes: never echo binary through a
//   method and expect bytes back. Outgoing Uint8Array fields are encoded correctly.
// - It supports versions ['1a', '1', 'pre2', 'pre1'] and answers `failed` for a bad `connect`.
// - `sub` for an unknown name -> `nosub` with error 404 "Subscription 'x' not found".
//   `unsub` -> `removed` for the sub's documents, then `nosub {id}`.

import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { EventEmitter } from 'node:events';
import { testTransport, withWebsockets } from './transports';

const { DDPServer } = require('mongodb-livedata-server') as typeof import('mongodb-livedata-server');

const { ClientSafeError } =
  require('mongodb-livedata-server/dist/meteor/ddp/livedata_server') as typeof import('mongodb-livedata-server/dist/meteor/ddp/livedata_server');

export { ClientSafeError };

// The fixture's deliberate crashes make the server log stack traces; keep test output readable by
// dropping exactly those lines (their messages carry FIXTURE_MARK), and nothing else.
const FIXTURE_MARK = '(server-side only)';
let consoleFiltered = false;
function filterFixtureNoise(): void {
  if (consoleFiltered) return;
  consoleFiltered = true;
  for (const level of ['log', 'error', 'warn'] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      const text = args.map((a) => (a instanceof Error ? `${a.message}` : String(a))).join(' ');
      if (text.includes(FIXTURE_MARK)) return;
      original(...args);
    };
  }
}

type Doc = Record<string, unknown>;

/** What a live publication of the fixture store is told about. */
type StoreEvent =
  | { type: 'added'; collection: string; id: string; fields: Doc }
  | { type: 'changed'; collection: string; id: string; fields: Doc }
  | { type: 'removed'; collection: string; id: string };

/**
 * In-memory collections. Publications `docs` (one collection) and `all` (every collection) publish them
 * live: every change made here reaches live subscriptions at once. The store survives stop()/start(),
 * so a test can change data while the server is down and see the difference after a reconnect.
 */
export class FixtureStore extends EventEmitter {
  readonly collections = new Map<string, Map<string, Doc>>();

  private coll(name: string): Map<string, Doc> {
    let c = this.collections.get(name);
    if (!c) {
      c = new Map();
      this.collections.set(name, c);
    }
    return c;
  }

  get(collection: string, id: string): Doc | undefined {
    return this.collections.get(collection)?.get(id);
  }

  /** Adds the document, or replaces it (live subscribers get `changed` with the differing fields and cleared ones). */
  set(collection: string, id: string, fields: Doc): void {
    const c = this.coll(collection);
    const old = c.get(id);
    const copy = { ...fields };
    c.set(id, copy);
    if (!old) {
      this.emit('change', { type: 'added', collection, id, fields: { ...copy } } satisfies StoreEvent);
      return;
    }
    const diff: Doc = {};
    for (const [k, v] of Object.entries(copy)) if (!sameValue(old[k], v)) diff[k] = v;
    for (const k of Object.keys(old)) if (!(k in copy)) diff[k] = undefined; // -> cleared on the wire
    if (Object.keys(diff).length > 0)
      this.emit('change', { type: 'changed', collection, id, fields: diff } satisfies StoreEvent);
  }

  /** Merges top-level fields; a field given as `undefined` is cleared. */
  change(collection: string, id: string, fields: Doc): void {
    const old = this.get(collection, id);
    if (!old) throw new Error(`FixtureStore.change: no document ${collection}/${id}`);
    const next: Doc = { ...old };
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) delete next[k];
      else next[k] = v;
    }
    this.set(collection, id, next);
  }

  remove(collection: string, id: string): void {
    const c = this.collections.get(collection);
    if (!c || !c.delete(id)) return;
    this.emit('change', { type: 'removed', collection, id } satisfies StoreEvent);
  }

  clear(): void {
    for (const [collection, c] of this.collections) for (const id of [...c.keys()]) this.remove(collection, id);
    this.collections.clear();
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.from(a).equals(Buffer.from(b));
  if (a && b && typeof a === 'object' && typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

export interface ReceivedMessage {
  /** Index of the connection (0-based, counting across restarts) that sent it. */
  connection: number;
  /** Server session id. */
  session: string;
  msg: Record<string, any>;
  at: number;
}

export interface RealServerOptions {
  /** Port to listen on (default 0 = any free port). */
  port?: number;
  /** Server heartbeat (ms). Default 0 (off) so that server pings do not disturb tests; set it to test them. */
  heartbeatInterval?: number;
  heartbeatTimeout?: number;
  /**
   * Serve DDP over SockJS's HTTP transports only, as Meteor with DISABLE_WEBSOCKETS=1 (the server reads that variable
   * when it is built). Default: on when DDP_TEST_TRANSPORT names an HTTP transport (test/support/transports.ts).
   */
  disableWebsockets?: boolean;
}

export interface RealServer {
  /** ws://127.0.0.1:PORT/websocket */
  readonly url: string;
  /** http://127.0.0.1:PORT */
  readonly httpUrl: string;
  readonly port: number;
  readonly store: FixtureStore;
  /**
   * Events: 'message' (ReceivedMessage) for every client message after `connect` (not ping/pong),
   * 'connection' (index, sessionId) on every DDP session, 'methodStart' (name, params) when a fixture
   * method begins, 'slow' (key) when a slow method is waiting for release, 'subStart'/'subStop' (name, params).
   */
  readonly events: EventEmitter;
  /** Every client message after `connect`, in arrival order (ping/pong excluded). */
  readonly received: ReceivedMessage[];
  /** Number of DDP sessions opened so far (across restarts). */
  readonly connectionCount: number;
  /** Number of times each fixture method ran (by name). */
  readonly methodRuns: Map<string, number>;
  /** Live subscriptions on the server (name -> count). */
  readonly liveSubs: Map<string, number>;
  readonly running: boolean;
  /** Keys of slow calls waiting for release. */
  pendingSlow(): string[];
  /** Resolves the slow call(s) waiting on `key` with `value` (or rejects with a Meteor error if `error`). */
  release(key: string, value?: unknown, error?: { error: string | number; reason?: string }): number;
  /** Cuts every open client socket abruptly (the server stays up, so clients can reconnect). */
  dropConnections(): void;
  /** Stops listening and cuts every client socket. The port stays reserved for start(). */
  stop(): Promise<void>;
  /** Starts again on the same port. */
  start(): Promise<void>;
  /** Stops for good. */
  close(): Promise<void>;
}

/** Starts a mongodb-livedata-server with the fixture methods and publications. */
export async function startRealServer(options: RealServerOptions = {}): Promise<RealServer> {
  filterFixtureNoise();
  const store = new FixtureStore();
  store.setMaxListeners(0);
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const received: ReceivedMessage[] = [];
  const methodRuns = new Map<string, number>();
  const liveSubs = new Map<string, number>();
  const slow = new Map<string, Array<{ resolve: (v: unknown) => void; reject: (e: unknown) => void }>>();
  let connectionCount = 0;
  let port = options.port ?? 0;
  let httpServer: http.Server | undefined;
  let sockets = new Set<Socket>();
  let running = false;
  const sessionIndex = new Map<string, number>();

  const counted = (name: string, params: unknown[]) => {
    methodRuns.set(name, (methodRuns.get(name) ?? 0) + 1);
    events.emit('methodStart', name, params);
  };

  function subCounter(name: string, params: unknown[], sub: { onStop(f: () => void): void }) {
    liveSubs.set(name, (liveSubs.get(name) ?? 0) + 1);
    events.emit('subStart', name, params);
    sub.onStop(() => {
      liveSubs.set(name, (liveSubs.get(name) ?? 1) - 1);
      events.emit('subStop', name, params);
    });
  }

  /** Publishes every document of `collections` (all when undefined), live. */
  function publishStore(sub: any, name: string, params: unknown[], accept: (collection: string) => boolean): void {
    subCounter(name, params, sub);
    for (const [collection, docs] of store.collections) {
      if (!accept(collection)) continue;
      for (const [id, fields] of docs) sub.added(collection, id, { ...fields });
    }
    const onChange = (e: StoreEvent) => {
      if (!accept(e.collection)) return;
      if (e.type === 'added') sub.added(e.collection, e.id, { ...e.fields });
      else if (e.type === 'changed') sub.changed(e.collection, e.id, { ...e.fields });
      else sub.removed(e.collection, e.id);
    };
    store.on('change', onChange);
    sub.onStop(() => store.off('change', onChange));
    sub.ready();
  }

  function build(): http.Server {
    const server = http.createServer();
    const ddp = withWebsockets(
      !(options.disableWebsockets ?? testTransport().httpOnly),
      () =>
        new DDPServer(
          { heartbeatInterval: options.heartbeatInterval ?? 0, heartbeatTimeout: options.heartbeatTimeout ?? 15000 },
          server,
        ),
    );

    ddp.onConnection((conn: any) => {
      const index = connectionCount++;
      sessionIndex.set(conn.id, index);
      events.emit('connection', index, conn.id);
    });
    ddp.onMessage((msg: any, session: any) => {
      const m: ReceivedMessage = {
        connection: sessionIndex.get(session.id) ?? -1,
        session: session.id,
        msg,
        at: Date.now(),
      };
      received.push(m);
      events.emit('message', m);
    });

    ddp.methods({
      /** Returns its first argument. */
      async echo(...args: unknown[]) {
        counted('echo', args);
        return args[0];
      },
      /** Returns all its arguments as an array. */
      async 'echo.all'(...args: unknown[]) {
        counted('echo.all', args);
        return args;
      },
      async 'math.add'(a: unknown, b: unknown) {
        counted('math.add', [a, b]);
        if (typeof a !== 'number' || typeof b !== 'number')
          throw new ClientSafeError(400, 'math.add needs two numbers');
        return a + b;
      },
      /** Throws a Meteor error: fail(error, reason, details). */
      async fail(error: unknown = 'fixture-error', reason: unknown = 'Fixture failure', details?: unknown) {
        counted('fail', [error, reason, details]);
        throw new ClientSafeError(error as string | number, reason as string, details as string);
      },
      /** Throws a plain exception: the client sees 500 "Internal server error". */
      async crash() {
        counted('crash', []);
        throw new Error('fixture crash (server-side only)');
      },
      /** Returns nothing (no `result` field on the wire). */
      async nothing() {
        counted('nothing', []);
        return undefined;
      },
      /** Waits until the test calls release(key, value). */
      async slow(key: unknown = 'slow') {
        counted('slow', [key]);
        const k = String(key);
        return new Promise((resolve, reject) => {
          const list = slow.get(k) ?? [];
          list.push({ resolve, reject });
          slow.set(k, list);
          events.emit('slow', k);
        });
      },
      /** Counts its own runs: returns how many times `counter` ran so far on this server (across restarts). */
      async counter() {
        counted('counter', []);
        return methodRuns.get('counter');
      },
      /** Sets a document in the fixture store (live subs see added/changed). */
      async 'data.set'(collection: unknown, id: unknown, fields: unknown) {
        counted('data.set', [collection, id, fields]);
        store.set(String(collection), String(id), (fields ?? {}) as Doc);
        return true;
      },
      /** Merges fields (null clears a field, since undefined cannot cross the wire). */
      async 'data.change'(collection: unknown, id: unknown, fields: unknown) {
        counted('data.change', [collection, id, fields]);
        const f: Doc = {};
        for (const [k, v] of Object.entries((fields ?? {}) as Doc)) f[k] = v === null ? undefined : v;
        store.change(String(collection), String(id), f);
        return true;
      },
      async 'data.remove'(collection: unknown, id: unknown) {
        counted('data.remove', [collection, id]);
        store.remove(String(collection), String(id));
        return true;
      },
      /** Returns EJSON values: a Date and a Uint8Array. */
      async 'ejson.values'() {
        counted('ejson.values', []);
        return { when: new Date(Date.UTC(2020, 0, 2, 3, 4, 5, 6)), bytes: new Uint8Array([0, 1, 2, 254, 255]) };
      },
      /** Describes the EJSON types it received (to check the client encodes Dates in params). */
      async 'ejson.describe'(value: unknown) {
        counted('ejson.describe', [value]);
        if (value instanceof Date) return { type: 'Date', time: value.getTime() };
        if (value instanceof Uint8Array) return { type: 'Uint8Array', length: value.length };
        return { type: typeof value, value };
      },
    });

    ddp.publish({
      /** Live: every document of collection `params[0]` in the fixture store. */
      async docs(this: any, collection: unknown) {
        const name = String(collection);
        publishStore(this, 'docs', [collection], (c) => c === name);
      },
      /** Live: every document of every collection in the fixture store. */
      async all(this: any) {
        publishStore(this, 'all', [], () => true);
      },
      /** One document in `ejson` with a Date, a Uint8Array, a nested Date and an escaped key. */
      async ejson(this: any) {
        subCounter('ejson', [], this);
        this.added('ejson', 'e1', {
          when: new Date(Date.UTC(2021, 5, 7, 8, 9, 10, 11)),
          bytes: new Uint8Array([1, 2, 3, 250, 255]),
          nested: { at: new Date(Date.UTC(2000, 0, 1)), list: [new Date(0)] },
          plain: 'text',
          n: 42,
        });
        this.ready();
      },
      /** Publishes one document `params/<id>` whose fields echo the subscription params. */
      async params(this: any, ...args: unknown[]) {
        subCounter('params', args, this);
        const id = typeof args[0] === 'string' ? args[0] : 'p';
        this.added('params', id, { args });
        this.ready();
      },
      /** Stops with a Meteor error: nosub {error: 'not-allowed', reason: 'Fixture says no'}. */
      async denied(this: any) {
        subCounter('denied', [], this);
        this.error(new ClientSafeError('not-allowed', 'Fixture says no'));
      },
      /** Throws a plain error: nosub with 500 Internal server error. */
      async throws(this: any) {
        subCounter('throws', [], this);
        throw new Error('fixture publication crash (server-side only)');
      },
      /** Never becomes ready. */
      async pending(this: any) {
        subCounter('pending', [], this);
      },
      /** Ready with no documents. */
      async empty(this: any) {
        subCounter('empty', [], this);
        this.ready();
      },
    });
    return server;
  }

  async function start(): Promise<void> {
    if (running) return;
    const server = build();
    sockets = new Set();
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    port = (server.address() as AddressInfo).port;
    httpServer = server;
    running = true;
  }

  async function stop(): Promise<void> {
    const server = httpServer;
    if (!server) return;
    httpServer = undefined;
    running = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    sockets.clear();
    server.closeAllConnections?.();
    await closed;
  }

  await start();

  const api: RealServer = {
    get url() {
      return `ws://127.0.0.1:${port}/websocket`;
    },
    get httpUrl() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    store,
    events,
    received,
    get connectionCount() {
      return connectionCount;
    },
    methodRuns,
    liveSubs,
    get running() {
      return running;
    },
    pendingSlow() {
      return [...slow.entries()].filter(([, l]) => l.length > 0).map(([k]) => k);
    },
    release(key, value, error) {
      const list = slow.get(key) ?? [];
      slow.delete(key);
      for (const p of list) {
        if (error) p.reject(new ClientSafeError(error.error, error.reason));
        else p.resolve(value);
      }
      return list.length;
    },
    dropConnections() {
      for (const s of sockets) s.destroy();
    },
    stop,
    start,
    async close() {
      for (const key of [...slow.keys()]) api.release(key, undefined);
      await stop();
    },
  };
  return api;
}
