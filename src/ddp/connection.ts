import type { Agent } from 'node:http';
import { backoffDelay } from './backoff';
import { DdpConnectionError } from './errors';
import { excerpt, maskSecrets } from './mask';
import { parseFrame, type ClientMessage, type DataMessage } from './messages';
import { agentFor, type ProxyOptions } from './proxy';
import { openSocket, SOCKJS_ONLY } from './transport/open';
import type { DdpSocket, SockJsTransport, TransportMode, TransportName } from './transport/socket';
import type { ClientStatus, ReconnectInfo, SocketError } from './types';

export interface ConnectionOptions extends ProxyOptions {
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
  /** `auto`: raw WebSocket first, SockJS when the URL points at it or the upgrade is refused. */
  transport: TransportMode;
  /** The user pointed at SockJS (a /sockjs URL): with `auto`, start there. */
  sockJsUrl: boolean;
  sockjsTransports: SockJsTransport[];
  agent?: Agent;
}

/** What the connection tells its owner. Plain callbacks: this is the hot path. */
export interface ConnectionHandlers {
  status(status: ClientStatus): void;
  connecting(url: string): void;
  connected(first: boolean): void;
  message(message: DataMessage): void;
  /**
   * A malformed frame, or (for a frame still read) a note on how it departs from the spec. `methodId` / `subId`:
   * the unreadable frame answered that call or subscription.
   */
  protocolError(problem: string, frame: string, methodId?: string, subId?: string): void;
  /** The socket failed (refused, DNS, TLS, an HTTP status other than 101): the original error. */
  socketError(error: SocketError): void;
  /** The socket is gone (wasConnected: a DDP session had been established on it). */
  socketClosed(code: number, reason: string, wasConnected: boolean): void;
  reconnecting(info: ReconnectInfo): void;
  failed(data: { version?: string }): void;
  versionMismatch(versions: string[]): void;
  /** No further attempt will be made (autoReconnect is off and the socket is gone, or retrying cannot help). */
  gaveUp(error: DdpConnectionError): void;
}

/**
 * One DDP connection over a series of sockets: opening, the `connect` handshake and version negotiation,
 * heartbeats, and reconnecting with backoff. It knows nothing of methods, subscriptions or documents.
 *
 * Every handler may run user code that calls close(), open() or reconnectNow() re-entrantly: after each one the
 * connection checks that the socket (`isCurrent`) or the step (`seq`) it was working on is still the current one.
 */
export class Connection {
  status: ClientStatus = 'idle';
  /** Frame logger; masking costs only while one is set. */
  debug?: (line: string) => void;
  /** Raw frame tap (the client's `message` event): set only while someone listens. */
  tap?: (direction: 'in' | 'out', text: string, at: number, bytes?: Uint8Array) => void;
  /** A DDP session is up on an open socket: messages sent now reach the server. */
  sessionOpen = false;
  version?: string;
  session?: string;
  nextReconnect?: ReconnectInfo;
  /** The transport of the latest socket that opened. */
  transport?: TransportName;

  private ws?: DdpSocket;
  /** `auto` learned the server speaks SockJS only: later sockets start there (until a raw one works again). */
  private sockJsLearned = false;
  /**
   * The SockJS transport the last session opened on: later attempts start from it, so that a transport that had to
   * time out first (a WebSocket upgrade a proxy swallows) is not waited for again on every reconnect. Forgotten when
   * an attempt fails before opening.
   */
  private sockJsFrom?: SockJsTransport;
  private proposing: string;
  /** Versions proposed since the last `connected` (or open()): each is proposed at most once per cycle. */
  private readonly tried = new Set<string>();
  private everConnected = false;
  private attempt = 0;
  private stopped = true;
  private mismatch = false;
  private retryAtOnce = false;
  private lastError?: string;
  private lastSocketError?: SocketError;
  private dropReason?: string;
  private lastReceived = 0;
  private awaitingPong = false;
  /** Bumped by close() and by every socket opened: a step that sees it changed was overtaken. */
  private seq = 0;
  private connectTimer?: NodeJS.Timeout;
  private reconnectTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private pongTimer?: NodeJS.Timeout;

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
    this.tried.clear();
    this.openSocket();
  }

  /** Stops for good: no socket, no timer, no reconnect, and no frame of the old socket is handled any more. */
  close(): void {
    this.stopped = true;
    this.seq++;
    this.sessionOpen = false;
    this.clearTimers();
    clearTimeout(this.reconnectTimer);
    this.nextReconnect = undefined;
    // A clean close when open (the socket bounds the close handshake); otherwise abandoned at once.
    this.ws?.close(1000, 'client closed');
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
    if (!ws || !ws.isOpen) return;
    const text = JSON.stringify(message);
    if (this.debug) this.debug(`> ${maskSecrets(text)}`);
    if (this.tap) this.tap('out', text, Date.now());
    ws.send(text);
  }

  /** Is `ws` the socket this connection still works with (not replaced, dropped or closed)? */
  private isCurrent(ws: DdpSocket): boolean {
    return ws === this.ws && !this.stopped && this.dropReason === undefined;
  }

  private setStatus(status: ClientStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.on.status(status);
  }

  /** Stops without a further attempt and tells the owner why (unless a listener opened again meanwhile). */
  private giveUp(status: ClientStatus, error: DdpConnectionError): void {
    this.stopped = true;
    const seq = ++this.seq;
    this.setStatus(status);
    if (seq === this.seq) this.on.gaveUp(error);
  }

  private openSocket(): void {
    const seq = ++this.seq;
    this.nextReconnect = undefined;
    this.lastError = undefined;
    this.lastSocketError = undefined;
    this.dropReason = undefined;
    this.setStatus(this.everConnected || this.attempt > 0 ? 'reconnecting' : 'connecting');
    if (seq !== this.seq) return;
    this.on.connecting(this.url);
    if (seq !== this.seq) return;
    let ws: DdpSocket | undefined;
    const current = () => ws !== undefined && this.isCurrent(ws);
    try {
      // The proxy (if any) is decided per socket: settings and the environment may change between attempts.
      const options = { ...this.options, agent: agentFor(this.url, this.options) };
      const from = this.sockJsFrom;
      if (from && options.sockjsTransports.includes(from))
        options.sockjsTransports = options.sockjsTransports.slice(options.sockjsTransports.indexOf(from));
      let opened = false;
      ws = openSocket(this.mode(), this.url, options, {
        open: (transport) => {
          if (!current()) return;
          opened = true;
          this.transport = transport;
          this.sockJsFrom = transport.startsWith('sockjs-')
            ? (transport.slice('sockjs-'.length) as SockJsTransport)
            : undefined;
          if (this.options.transport === 'auto') this.sockJsLearned = transport !== 'websocket';
          this.tried.add(this.proposing);
          const connect: ClientMessage = { msg: 'connect', version: this.proposing, support: this.options.versions };
          if (this.session) connect.session = this.session;
          this.send(connect);
        },
        // Frames of one TCP chunk arrive in one go: after close() or a drop the rest are dropped too.
        message: (text, bytes) => {
          if (current()) this.onFrame(ws as DdpSocket, text, bytes);
        },
        problem: (problem, frame) => {
          if (current()) this.on.protocolError(problem, frame);
        },
        error: (err) => {
          this.lastError = err.code && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message;
          this.lastSocketError = err;
          if (current()) this.on.socketError(err);
        },
        close: (code, reason) => {
          if (!opened && current()) this.sockJsFrom = undefined;
          this.onClose(ws as DdpSocket, code, reason);
        },
      });
    } catch (err) {
      // A malformed URL or header value throws synchronously; retrying the same options cannot help.
      this.lastError = (err as Error).message;
      this.on.socketClosed(1006, this.lastError, false);
      if (seq !== this.seq) return;
      this.giveUp(
        'failed',
        new DdpConnectionError('SOCKET', `Could not connect to ${this.url}: ${this.lastError}`, { cause: err }),
      );
      return;
    }
    this.ws = ws;
    this.connectTimer = setTimeout(() => this.drop('connect timed out'), this.options.connectTimeout);
  }

  /** The transport the next socket uses. */
  private mode(): TransportMode {
    const { transport, sockJsUrl } = this.options;
    if (transport !== 'auto') return transport;
    return sockJsUrl || this.sockJsLearned ? 'sockjs' : 'auto';
  }

  private onFrame(ws: DdpSocket, text: string, bytes?: Uint8Array): void {
    this.lastReceived = Date.now();
    if (this.awaitingPong) {
      this.awaitingPong = false;
      clearTimeout(this.pongTimer);
      this.scheduleHeartbeat(this.options.heartbeatInterval);
    }
    if (this.debug) this.debug(`< ${maskSecrets(text)}`);
    if (this.tap) this.tap('in', text, this.lastReceived, bytes);
    if (!this.sessionOpen && this.transport === 'websocket' && isSockJsFrame(text)) return this.sockJs(ws);
    const parsed = parseFrame(text);
    if (!parsed.ok) {
      if (!parsed.ignored) this.on.protocolError(parsed.problem, excerpt(text), parsed.methodId, parsed.subId);
      return;
    }
    const m = parsed.message;
    if (parsed.quirk !== undefined && !(m.msg === 'connected' && this.status === 'connected')) {
      // Read although not standard DDP: said once, so the log shows what the server does.
      this.on.protocolError(parsed.quirk, excerpt(text));
      if (!this.isCurrent(ws)) return;
    }
    switch (m.msg) {
      case 'connected':
        return this.onConnected(ws, m.session, text);
      case 'failed':
        if (this.status === 'connected') {
          // Only an answer to our `connect` can refuse a version; a stray one must not end a live session.
          return this.on.protocolError('"failed" in an established session', excerpt(text));
        }
        return this.onFailed(ws, m.version);
      case 'ping':
        return this.send(m.id === undefined ? { msg: 'pong' } : { msg: 'pong', id: m.id });
      case 'pong':
        return;
      default:
        this.on.message(m);
    }
  }

  /**
   * SockJS framing (`o`, `h`, `a[...]`, `c[...]`) on a raw WebSocket: a SockJS endpoint. With `auto` the next
   * socket speaks SockJS, at once; with `websocket` no retry can change it.
   */
  private sockJs(ws: DdpSocket): void {
    if (this.options.transport === 'auto') {
      this.sockJsLearned = true;
      this.retryAtOnce = true;
      return this.drop('SockJS endpoint: switching to SockJS');
    }
    const raw = this.url.replace(/\/sockjs\/[^/]+\/[^/]+\/websocket$/, '/websocket');
    const hint = raw !== this.url ? raw : 'the raw WebSocket URL (ws://host:port/websocket)';
    const message = `${this.url} is a SockJS endpoint (it answered with SockJS framing) and the transport option is 'websocket': use transport 'sockjs' or 'auto', or ${hint}`;
    this.dropReason = 'SockJS endpoint';
    this.clearTimers();
    ws.terminate();
    this.giveUp('failed', new DdpConnectionError('UNSUPPORTED_TRANSPORT', message));
  }

  private onConnected(ws: DdpSocket, session: string | undefined, text: string): void {
    if (this.status === 'connected') {
      this.on.protocolError('"connected" on an already connected session', excerpt(text));
      return;
    }
    clearTimeout(this.connectTimer);
    this.version = this.proposing;
    this.session = session;
    this.attempt = 0;
    this.tried.clear();
    const first = !this.everConnected;
    this.everConnected = true;
    this.setStatus('connected');
    // A status listener may have closed or dropped the connection: then it never opened.
    if (!this.isCurrent(ws)) return;
    if (this.options.heartbeatInterval > 0 && this.version !== 'pre1')
      this.scheduleHeartbeat(this.options.heartbeatInterval);
    // Opened only now, so that calls made by status listeners queue behind the client's own reconnect work.
    this.sessionOpen = true;
    this.on.connected(first);
  }

  private onFailed(ws: DdpSocket, version: string | undefined): void {
    this.on.failed({ version });
    if (!this.isCurrent(ws)) return;
    if (version !== undefined && !this.tried.has(version) && this.options.versions.includes(version)) {
      // The server named a version we speak and have not tried in this cycle: try it at once, no backoff.
      this.proposing = version;
      this.retryAtOnce = true;
    } else {
      // Refused, with nothing left to try (a server naming a new version each time must not make us loop).
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

  private onClose(ws: DdpSocket, code: number, reason: string): void {
    if (ws === this.ws) this.ws = undefined;
    // A socket replaced by reconnectNow() or a new open() after close() must not disturb the new one.
    if (this.ws) return;
    this.clearTimers();
    this.sessionOpen = false;
    const seq = this.seq;
    const wasConnected = this.status === 'connected';
    const why = reason || this.dropReason || this.lastError || '';
    // Listeners of socket_closed must not see 'connected' any more.
    if (!this.stopped && !this.mismatch && (this.retryAtOnce || this.options.autoReconnect))
      this.setStatus('reconnecting');
    // Always told, even when a status listener already closed or reopened: the owner settles what this socket held.
    this.on.socketClosed(code, why, wasConnected);
    // close(), or a listener that closed or opened again: what follows is no longer this socket's business.
    if (this.stopped || seq !== this.seq) return;
    if (this.lastSocketError?.code === SOCKJS_ONLY) {
      // transport 'websocket' on a server that speaks SockJS only: no retry can change that.
      this.giveUp('failed', new DdpConnectionError('UNSUPPORTED_TRANSPORT', this.lastSocketError.message));
      return;
    }
    if (this.mismatch) {
      this.stopped = true;
      this.setStatus('failed');
      if (seq === this.seq) this.on.versionMismatch([...this.options.versions]);
      return;
    }
    if (this.retryAtOnce) {
      this.retryAtOnce = false;
      return this.openSocket();
    }
    if (!this.options.autoReconnect) {
      const error = new DdpConnectionError(
        'SOCKET',
        `Could not connect to ${this.url}: ${why || `socket closed (${code})`}`,
        {
          cause: this.lastSocketError,
        },
      );
      this.giveUp(wasConnected ? 'closed' : 'failed', error);
      return;
    }
    this.attempt++;
    const delay = backoffDelay(this.attempt, {
      initial: this.options.autoReconnectTimeout,
      max: this.options.maxReconnectTimeout,
    });
    this.nextReconnect = { attempt: this.attempt, delay, at: Date.now() + delay };
    // The timer first: a listener of what follows may close() (which clears it) or reconnect now.
    this.reconnectTimer = setTimeout(() => this.openSocket(), delay);
    this.setStatus('reconnecting');
    if (seq !== this.seq) return;
    this.on.reconnecting(this.nextReconnect);
  }
}

/** SockJS frames: open `o`, heartbeat `h`, messages `a[...]`, close `c[code,"reason"]`. No DDP frame looks so. */
function isSockJsFrame(text: string): boolean {
  if (text.length === 1) return text === 'o' || text === 'h';
  const c = text.charCodeAt(0);
  return (c === 97 /* a */ || c === 99) /* c */ && text.charCodeAt(1) === 91; /* [ */
}
