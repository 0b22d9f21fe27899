import type { Agent } from 'node:http';
import type { SocketError, SockJsTransport, TransportMode, TransportName } from '../types';

export type { SockJsTransport, TransportMode, TransportName };

/** What every transport needs from the client's options. */
export interface TransportOptions {
  headers?: Record<string, string>;
  rejectUnauthorized?: boolean;
  ca?: string | Buffer | Array<string | Buffer>;
  /** An HTTP(S) agent for every request and upgrade (a proxy agent, for example). */
  agent?: Agent;
  maxPayload: number;
  compression: boolean;
  connectTimeout: number;
  /** SockJS transports to try, in order (default all three). */
  sockjsTransports: SockJsTransport[];
}

/**
 * What a socket tells its owner. Plain callbacks, called at most as documented: `open` once (before any
 * `message`), `error` any number of times before `close`, `close` exactly once and last.
 */
export interface SocketHandlers {
  open(transport: TransportName): void;
  /**
   * One DDP message as text (already unwrapped from SockJS framing), with the bytes it was read from when the
   * transport had them as one WebSocket message (a tap copies those instead of encoding the text again).
   */
  message(text: string, bytes?: Uint8Array): void;
  /** A frame of the transport itself that could not be read (the socket goes on unless it closes). */
  problem(problem: string, frame: string): void;
  error(error: SocketError): void;
  close(code: number, reason: string): void;
}

/** A message socket under the DDP connection: raw WebSocket or a SockJS session. */
export interface DdpSocket {
  /** Open: send() reaches the server. */
  readonly isOpen: boolean;
  send(text: string): void;
  /** Closes cleanly (a WebSocket close handshake, bounded by a grace period); `close` follows. */
  close(code: number, reason: string): void;
  /** Abandons the socket at once; `close` follows. */
  terminate(): void;
}

/** What the user sees for a transport name ("WebSocket", "SockJS (xhr-streaming)"). */
export function describeTransport(name: TransportName): string {
  return name === 'websocket' ? 'WebSocket' : `SockJS (${name.slice('sockjs-'.length)})`;
}

/** An error like those Node and `ws` give, with the HTTP status when the server answered with one. */
export function httpStatusError(status: number): SocketError {
  const err: SocketError = new Error(`Unexpected server response: ${status}`);
  err.statusCode = status;
  return err;
}
