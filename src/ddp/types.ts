// Public types of the DDP client. Everything here is part of the library's API.
import type { Agent } from 'node:http';

/** Which transport a connection asks for (`transport` option). */
export type TransportMode = 'auto' | 'websocket' | 'sockjs';

/** SockJS's own transports, in the order they are tried. */
export type SockJsTransport = 'websocket' | 'xhr-streaming' | 'xhr-polling';

/** The transport a socket actually speaks: raw WebSocket DDP, or SockJS over one of its transports. */
export type TransportName = 'websocket' | 'sockjs-websocket' | 'sockjs-xhr-streaming' | 'sockjs-xhr-polling';

export type DdpVersion = '1' | 'pre2' | 'pre1';

export type ClientStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed' | 'failed';

/** EJSON-decoded top-level fields of a document. */
export type Fields = Record<string, unknown>;

export interface DdpClientOptions {
  /** Reconnect when the socket drops (default true). */
  autoReconnect?: boolean;
  /** First retry delay in ms (default 500, as in python-ddp). */
  autoReconnectTimeout?: number;
  /** Backoff cap in ms (default 30000). */
  maxReconnectTimeout?: number;
  /** Silence in ms before we ping (default 17500; 0 disables the heartbeat). */
  heartbeatInterval?: number;
  /** Time in ms to wait for any frame after our ping (default 15000). */
  heartbeatTimeout?: number;
  /** Time in ms for the socket to open and the server to answer `connect` (default 10000). */
  connectTimeout?: number;
  /** Versions to offer, preferred first (default ['1', 'pre2', 'pre1']). */
  versions?: DdpVersion[];
  /** true logs every frame to the console; a function receives every frame line instead. */
  debug?: boolean | ((line: string) => void);
  /** Extra HTTP headers for the WebSocket upgrade (cookies, auth). */
  headers?: Record<string, string>;
  /** TLS: verify the server certificate (default true). */
  rejectUnauthorized?: boolean;
  /** TLS: extra CA certificates (PEM). */
  ca?: string | Buffer | Array<string | Buffer>;
  /**
   * Offer permessage-deflate (default false). Meteor's server compresses every DDP message on its own, which costs
   * far more than it saves on fast links: on localhost a 20,000-document subscription was ready in 0.5 s without it
   * and in 6 s with it. Turn it on for slow links.
   */
  compression?: boolean;
  /**
   * The HTTP agent for the WebSocket upgrade and every SockJS request, used as is (your own proxy agent, say);
   * `proxy` and `noProxy` are then not read.
   */
  agent?: Agent;
  /**
   * An HTTP(S) proxy to tunnel through with CONNECT (`http://user:pass@proxy:3128`; credentials are sent as
   * Proxy-Authorization Basic and never shown), or false for never a proxy. Default: the environment's
   * HTTPS_PROXY (wss://) or HTTP_PROXY (ws://), lower case first, then ALL_PROXY.
   */
  proxy?: string | false;
  /**
   * Hosts reached without the proxy: `host`, `host:port`, `.suffix` / `*.suffix`, or `*` for all (a comma-separated
   * string or an array). Default: the NO_PROXY environment variable.
   */
  noProxy?: string | readonly string[];
  /** Largest frame accepted, in bytes (default 64 MiB). A larger one closes the socket. */
  maxPayload?: number;
  /**
   * Default `timeout` in ms of every call (default none, as in Meteor: a call waits for its answer). A call with no
   * answer in time rejects with a `DdpConnectionError` (code `TIMEOUT`); a late answer is ignored.
   */
  methodTimeout?: number;
  /**
   * After a reconnect the old documents stay shown until the new session's data is in (every re-sent subscription
   * ready); this is the longest that catch-up may last, in ms (default 30000; 0: no bound, as Meteor). A subscription
   * that has not answered by then no longer holds the data back: what has arrived is applied, and its documents
   * follow as ordinary events when they come.
   */
  resubscribeTimeout?: number;
  /**
   * How to reach the server (default `auto`): `websocket` speaks DDP over a raw WebSocket only; `sockjs` over
   * SockJS (`/sockjs`: its WebSocket transport, then xhr-streaming, then xhr-polling); `auto` tries a raw WebSocket
   * and moves to SockJS for a `/sockjs` URL, when the server refuses the upgrade with an HTTP answer and its
   * `/sockjs/info` answers as SockJS (Meteor started with DISABLE_WEBSOCKETS=1), or when it answers with SockJS framing.
   */
  transport?: TransportMode;
  /** SockJS transports to try, in order (default `['websocket', 'xhr-streaming', 'xhr-polling']`). */
  sockjsTransports?: SockJsTransport[];
}

export interface CallOptions {
  /**
   * Resend the call after a reconnect if it was sent but not answered (Meteor's default). Without it a call lost in a
   * drop rejects with `CONNECTION_LOST`: it may or may not have run, and only the caller knows if twice is safe.
   */
  retry?: boolean;
  /**
   * Meteor's `noRetry`: never resend this call after a reconnect; if the connection drops before its answer it
   * rejects with `CONNECTION_LOST` (Meteor fails it with `invocation-failed`). That is this library's default; it
   * wins over `retry`, so code written for Meteor's options keeps its meaning.
   */
  noRetry?: boolean;
  /**
   * Meteor's "wait" methods: sent once every earlier call has been answered, and every later call waits for this one.
   * Unlike Meteor, later subscriptions wait too (Meteor sends them at once), so that a publication never runs before
   * the login or setup call in front of it.
   */
  wait?: boolean;
  /**
   * Reject with a `DdpConnectionError` (code `TIMEOUT`) when no answer came within this many ms, counted from the
   * call (time queued while disconnected included). Overrides the client's `methodTimeout`; 0 means no limit.
   */
  timeout?: number;
}

/** An error of the socket, as Node and `ws` report it: `code` (ECONNREFUSED, ENOTFOUND, a TLS code) and, when the
 * server answered the upgrade with another HTTP status (404, 200, ...), `statusCode`. */
export type SocketError = Error & { code?: string; statusCode?: number };

/** The shape of a DDP error object as servers send it. */
export interface DdpErrorObject {
  error: string | number;
  reason?: string;
  message?: string;
  details?: unknown;
  errorType?: string;
}

export interface ReconnectInfo {
  /** 1 for the first retry after a drop. */
  attempt: number;
  /** Delay before this attempt, in ms. */
  delay: number;
  /** Epoch ms at which the attempt starts. */
  at: number;
}

export interface LoginResult {
  id: string;
  token: string;
  tokenExpires?: Date;
  type?: string;
}

export type LoginUser = { username: string } | { email: string } | { id: string };

export interface PasswordLogin {
  username?: string;
  email?: string;
  id?: string;
  password: string;
  /**
   * A two-factor code (Rocket.Chat): the login is sent as `{ totp: { login: <the password login>, code } }`, the
   * shape Rocket.Chat's "totp" login handler reads after a first login answered `totp-required`.
   */
  totp?: string;
}

/** One Rocket.Chat stream event (see the README, "Rocket.Chat"): `args` exactly as sent, EJSON decoded. */
export interface StreamEvent {
  /** The stream's collection, e.g. `stream-room-messages`. */
  collection: string;
  eventName: string;
  args: unknown[];
}

/** Event name -> listener arguments. The names follow python-ddp. */
export interface DdpClientEvents {
  connected: [];
  reconnected: [];
  socket_closed: [code: number, reason: string];
  failed: [data: { version?: string }];
  version_mismatch: [versions: string[]];
  added: [collection: string, id: string, fields: Fields];
  changed: [collection: string, id: string, fields: Fields, cleared: string[]];
  removed: [collection: string, id: string];
  addedBefore: [collection: string, id: string, fields: Fields, before: string | null];
  movedBefore: [collection: string, id: string, before: string | null];
  ready: [subIds: string[]];
  nosub: [id: string, error: Error | undefined];
  updated: [methodIds: string[]];
  protocol_error: [problem: string, frame: string];
  /** A Rocket.Chat stream event (a `changed` of a `stream-*` collection with eventName and args): never stored. */
  stream: [event: StreamEvent];
  /** A socket failed (refused, DNS, TLS, HTTP status other than 101): the original error, before `socket_closed`. */
  socket_error: [error: SocketError];
  /** A listener (or callback, or the debug function) threw; the client went on. See the README. */
  listener_error: [error: unknown, event: string];
  /** Every change of `status`. */
  status: [status: ClientStatus];
  /** A reconnect attempt has been scheduled. */
  reconnecting: [info: ReconnectInfo];
  /** A socket is being opened (url). */
  connecting: [url: string];
  login: [userId: string];
  logout: [reason?: string];
  /** Every frame as text, exactly as sent or received (secrets included), before it is handled. */
  message: [frame: RawFrame];
}

/** One frame on the wire, for inspectors and taps. */
export interface RawFrame {
  direction: 'in' | 'out';
  text: string;
  /** Epoch ms when the frame was received or sent. */
  at: number;
  /**
   * The UTF-8 bytes `text` was read from, when it arrived as one WebSocket message (not over SockJS): a tap that
   * keeps frames copies these instead of encoding the text again. Read-only; copy what you keep.
   */
  bytes?: Uint8Array;
}

export type DdpEventName = keyof DdpClientEvents;
