// A small scriptable DDP server over raw `ws`, for what no real server does on demand: `failed` with a
// chosen version, garbage frames, half-open sockets, ordered addedBefore/movedBefore, server pings,
// Rocket.Chat style `changed` for documents never added. The test drives it frame by frame.

import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import * as http from 'node:http';
import * as https from 'node:https';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WebSocketServer, WebSocket } from 'ws';

/** Test-only self-signed certificate and key (never used for anything but these tests). */
export const TLS_CERT = path.join(__dirname, 'tls', 'cert.pem');
export const TLS_KEY = path.join(__dirname, 'tls', 'key.pem');

export interface Frame {
  /** Connection index (0-based, across restarts). */
  connection: number;
  dir: 'in' | 'out';
  /** The raw text. */
  data: string;
  /** Parsed JSON when the text parses (`in` frames from a correct client always do). */
  msg?: any;
  at: number;
}

export interface ScriptServerOptions {
  port?: number;
  /**
   * Versions this server accepts. A `connect` proposing one of them gets `connected`; any other gets
   * `failed` with `failVersion` (default: the first of `versions` the client listed in `support`, else
   * `versions[0]`) and the socket is closed. Default ['1', 'pre2', 'pre1'].
   */
  versions?: string[];
  /** Always answer `failed` with this version (even one the client does not support). */
  failVersion?: string;
  /** Answer `connect` automatically (default true). When false, the test answers it. */
  autoConnect?: boolean;
  /** Answer pings automatically with pong echoing id (default true). */
  autoPong?: boolean;
  /** Half-open: accept sockets and never send anything at all (default false). */
  silent?: boolean;
  /** Serve wss:// with the self-signed test certificate in test/support/tls (CN and SAN 127.0.0.1, localhost). */
  tls?: boolean;
}

/** One client socket, seen from the server. */
export class ScriptConnection extends EventEmitter {
  readonly received: Frame[] = [];
  readonly sent: Frame[] = [];
  /** Messages (parsed) the client sent, in order. */
  readonly messages: any[] = [];
  closed = false;
  closeCode: number | undefined;
  /** Per-connection overrides (start as the server's settings at accept time). */
  autoPong: boolean;
  silent: boolean;
  private cursor = 0;

  constructor(
    readonly index: number,
    readonly ws: WebSocket,
    private readonly server: ScriptServer,
  ) {
    super();
    this.setMaxListeners(0);
    this.autoPong = server.options.autoPong ?? true;
    this.silent = server.options.silent ?? false;
  }

  /** Sends an object as JSON, or a string as is. */
  send(frame: unknown): void {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return;
    const data = typeof frame === 'string' ? frame : JSON.stringify(frame);
    const f: Frame = { connection: this.index, dir: 'out', data, at: Date.now() };
    try {
      f.msg = JSON.parse(data);
    } catch {
      /* garbage on purpose */
    }
    this.sent.push(f);
    this.server.frames.push(f);
    this.ws.send(data);
  }

  /** Sends several frames in order. */
  sendAll(frames: unknown[]): void {
    for (const f of frames) this.send(f);
  }

  /**
   * Resolves with the next client message (parsed) matching `filter` that the test has not consumed yet
   * through nextMessage; messages that arrived earlier count. Rejects after `timeout` ms.
   */
  nextMessage(filter: (msg: any) => boolean = () => true, timeout = 2000): Promise<any> {
    return new Promise((resolve, reject) => {
      const scan = (): boolean => {
        while (this.cursor < this.messages.length) {
          const m = this.messages[this.cursor++];
          if (filter(m)) {
            resolve(m);
            return true;
          }
        }
        return false;
      };
      if (scan()) return;
      const onMsg = () => {
        if (scan()) cleanup();
      };
      const onClose = () => {
        cleanup();
        reject(new Error(`connection ${this.index} closed while waiting for a message`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeout} ms waiting for a client message on connection ${this.index}`));
      }, timeout);
      const cleanup = () => {
        clearTimeout(timer);
        this.off('message', onMsg);
        this.off('close', onClose);
      };
      this.on('message', onMsg);
      this.on('close', onClose);
    });
  }

  /** Shorthand: next message with this `msg` type. */
  next(type: string, timeout = 2000): Promise<any> {
    return this.nextMessage((m) => m && m.msg === type, timeout);
  }

  /** Waits until the client closes (or the socket is otherwise closed). */
  waitClosed(timeout = 2000): Promise<number | undefined> {
    if (this.closed) return Promise.resolve(this.closeCode);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`connection ${this.index} still open after ${timeout} ms`)),
        timeout,
      );
      this.once('close', (code: number) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  /** Answers a connect (automatic unless autoConnect is false). */
  accept(session = `session-${this.index}`): void {
    this.send({ msg: 'connected', session });
  }

  /** Closes cleanly. */
  close(code = 1000, reason = ''): void {
    this.ws.close(code, reason);
  }

  /** Drops the socket abruptly (no close frame). */
  terminate(): void {
    this.ws.terminate();
  }

  /** Client messages of a given type. */
  ofType(type: string): any[] {
    return this.messages.filter((m) => m && m.msg === type);
  }

  /** @internal */
  handleIncoming(data: string): void {
    const f: Frame = { connection: this.index, dir: 'in', data, at: Date.now() };
    try {
      f.msg = JSON.parse(data);
    } catch {
      /* a client should never send this; kept for assertions */
    }
    this.received.push(f);
    this.server.frames.push(f);
    this.messages.push(f.msg);
    const msg = f.msg;
    if (!this.silent && msg && typeof msg === 'object') {
      if (msg.msg === 'connect' && (this.server.options.autoConnect ?? true)) this.server.answerConnect(this, msg);
      else if (msg.msg === 'ping' && this.autoPong)
        this.send('id' in msg ? { msg: 'pong', id: msg.id } : { msg: 'pong' });
    }
    this.emit('message', msg, data);
    this.server.emit('message', this, msg, data);
  }
}

export class ScriptServer extends EventEmitter {
  readonly connections: ScriptConnection[] = [];
  /** Every frame in both directions, on every connection, in order. */
  readonly frames: Frame[] = [];
  private http: http.Server | undefined;
  private wss: WebSocketServer | undefined;
  private _port: number;
  /** Upgrade request paths seen (to check the client's URL normalisation). */
  readonly paths: string[] = [];
  /** Upgrade request headers seen. */
  readonly requestHeaders: http.IncomingHttpHeaders[] = [];
  private connCursor = 0;

  constructor(readonly options: ScriptServerOptions = {}) {
    super();
    this.setMaxListeners(0);
    this._port = options.port ?? 0;
  }

  get port(): number {
    return this._port;
  }
  get url(): string {
    return `${this.options.tls ? 'wss' : 'ws'}://127.0.0.1:${this._port}/websocket`;
  }
  get running(): boolean {
    return !!this.http;
  }

  /** Last connection accepted. */
  get last(): ScriptConnection | undefined {
    return this.connections[this.connections.length - 1];
  }

  async start(): Promise<this> {
    if (this.http) return this;
    const notFound = (req: http.IncomingMessage, res: http.ServerResponse) => {
      res.writeHead(404);
      res.end();
    };
    const server: http.Server = this.options.tls
      ? https.createServer({ key: fs.readFileSync(TLS_KEY), cert: fs.readFileSync(TLS_CERT) }, notFound)
      : http.createServer(notFound);
    const wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req, socket, head) => {
      this.paths.push(req.url ?? '');
      this.requestHeaders.push(req.headers);
      wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this._port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this._port = (server.address() as AddressInfo).port;
    this.http = server;
    this.wss = wss;
    return this;
  }

  /** Stops listening and drops every socket abruptly; start() reopens on the same port. */
  async stop(): Promise<void> {
    const server = this.http;
    const wss = this.wss;
    this.http = undefined;
    this.wss = undefined;
    if (!server) return;
    for (const c of this.connections) if (!c.closed) c.terminate();
    wss?.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections?.();
    await closed;
  }

  close(): Promise<void> {
    return this.stop();
  }

  /**
   * Resolves with the next connection not yet handed out by nextConnection (earlier ones count).
   * Rejects after `timeout` ms.
   */
  nextConnection(timeout = 2000): Promise<ScriptConnection> {
    if (this.connCursor < this.connections.length) return Promise.resolve(this.connections[this.connCursor++]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('connection', onConn);
        reject(new Error(`timed out after ${timeout} ms waiting for a client connection`));
      }, timeout);
      const onConn = () => {
        clearTimeout(timer);
        this.off('connection', onConn);
        resolve(this.connections[this.connCursor++]);
      };
      this.on('connection', onConn);
    });
  }

  /** Client messages over all connections, in order (parsed). */
  messages(type?: string): any[] {
    return this.frames
      .filter((f) => f.dir === 'in' && (type === undefined || (f.msg && f.msg.msg === type)))
      .map((f) => f.msg);
  }

  /** Sends to every open connection. */
  broadcast(frame: unknown): void {
    for (const c of this.connections) if (!c.closed) c.send(frame);
  }

  /** @internal */
  answerConnect(conn: ScriptConnection, msg: any): void {
    const versions = this.options.versions ?? ['1', 'pre2', 'pre1'];
    if (typeof msg.version === 'string' && versions.includes(msg.version) && this.options.failVersion === undefined) {
      conn.accept();
      return;
    }
    let version = this.options.failVersion;
    if (version === undefined) {
      const support: unknown[] = Array.isArray(msg.support) ? msg.support : [];
      version =
        (support.find((v) => typeof v === 'string' && versions.includes(v)) as string | undefined) ?? versions[0];
    }
    conn.send({ msg: 'failed', version });
    conn.close();
  }

  private onSocket(ws: WebSocket): void {
    const conn = new ScriptConnection(this.connections.length, ws, this);
    this.connections.push(conn);
    ws.on('message', (data, isBinary) =>
      conn.handleIncoming(isBinary ? Buffer.from(data as Buffer).toString('utf8') : String(data)),
    );
    ws.on('close', (code) => {
      conn.closed = true;
      conn.closeCode = code;
      conn.emit('close', code);
      this.emit('close', conn, code);
    });
    ws.on('error', () => {
      /* client went away abruptly; 'close' follows */
    });
    this.emit('connection', conn);
  }
}

export async function startScriptServer(options: ScriptServerOptions = {}): Promise<ScriptServer> {
  return new ScriptServer(options).start();
}
