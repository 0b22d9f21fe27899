// The tap: a local WebSocket proxy on 127.0.0.1 that forwards every message, byte for byte, between an app and its
// DDP server, and records each app connection's frames in a capture of its own. Plain module: no VS Code API.
//
//   const tap = await Tap.start({ target: 'ws://localhost:3000/websocket' });
//   // point the app at tap.url (ws://127.0.0.1:<port>/websocket); tap.clients fills in as apps connect
//   await tap.stop();
import type { IncomingMessage } from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';
import { agentFor, parseProxyUrl, proxyAddress, proxyFor, type ProxyOptions } from '../ddp/proxy';
import { Capture } from './capture';

export interface TapOptions {
  /** The real server (a normalized ws:// or wss:// URL). */
  target: string;
  /** Port on 127.0.0.1 (default 0: any free port). */
  port?: number;
  /** Frames kept per app connection. */
  maxFrames?: number;
  /** Closed app connections kept with their captures (default 20); older ones are forgotten. */
  keepClosed?: number;
  /**
   * How the tap reaches the server: the same proxy, no-proxy list and TLS options as the explorer's own connections
   * (default: the environment's HTTPS_PROXY/NO_PROXY, as DdpClient).
   */
  network?: ProxyOptions;
}

export type TapClientState = 'connecting' | 'open' | 'closed';

/** Headers of the app's upgrade request passed on to the server (sessions, auth, origin checks). */
const FORWARDED_HEADERS = ['cookie', 'authorization', 'origin', 'user-agent'];
/** The largest message forwarded (as DdpClient's default maxPayload, with room). */
const MAX_PAYLOAD = 128 * 1024 * 1024;

/** One app connection through the tap: its two sockets and its capture. */
export class TapClient {
  state: TapClientState = 'connecting';
  /** Why it closed, in plain words (close codes and reasons of both sides, or the error reaching the server). */
  closeReason: string | undefined;
  readonly startedAt = Date.now();
  readonly capture: Capture;
  private readonly upstream: WebSocket;
  private backlog: Array<{ data: WebSocket.RawData; isBinary: boolean }> = [];
  /** The server could not be reached (directly or through the proxy) before the connection opened. */
  private unreachable: 'server' | 'proxy' | undefined;

  constructor(
    readonly id: number,
    /** Address of the app's end, e.g. 127.0.0.1:51234. */
    readonly remote: string,
    private readonly app: WebSocket,
    request: IncomingMessage,
    private readonly tap: Tap,
    maxFrames: number | undefined,
  ) {
    this.capture = new Capture(maxFrames);
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_HEADERS) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const network = tap.network;
    // A new tunnel per app connection; Tap.start checked that the proxy URL can be used.
    const agent = agentFor(tap.target, network);
    const tls = network.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: network.rejectUnauthorized };
    this.upstream = new WebSocket(tap.target, {
      headers,
      perMessageDeflate: false,
      maxPayload: MAX_PAYLOAD,
      ...(agent ? { agent } : {}),
      ...(network.ca ? { ca: network.ca } : {}),
      ...tls,
    });
    this.upstream.on('open', () => {
      this.state = 'open';
      for (const m of this.backlog) this.upstream.send(m.data, { binary: m.isBinary });
      this.backlog = [];
      tap.changed(this);
    });
    this.upstream.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      this.capture.recordBytes('in', bytesOf(data), Date.now());
      if (app.readyState === WebSocket.OPEN) app.send(data, { binary: isBinary });
    });
    app.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      this.capture.recordBytes('out', bytesOf(data), Date.now());
      if (this.upstream.readyState === WebSocket.OPEN) this.upstream.send(data, { binary: isBinary });
      else if (this.upstream.readyState === WebSocket.CONNECTING) this.backlog.push({ data, isBinary });
    });
    this.upstream.on('error', (err: Error & { code?: string; proxy?: string }) => {
      if (this.state !== 'connecting') return;
      this.unreachable = err.proxy !== undefined ? 'proxy' : 'server';
      // A proxy's own error already says which proxy and what it answered.
      this.closeReason =
        err.proxy !== undefined ? err.message : `cannot reach ${tap.target}: ${err.code ?? err.message}`;
    });
    app.on('error', () => undefined);
    this.upstream.on('close', (code: number, reason: Buffer) => this.onClose('server', app, code, reason));
    app.on('close', (code: number, reason: Buffer) => this.onClose('app', this.upstream, code, reason));
  }

  /** One side closed: close the other the same way (a code that cannot be sent becomes a plain cut). */
  private onClose(side: 'app' | 'server', other: WebSocket, code: number, reason: Buffer): void {
    if (this.state !== 'closed') {
      this.state = 'closed';
      const why = reason.length ? `, ${reason.toString()}` : '';
      this.closeReason ??= `${side === 'app' ? 'the app' : 'the server'} closed (code ${code}${why})`;
      this.backlog = [];
      this.tap.changed(this);
    }
    if (other.readyState === WebSocket.OPEN || other.readyState === WebSocket.CONNECTING) {
      if (sendable(code) && other.readyState === WebSocket.OPEN) other.close(code, reason);
      else if (side === 'server' && this.unreachable && other.readyState === WebSocket.OPEN)
        other.close(1011, `tap: cannot reach the server${this.unreachable === 'proxy' ? ' through the proxy' : ''}`);
      else other.terminate();
    }
  }

  /** Cuts both sockets at once. */
  close(): void {
    this.closeReason ??= 'the tap stopped';
    if (this.app.readyState === WebSocket.OPEN) this.app.close(1001, 'tap stopped');
    else this.app.terminate();
    this.upstream.terminate();
    setTimeout(() => this.app.terminate(), 500).unref();
  }
}

function bytesOf(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function sendable(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

export class Tap {
  readonly clients: TapClient[] = [];
  private nextId = 1;
  private listeners = new Set<(client?: TapClient) => void>();
  private stopped = false;

  private constructor(
    private readonly server: WebSocketServer,
    readonly target: string,
    readonly port: number,
    private options: TapOptions,
  ) {
    server.on('connection', (socket: WebSocket, request: IncomingMessage) => {
      if (this.stopped) return socket.terminate();
      const remote = `${request.socket.remoteAddress ?? '?'}:${request.socket.remotePort ?? '?'}`;
      const client = new TapClient(this.nextId++, remote, socket, request, this, this.options.maxFrames);
      this.clients.push(client);
      this.forgetOldClosed();
      this.changed(client);
    });
  }

  /** Starts listening on 127.0.0.1; rejects when the port is taken or the proxy URL cannot be used. */
  static start(options: TapOptions): Promise<Tap> {
    try {
      const proxy = proxyFor(options.target, options.network ?? {});
      if (proxy !== undefined) parseProxyUrl(proxy);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return new Promise((resolve, reject) => {
      const server = new WebSocketServer({
        host: '127.0.0.1',
        port: options.port ?? 0,
        perMessageDeflate: false,
        maxPayload: MAX_PAYLOAD,
      });
      server.once('error', reject);
      server.once('listening', () => {
        server.off('error', reject);
        server.on('error', () => undefined);
        const address = server.address();
        const port = typeof address === 'object' && address ? address.port : 0;
        resolve(new Tap(server, options.target, port, options));
      });
    });
  }

  /** How app connections reach the server (see TapOptions.network). */
  get network(): ProxyOptions {
    return this.options.network ?? {};
  }

  /** host:port of the proxy the server is reached through, or undefined for a direct connection. */
  get proxy(): string | undefined {
    const proxy = proxyFor(this.target, this.network);
    return proxy === undefined ? undefined : proxyAddress(proxy);
  }

  /** The URL an app connects to. */
  get url(): string {
    return `ws://127.0.0.1:${this.port}/websocket`;
  }

  get running(): boolean {
    return !this.stopped;
  }

  /** Called with the client that changed (or nothing when the tap itself did). */
  onChange(listener: (client?: TapClient) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** @internal */
  changed(client?: TapClient): void {
    for (const l of [...this.listeners]) {
      try {
        l(client);
      } catch {
        /* a listener's problem is not the tap's */
      }
    }
  }

  /** A new `ddpExplorer.inspector.maxFrames`: every client's capture now (the newest frames stay), and new clients. */
  setMaxFrames(maxFrames: number): void {
    this.options = { ...this.options, maxFrames };
    for (const c of this.clients) c.capture.resize(maxFrames);
  }

  private forgetOldClosed(): void {
    const keep = this.options.keepClosed ?? 20;
    const closed = this.clients.filter((c) => c.state === 'closed');
    for (const c of closed.slice(0, Math.max(0, closed.length - keep))) this.clients.splice(this.clients.indexOf(c), 1);
  }

  /** Stops listening and closes every socket; resolves when the server is closed. */
  stop(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.stopped = true;
    for (const c of this.clients) c.close();
    return new Promise((resolve) => {
      this.server.close(() => {
        this.changed();
        resolve();
      });
    });
  }
}
