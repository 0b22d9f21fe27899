import WebSocket from 'ws';
import type { SocketError } from '../types';
import type { DdpSocket, SocketHandlers, TransportOptions } from './socket';

/** How long a peer may take to answer our close handshake before the socket is cut. */
const CLOSE_GRACE_MS = 1000;

/**
 * A WebSocket carrying one text message per frame: raw DDP, or (with `onText`) SockJS frames. Binary frames
 * arrive as '' (never a valid frame). Errors keep what Node and `ws` give, with `statusCode` for an HTTP answer.
 */
export class WebSocketSocket implements DdpSocket {
  private readonly ws: WebSocket;
  private closeTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    url: string,
    options: TransportOptions,
    private readonly on: SocketHandlers,
    /** Called for every frame instead of `on.message` (SockJS decodes its frames here). */
    onText?: (text: string, bytes?: Uint8Array) => void,
    onOpen?: () => void,
  ) {
    // A malformed URL or header value throws here, synchronously: the caller decides what that means.
    const ws = new WebSocket(url, {
      headers: options.headers,
      rejectUnauthorized: options.rejectUnauthorized,
      ca: options.ca,
      agent: options.agent,
      maxPayload: options.maxPayload,
      perMessageDeflate: options.compression,
      handshakeTimeout: options.connectTimeout,
    });
    this.ws = ws;
    const text = onText ?? ((t: string, bytes?: Uint8Array) => this.on.message(t, bytes));
    ws.on('open', onOpen ?? (() => this.on.open('websocket')));
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (this.closed) return;
      if (isBinary) return text('');
      const bytes = data as Buffer; // binaryType is "nodebuffer" (ws's default)
      text(bytes.toString(), bytes);
    });
    ws.on('error', (err: SocketError) => {
      const status = /^Unexpected server response: (\d+)$/.exec(err.message);
      if (status && err.statusCode === undefined) err.statusCode = Number(status[1]);
      this.on.error(err);
    });
    ws.on('close', (code: number, reason: Buffer) => {
      clearTimeout(this.closeTimer);
      this.closed = true;
      this.on.close(code, reason.toString());
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(text: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return this.terminate();
    this.ws.close(code, reason);
    // A server that never answers the close handshake must not keep the socket (and the process) alive.
    this.closeTimer = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
  }

  terminate(): void {
    // After terminate() no frame of this socket is handed on, even those already read in the same chunk.
    this.closed = true;
    this.ws.terminate();
  }
}
