import WebSocket from 'ws';
import { backoffDelay } from './backoff';
import { excerpt, maskSecrets } from './mask';
import { parseFrame, type ClientMessage, type DataMessage } from './messages';
import type { ClientStatus, ReconnectInfo } from './types';

export interface ConnectionOptions {
  autoReconnect: boolean;
  autoReconnectTimeout: number;
  maxReconnectTimeout: number;
  heartbeatInterval: number;
  heartbeatTimeout: number;
  connectTimeout: number;
  versions: string[];
  headers?: Record<string, string>;
  rejectUnauthorized?: boolean;
  ca?: string | Buffer | Array<string | Buffer>;
  maxPayload: number;
  compression: boolean;
}

/** What the connection tells its owner. Plain callbacks: this is the hot path. */
export interface ConnectionHandlers {
  status(status: ClientStatus): void;
  connecting(url: string): void;
  connected(first: boolean): void;
  message(message: DataMessage): void;
  /** A malformed frame; `methodId` when it was the `result` of that call. */
  protocolError(problem: string, frame: string, methodId?: string): void;
  /** The socket is gone (wasConnected: a DDP session had been established on it). */
  socketClosed(code: number, reason: string, wasConnected: boolean): void;
  reconnecting(info: ReconnectInfo): void;
  failed(data: { version?: string }): void;
  versionMismatch(versions: string[]): void;
  /** autoReconnect is off and the socket is gone: no further attempt will be made. */
  gaveUp(reason: string): void;
}

/**
 * One DDP connection over a series of sockets: opening, the `connect` handshake and version negotiation,
 * heartbeats, and reconnecting with backoff. It knows nothing of methods, subscriptions or documents.
 */
export class Connection {
  status: ClientStatus = 'idle';
  /** Frame logger; masking costs only while one is set. */
  debug?: (line: string) => void;
  /** Raw frame tap (the client's `message` event): set only while someone listens. */
  tap?: (direction: 'in' | 'out', text: string) => void;
  /** A DDP session is up on an open socket: messages sent now reach the server. */
  sessionOpen = false;
  version?: string;
  session?: string;
  nextReconnect?: ReconnectInfo;

  private ws?: WebSocket;
  private proposing: string;
  private everConnected = false;
  private attempt = 0;
  private stopped = true;
  private mismatch = false;
  private retryAtOnce = false;
  private lastError?: string;
  private dropReason?: string;
  private lastReceived = 0;
  private awaitingPong = false;
  private connectTimer?: NodeJS.Timeout;
  private reconnectTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private pongTimer?: NodeJS.Timeout;
  private closeTimer?: NodeJS.Timeout;

  constructor(
    readonly url: string,
    private readonly options: ConnectionOptions,
    private readonly on: ConnectionHandlers,
  ) {
    this.proposing = options.versions[0];
  }

  /** Starts connecting unless already on the way. */
  open(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.mismatch = false;
    this.attempt = 0;
    this.proposing = this.options.versions[0];
    this.openSocket();
  }

  /** Stops for good: no socket, no timer, no reconnect. */
  close(): void {
    this.stopped = true;
    this.sessionOpen = false;
    this.clearTimers();
    clearTimeout(this.reconnectTimer);
    this.nextReconnect = undefined;
    const ws = this.ws;
    if (ws) {
      if (ws.readyState === WebSocket.OPEN) {
        ws.close(1000, 'client closed');
        // A server that never answers the close handshake must not keep the socket (and the process) alive.
        this.closeTimer = setTimeout(() => ws.terminate(), 1000);
      } else {
        ws.terminate();
      }
    }
    this.setStatus('closed');
  }

  /** Skips the backoff wait, or drops the current socket, and connects again at once. */
  reconnectNow(): void {
    if (this.stopped) return this.open();
    if (this.ws) {
      this.retryAtOnce = true;
      this.drop('reconnect requested');
    } else {
      clearTimeout(this.reconnectTimer);
      this.openSocket();
    }
  }

  send(message: ClientMessage): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    const text = JSON.stringify(message);
    if (this.debug) this.debug(`> ${maskSecrets(text)}`);
    if (this.tap) this.tap('out', text);
    ws.send(text);
  }

  private setStatus(status: ClientStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.on.status(status);
  }

  private openSocket(): void {
    this.nextReconnect = undefined;
    this.lastError = undefined;
    this.dropReason = undefined;
    this.setStatus(this.everConnected || this.attempt > 0 ? 'reconnecting' : 'connecting');
    this.on.connecting(this.url);
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url, {
        headers: this.options.headers,
        rejectUnauthorized: this.options.rejectUnauthorized,
        ca: this.options.ca,
        maxPayload: this.options.maxPayload,
        perMessageDeflate: this.options.compression,
        handshakeTimeout: this.options.connectTimeout,
      });
    } catch (err) {
      // Only a malformed URL throws synchronously; normalizeUrl should have caught it.
      this.lastError = (err as Error).message;
      this.setStatus('failed');
      this.stopped = true;
      this.on.socketClosed(1006, this.lastError, false);
      return;
    }
    this.ws = ws;
    this.connectTimer = setTimeout(() => this.drop('connect timed out'), this.options.connectTimeout);
    ws.on('open', () => {
      const connect: ClientMessage = { msg: 'connect', version: this.proposing, support: this.options.versions };
      if (this.session) connect.session = this.session;
      this.send(connect);
    });
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (ws !== this.ws) return;
      this.onFrame(isBinary ? '' : data.toString());
    });
    ws.on('error', (err: Error & { code?: string }) => {
      this.lastError = err.code && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message;
    });
    ws.on('close', (code: number, reason: Buffer) => this.onClose(ws, code, reason.toString()));
  }

  private onFrame(text: string): void {
    this.lastReceived = Date.now();
    if (this.awaitingPong) {
      this.awaitingPong = false;
      clearTimeout(this.pongTimer);
      this.scheduleHeartbeat(this.options.heartbeatInterval);
    }
    if (this.debug) this.debug(`< ${maskSecrets(text)}`);
    if (this.tap) this.tap('in', text);
    const parsed = parseFrame(text);
    if (!parsed.ok) {
      if (!parsed.ignored) this.on.protocolError(parsed.problem, excerpt(text), parsed.methodId);
      return;
    }
    const m = parsed.message;
    switch (m.msg) {
      case 'connected':
        return this.onConnected(m.session);
      case 'failed':
        if (this.status === 'connected') {
          // Only an answer to our `connect` can refuse a version; a stray one must not end a live session.
          return this.on.protocolError('"failed" in an established session', excerpt(text));
        }
        return this.onFailed(m.version);
      case 'ping':
        return this.send(m.id === undefined ? { msg: 'pong' } : { msg: 'pong', id: m.id });
      case 'pong':
        return;
      default:
        this.on.message(m);
    }
  }

  private onConnected(session: string): void {
    if (this.status === 'connected') {
      this.on.protocolError('"connected" on an already connected session', excerpt(JSON.stringify({ msg: 'connected', session })));
      return;
    }
    clearTimeout(this.connectTimer);
    this.version = this.proposing;
    this.session = session;
    this.attempt = 0;
    const first = !this.everConnected;
    this.everConnected = true;
    this.setStatus('connected');
    if (this.options.heartbeatInterval > 0 && this.version !== 'pre1') this.scheduleHeartbeat(this.options.heartbeatInterval);
    // Opened only now, so that calls made by status listeners queue behind the client's own reconnect work.
    this.sessionOpen = true;
    this.on.connected(first);
  }

  private onFailed(version: string | undefined): void {
    this.on.failed({ version });
    if (version !== undefined && version !== this.proposing && this.options.versions.includes(version)) {
      // The server named a version we speak: try it at once, no backoff.
      this.proposing = version;
      this.retryAtOnce = true;
    } else {
      this.mismatch = true;
    }
    this.drop(`version ${this.proposing} refused`);
  }

  private scheduleHeartbeat(delay: number): void {
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = setTimeout(() => this.heartbeatTick(), delay);
  }

  private heartbeatTick(): void {
    const interval = this.options.heartbeatInterval;
    const silent = Date.now() - this.lastReceived;
    if (silent < interval) return this.scheduleHeartbeat(interval - silent);
    this.send({ msg: 'ping' });
    this.awaitingPong = true;
    this.pongTimer = setTimeout(() => this.drop('heartbeat timed out'), this.options.heartbeatTimeout);
  }

  /** Abandons the socket at once; its close event then decides what comes next. */
  private drop(reason: string): void {
    this.dropReason = reason;
    this.ws?.terminate();
  }

  private clearTimers(): void {
    clearTimeout(this.connectTimer);
    clearTimeout(this.heartbeatTimer);
    clearTimeout(this.pongTimer);
    this.awaitingPong = false;
  }

  private onClose(ws: WebSocket, code: number, reason: string): void {
    if (ws === this.ws) this.ws = undefined;
    clearTimeout(this.closeTimer);
    // A socket replaced by reconnectNow() or a new open() after close() must not disturb the new one.
    if (this.ws) return;
    this.clearTimers();
    this.sessionOpen = false;
    const wasConnected = this.status === 'connected';
    const why = reason || this.dropReason || this.lastError || '';
    // Listeners of socket_closed must not see 'connected' any more.
    if (!this.stopped && !this.mismatch && (this.retryAtOnce || this.options.autoReconnect)) this.setStatus('reconnecting');
    this.on.socketClosed(code, why, wasConnected);
    if (this.stopped) return;
    if (this.mismatch) {
      this.stopped = true;
      this.setStatus('failed');
      this.on.versionMismatch([...this.options.versions]);
      return;
    }
    if (this.retryAtOnce) {
      this.retryAtOnce = false;
      return this.openSocket();
    }
    if (!this.options.autoReconnect) {
      this.stopped = true;
      this.setStatus(wasConnected ? 'closed' : 'failed');
      this.on.gaveUp(why || `socket closed (${code})`);
      return;
    }
    this.attempt++;
    const delay = backoffDelay(this.attempt, {
      initial: this.options.autoReconnectTimeout,
      max: this.options.maxReconnectTimeout,
    });
    this.nextReconnect = { attempt: this.attempt, delay, at: Date.now() + delay };
    this.setStatus('reconnecting');
    this.on.reconnecting(this.nextReconnect);
    this.reconnectTimer = setTimeout(() => this.openSocket(), delay);
  }
}
