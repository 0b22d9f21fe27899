import * as http from 'node:http';
import * as https from 'node:https';
import { excerpt } from '../mask';
import type { SocketError } from '../types';
import { httpRequest, type HttpRequest } from './http';
import { WebSocketChannel, XhrChannel, type Channel, type ChannelEvents } from './sockjsChannels';
import { parseSockJsFrame } from './sockjsFrames';
import { newSessionPath, sockJsUrl } from './sockjsUrls';
import type { DdpSocket, SockJsTransport, SocketHandlers, TransportName, TransportOptions } from './socket';

/**
 * How long one SockJS transport may take to open before the next is tried: sockjs-client's retransmission timeout
 * (4 round trips on a slow link, 300 ms more than one on a fast one) for two round trips, and never under 2 s, so
 * that a busy server is not taken for a broken transport.
 */
export function transportWait(roundTrip: number): number {
  const rto = roundTrip > 100 ? 4 * roundTrip : 300 + roundTrip;
  return Math.max(2000, 2 * rto);
}

/** The /info answer is a small JSON object; anything longer is not SockJS. */
const MAX_INFO = 64 * 1024;

type State = 'info' | 'opening' | 'open' | 'closed';

/**
 * A SockJS session as a message socket: asks `<base>/info` what the server offers, then tries the transports in
 * order (SockJS's WebSocket when the server allows it, then xhr-streaming, then xhr-polling) until one opens (`o`).
 * Frames are read strictly (sockjsFrames.ts); a frame that cannot be read is reported and changes nothing.
 */
export class SockJsSocket implements DdpSocket {
  private state: State = 'info';
  private readonly options: TransportOptions;
  private readonly ownAgent?: http.Agent;
  private info?: HttpRequest;
  private channel?: Channel;
  private name?: TransportName;
  private candidates: SockJsTransport[] = [];
  private lastError?: SocketError;
  private closeTimer?: NodeJS.Immediate;
  /** When /info was asked: its round trip sets how long a transport may take to open. */
  private readonly askedAt = Date.now();
  private roundTrip = 0;
  private transportTimer?: NodeJS.Timeout;
  /** close() started a close handshake on the channel: its end finishes the socket. */
  private closing = false;

  constructor(
    private readonly base: URL,
    options: TransportOptions,
    private readonly on: SocketHandlers,
    /** The server answered /info as SockJS does (before any transport is tried). */
    private readonly onSockJsServer?: () => void,
  ) {
    // Our own keep-alive agent, so the stream and the sends reuse their sockets and close() leaves none behind.
    if (!options.agent) {
      this.ownAgent =
        base.protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
    }
    this.options = { ...options, agent: options.agent ?? this.ownAgent };
    let body = '';
    // Throws synchronously for options no request can be made with (a header with a newline), like a WebSocket.
    this.info = httpRequest('GET', sockJsUrl(base, 'info'), undefined, this.options, {
      data: (text) => {
        body += text;
        if (body.length > MAX_INFO) this.fail(notSockJs(base));
      },
      end: () => this.onInfo(body),
      error: (error) => this.fail(error),
    });
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** The transport in use once open. */
  get transport(): TransportName | undefined {
    return this.name;
  }

  send(text: string): void {
    if (this.state === 'open') this.channel?.send([text]);
  }

  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    const channel = this.channel;
    if (this.state === 'open' && channel?.graceful) {
      // A WebSocket close handshake (bounded by its grace period): the channel's end finishes the socket.
      this.state = 'closed';
      this.closing = true;
      channel.close(code, reason);
      return;
    }
    this.stop();
    this.finishLater(code, reason);
  }

  terminate(): void {
    if (this.state === 'closed') return;
    this.stop();
    this.finishLater(1006, '');
  }

  private onInfo(body: string): void {
    this.info = undefined;
    this.roundTrip = Date.now() - this.askedAt;
    let info: unknown;
    try {
      info = JSON.parse(body);
    } catch {
      info = undefined;
    }
    if (!info || typeof info !== 'object' || typeof (info as { websocket?: unknown }).websocket !== 'boolean')
      return this.fail(notSockJs(this.base));
    const websocket = (info as { websocket: boolean }).websocket;
    this.candidates = this.options.sockjsTransports.filter((t) => t !== 'websocket' || websocket);
    this.onSockJsServer?.();
    if (this.state !== 'info') return;
    this.state = 'opening';
    this.next();
  }

  /** Opens the next transport on a new session, or fails with the last transport's error. */
  private next(): void {
    const transport = this.candidates.shift();
    if (!transport) {
      return this.fail(this.lastError ?? new Error(`No SockJS transport could open ${this.base.href}`));
    }
    const sessionUrl = sockJsUrl(this.base, newSessionPath());
    this.name = `sockjs-${transport}`;
    let channel: Channel;
    const events: ChannelEvents = {
      frame: (text) => {
        if (this.channel === channel) this.onFrame(text);
      },
      ended: (code, reason, error) => {
        if (this.channel === channel) this.onEnded(code, reason, error);
      },
    };
    try {
      channel =
        transport === 'websocket'
          ? new WebSocketChannel(sessionUrl, this.options, events)
          : new XhrChannel(transport === 'xhr-streaming' ? 'xhr_streaming' : 'xhr', sessionUrl, this.options, events);
    } catch (err) {
      this.lastError = err as SocketError;
      return this.next();
    }
    this.channel = channel;
    // A transport that neither opens nor fails (a proxy that swallows the WebSocket upgrade) gives way to the next
    // after a time set from the /info round trip, as sockjs-client does; the last one is left to connectTimeout.
    if (this.candidates.length > 0) {
      const wait = transportWait(this.roundTrip);
      this.transportTimer = setTimeout(() => {
        if (this.channel !== channel || this.state !== 'opening') return;
        this.channel = undefined;
        channel.abort();
        const error: SocketError = new Error(`SockJS ${transport} did not open within ${wait} ms`);
        error.code = 'ETIMEDOUT';
        this.lastError = error;
        this.next();
      }, wait);
    }
  }

  private onFrame(text: string): void {
    const frame = parseSockJsFrame(text);
    switch (frame.type) {
      case 'open':
        if (this.state !== 'opening') return this.on.problem('SockJS open frame on an open session', excerpt(text));
        clearTimeout(this.transportTimer);
        this.state = 'open';
        return this.on.open(this.name ?? 'sockjs-xhr-streaming');
      case 'heartbeat':
        return;
      case 'messages':
        if (this.state !== 'open') return this.on.problem('SockJS messages before the open frame', excerpt(text));
        for (const m of frame.messages) {
          this.on.message(m);
          // A listener may have closed the socket: the rest of the frame is not handed on.
          if (this.state !== 'open') return;
        }
        return;
      case 'close':
        // The server ended the session (c[3000,"Go away!"], c[2010,"Another connection still open"]).
        this.stop();
        return this.finish(frame.code, frame.reason);
      case 'invalid':
        return this.on.problem(frame.problem, excerpt(text));
    }
  }

  private onEnded(code: number, reason: string, error?: SocketError): void {
    this.channel = undefined;
    clearTimeout(this.transportTimer);
    if (this.state === 'opening') {
      // This transport could not open (a proxy refusing the upgrade, an HTTP error): the next one may.
      this.lastError = error ?? this.lastError;
      return this.next();
    }
    if (this.state === 'closed') {
      if (this.closing) this.finish(code, reason);
      return;
    }
    this.stop();
    if (error) this.on.error(error);
    this.finish(code, reason);
  }

  private fail(error: SocketError): void {
    if (this.state === 'closed') return;
    this.stop();
    this.on.error(error);
    this.finish(1006, error.message);
  }

  /** Aborts every request and channel: nothing more is handed on. */
  private stop(): void {
    this.state = 'closed';
    clearTimeout(this.transportTimer);
    this.info?.abort();
    this.info = undefined;
    this.channel?.abort();
    this.channel = undefined;
    this.ownAgent?.destroy();
  }

  private finishLater(code: number, reason: string): void {
    // `close` always comes after close()/terminate() return, as from a WebSocket.
    this.closeTimer = setImmediate(() => this.finish(code, reason));
  }

  private finished = false;
  private finish(code: number, reason: string): void {
    if (this.finished) return;
    this.finished = true;
    if (this.closeTimer) clearImmediate(this.closeTimer);
    this.ownAgent?.destroy();
    this.on.close(code, reason);
  }
}

function notSockJs(base: URL): SocketError {
  return new Error(`${base.href} is not a SockJS endpoint (its /info answer is not SockJS's)`);
}
