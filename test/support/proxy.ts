// A TCP proxy of our own for fault tests: it sits between a client and a server and can cut connections
// with a TCP RST, stall them (sockets stay open, nothing flows), delay each direction, and split what it
// forwards into small TCP writes. It knows nothing of WebSocket or DDP: it moves bytes.
//
//   const proxy = await startProxy({ port: server.port });
//   const c = new DdpClient(proxy.url);          // ws://127.0.0.1:<proxy port>/websocket
//   proxy.cutAll();                             // RST both sides of every open pair
//
// 'up' is client -> server, 'down' is server -> client.

import { EventEmitter } from 'node:events';
import * as net from 'node:net';

export type Direction = 'up' | 'down';

export interface ProxyOptions {
  /** Target host (default 127.0.0.1). */
  host?: string;
  /** Target port. */
  port: number;
  /** Port to listen on (default 0 = any free port). */
  listenPort?: number;
  /** Delay in ms added to each direction (default 0). */
  delay?: number | Partial<Record<Direction, number>>;
  /** Forward in TCP writes of at most this many bytes, each on its own turn of the event loop (default: as read). */
  chunkSize?: number;
}

interface Pending {
  data: Buffer;
  due: number;
}

/** One direction of one pair: an ordered queue so delays and chunking never reorder bytes. */
class Pipe {
  private queue: Pending[] = [];
  private timer?: NodeJS.Timeout;
  private writing = false;
  held = false;
  /** Bytes handed to the destination socket so far. */
  forwarded = 0;

  constructor(
    private readonly pair: ProxyPair,
    readonly dir: Direction,
    private readonly to: net.Socket,
  ) {}

  push(data: Buffer): void {
    const delay = this.pair.proxy.delayOf(this.dir);
    this.queue.push({ data, due: Date.now() + delay });
    this.pump();
  }

  /** Drops everything queued and stops timers (the pair is gone). */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
    this.drained = [];
  }

  private drained: Array<() => void> = [];

  /** Runs `fn` once everything queued has been written (at once when nothing is). */
  whenDrained(fn: () => void): void {
    if (this.queue.length === 0 && !this.writing) fn();
    else this.drained.push(fn);
  }

  private notifyDrained(): void {
    if (this.queue.length > 0 || this.writing || this.drained.length === 0) return;
    const fns = this.drained;
    this.drained = [];
    for (const fn of fns) fn();
  }

  pump(): void {
    if (this.writing || this.held || this.pair.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length > 0) {
      if (this.held || this.pair.closed) return;
      const head = this.queue[0];
      const wait = head.due - Date.now();
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, wait);
        return;
      }
      const limit = this.pair.cutLimit(this.dir);
      let data = head.data;
      if (limit !== undefined && this.forwarded + data.length >= limit) {
        // Forward exactly up to the limit, then reset the pair.
        data = data.subarray(0, Math.max(0, limit - this.forwarded));
        this.queue = [];
        this.write(data);
        this.pair.cut(`${this.dir} limit of ${limit} bytes reached`);
        return;
      }
      const chunk = this.pair.proxy.chunkSize;
      if (chunk && data.length > chunk) {
        // Small writes, one per event-loop turn, so that each goes out as its own TCP segment.
        this.write(data.subarray(0, chunk));
        head.data = data.subarray(chunk);
        this.writing = true;
        setImmediate(() => {
          this.writing = false;
          this.pump();
        });
        return;
      }
      this.queue.shift();
      this.write(data);
      if (chunk) {
        this.writing = true;
        setImmediate(() => {
          this.writing = false;
          this.pump();
        });
        return;
      }
    }
    this.notifyDrained();
  }

  private write(data: Buffer): void {
    if (data.length === 0 || this.to.destroyed) return;
    this.forwarded += data.length;
    this.pair.proxy.bytes[this.dir] += data.length;
    // A listener may cut the pair on seeing these bytes: then they never arrive.
    this.pair.emit('data', this.dir, data);
    if (this.pair.closed || this.to.destroyed) return;
    this.to.write(data);
  }
}

/** A client connection and its connection to the target. */
export class ProxyPair extends EventEmitter {
  readonly up: Pipe;
  readonly down: Pipe;
  closed = false;
  /** Why the pair ended ('client closed', 'cut: ...', ...). */
  endReason?: string;
  private limits: Partial<Record<Direction, number>> = {};

  constructor(
    readonly proxy: Proxy,
    readonly index: number,
    readonly client: net.Socket,
    readonly server: net.Socket,
  ) {
    super();
    this.setMaxListeners(0);
    this.up = new Pipe(this, 'up', server);
    this.down = new Pipe(this, 'down', client);
  }

  /** Resets both sockets with a TCP RST (socket.resetAndDestroy()). */
  cut(reason = 'cut'): void {
    if (this.closed) return;
    this.finish(`cut: ${reason}`);
    for (const s of [this.client, this.server]) {
      if (s.destroyed) continue;
      // resetAndDestroy needs a connected TCP handle; one still connecting can only be destroyed.
      if (s.connecting || s.pending) s.destroy();
      else s.resetAndDestroy();
    }
  }

  /** Stops forwarding (both directions by default): the sockets stay open, bytes wait in the proxy. */
  stall(dir?: Direction): void {
    for (const p of this.pipes(dir)) p.held = true;
  }

  /** Forwards again what waited and what comes next. */
  resume(dir?: Direction): void {
    for (const p of this.pipes(dir)) {
      p.held = false;
      p.pump();
    }
  }

  /** Resets the pair once `bytes` more bytes (from now) have gone in direction `dir`. */
  cutAfter(dir: Direction, bytes: number): void {
    this.limits[dir] = this.pipe(dir).forwarded + bytes;
    this.pipe(dir).pump();
  }

  /** @internal */
  cutLimit(dir: Direction): number | undefined {
    return this.limits[dir];
  }

  /** @internal */
  finish(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.endReason = reason;
    this.up.dispose();
    this.down.dispose();
    this.proxy.pairs.delete(this);
    this.emit('close', reason);
    this.proxy.emit('pairClosed', this, reason);
  }

  private pipe(dir: Direction): Pipe {
    return dir === 'up' ? this.up : this.down;
  }

  private pipes(dir?: Direction): Pipe[] {
    return dir ? [this.pipe(dir)] : [this.up, this.down];
  }
}

export class Proxy extends EventEmitter {
  /** Open pairs. */
  readonly pairs = new Set<ProxyPair>();
  /** Bytes forwarded so far, per direction, over all pairs. */
  readonly bytes: Record<Direction, number> = { up: 0, down: 0 };
  /** Connections accepted so far. */
  accepted = 0;
  delay: Record<Direction, number>;
  chunkSize?: number;
  /** New pairs start stalled in these directions (to catch a handshake in flight). */
  stallNew: Direction[] = [];
  /** Reset every new connection at once, before any byte goes through (a listener that kills everything). */
  refuseNew = false;
  target: { host: string; port: number };
  private server?: net.Server;
  private _port: number;

  constructor(options: ProxyOptions) {
    super();
    this.setMaxListeners(0);
    this.target = { host: options.host ?? '127.0.0.1', port: options.port };
    this._port = options.listenPort ?? 0;
    const d = options.delay;
    this.delay = typeof d === 'number' ? { up: d, down: d } : { up: d?.up ?? 0, down: d?.down ?? 0 };
    this.chunkSize = options.chunkSize;
  }

  get port(): number {
    return this._port;
  }
  /** The DDP WebSocket URL through this proxy. */
  get url(): string {
    return `ws://127.0.0.1:${this._port}/websocket`;
  }
  get listening(): boolean {
    return !!this.server;
  }

  /** @internal */
  delayOf(dir: Direction): number {
    return this.delay[dir];
  }

  async start(): Promise<this> {
    if (this.server) return this;
    const server = net.createServer((client) => this.onClient(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this._port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this._port = (server.address() as net.AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Cuts every open pair with RST. */
  cutAll(reason = 'cutAll'): number {
    const n = this.pairs.size;
    for (const p of [...this.pairs]) p.cut(reason);
    return n;
  }

  /** Stalls every open pair (new connections still flow, unless `stallNew` says otherwise). */
  stallAll(dir?: Direction): void {
    for (const p of this.pairs) p.stall(dir);
  }

  resumeAll(dir?: Direction): void {
    for (const p of this.pairs) p.resume(dir);
  }

  /** Resolves with the next pair accepted (rejects after `timeout` ms). */
  nextPair(timeout = 2000): Promise<ProxyPair> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('pair', onPair);
        reject(new Error(`timed out after ${timeout} ms waiting for a proxied connection`));
      }, timeout);
      const onPair = (p: ProxyPair) => {
        clearTimeout(timer);
        resolve(p);
      };
      this.once('pair', onPair);
    });
  }

  /** Stops listening and cuts every pair; start() listens again on the same port. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.cutAll('proxy stopped');
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  close(): Promise<void> {
    return this.stop();
  }

  private onClient(client: net.Socket): void {
    const index = this.accepted++;
    client.setNoDelay(true);
    if (this.refuseNew) {
      client.on('error', () => undefined);
      client.resetAndDestroy();
      return;
    }
    const server = net.connect({ host: this.target.host, port: this.target.port });
    server.setNoDelay(true);
    const pair = new ProxyPair(this, index, client, server);
    this.pairs.add(pair);
    for (const d of this.stallNew) pair.stall(d);
    client.on('data', (data) => pair.up.push(data));
    server.on('data', (data) => pair.down.push(data));
    const onError = (who: string) => (err: Error) => {
      // A reset or refused target: reset the other side too, as a real broken path would.
      if (pair.closed) return;
      pair.cut(`${who} error: ${(err as NodeJS.ErrnoException).code ?? err.message}`);
    };
    client.on('error', onError('client'));
    server.on('error', onError('server'));
    // An orderly close of one side ends the other once what it sent has been forwarded (delays included).
    let open = 2;
    const onClose = (who: string, pipe: Pipe, other: net.Socket) => () => {
      open--;
      if (pair.closed) return;
      if (open === 0) return pair.finish(`${who} closed`);
      pipe.whenDrained(() => {
        if (!pair.closed) other.end();
      });
    };
    client.on('close', onClose('client', pair.up, server));
    server.on('close', onClose('server', pair.down, client));
    this.emit('pair', pair);
  }
}

export async function startProxy(options: ProxyOptions): Promise<Proxy> {
  return new Proxy(options).start();
}
