// The SockJS transports a session runs over. Each hands on raw SockJS frames and tells once how it ended; the
// session (sockjsSocket.ts) reads the frames. Sends are batched: one xhr_send in flight, later messages queued
// behind it, so order is kept.
import type { SocketError } from '../types';
import { httpRequest, type HttpRequest } from './http';
import { encodeSockJsMessages, FrameSplitter } from './sockjsFrames';
import { toWebSocketUrl } from './sockjsUrls';
import type { TransportOptions } from './socket';
import { WebSocketSocket } from './webSocket';

/** Length of xhr-streaming's prelude frame. */
const PRELUDE = 2048;

export interface ChannelEvents {
  /** One SockJS frame as text. */
  frame(text: string): void;
  /** The channel is gone (called once): the error that ended it, if one did. */
  ended(code: number, reason: string, error?: SocketError): void;
}

export interface Channel {
  /** close() is a handshake whose end `ended` reports (a WebSocket); otherwise close() just stops. */
  readonly graceful: boolean;
  send(messages: string[]): void;
  /** A clean close where the transport has one (WebSocket); `ended` follows. */
  close(code: number, reason: string): void;
  /** Stops at once; `ended` is not called. */
  abort(): void;
}

/** The error `ws` gives for a frame over maxPayload, so every transport reports it alike. */
export function payloadTooLarge(): SocketError {
  return Object.assign(new RangeError('Max payload size exceeded'), { code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' });
}

/** SockJS over a WebSocket (`<session>/websocket`): one SockJS frame per WebSocket message. */
export class WebSocketChannel implements Channel {
  readonly graceful = true;
  private readonly ws: WebSocketSocket;
  private error?: SocketError;
  private aborted = false;

  constructor(sessionUrl: string, options: TransportOptions, events: ChannelEvents) {
    this.ws = new WebSocketSocket(
      toWebSocketUrl(`${sessionUrl}/websocket`),
      options,
      {
        open: () => undefined,
        message: () => undefined,
        problem: () => undefined,
        error: (e) => (this.error = e),
        close: (code, reason) => {
          if (!this.aborted) events.ended(code, reason, this.error);
        },
      },
      (text) => {
        if (!this.aborted) events.frame(text);
      },
      () => undefined,
    );
  }

  send(messages: string[]): void {
    this.ws.send(encodeSockJsMessages(messages));
  }
  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }
  abort(): void {
    this.aborted = true;
    this.ws.terminate();
  }
}

/**
 * SockJS over HTTP: `xhr_streaming` (one long response of newline-ended frames, reopened when the server ends it
 * at its response limit) or `xhr` (long polling: one frame per response). Messages go up by `xhr_send`.
 */
export class XhrChannel implements Channel {
  readonly graceful = false;
  private receiving?: HttpRequest;
  private sending?: HttpRequest;
  private queue: string[] = [];
  private done = false;

  constructor(
    private readonly leaf: 'xhr_streaming' | 'xhr',
    private readonly sessionUrl: string,
    private readonly options: TransportOptions,
    private readonly events: ChannelEvents,
  ) {
    this.receive();
  }

  private receive(): void {
    // xhr-streaming opens with a 2 KiB prelude (2048 `h` and a newline): the limit cannot be below it.
    const splitter = new FrameSplitter(Math.max(this.options.maxPayload, PRELUDE));
    let frames = 0;
    this.receiving = httpRequest('POST', `${this.sessionUrl}/${this.leaf}`, undefined, this.options, {
      data: (text) => {
        const got = splitter.push(text);
        if (!got) return this.end(1009, '', payloadTooLarge());
        for (const frame of got) {
          frames++;
          this.events.frame(frame);
          if (this.done) return;
        }
      },
      end: () => {
        // A response without a single frame would make us poll in a tight loop: the server is not SockJS.
        if (frames === 0) return this.end(1006, 'SockJS response without a frame');
        this.receive();
      },
      error: (error) => this.end(1006, error.message, error),
    });
  }

  send(messages: string[]): void {
    for (const m of messages) this.queue.push(m);
    this.flush();
  }

  private flush(): void {
    if (this.sending || this.done || this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.sending = httpRequest('POST', `${this.sessionUrl}/xhr_send`, encodeSockJsMessages(batch), this.options, {
      data: () => undefined,
      end: () => {
        this.sending = undefined;
        this.flush();
      },
      error: (error) => this.end(1006, error.message, error),
    });
  }

  /** HTTP has no close handshake: the server ends the session after its disconnect delay. */
  close(): void {
    this.abort();
  }

  abort(): void {
    this.done = true;
    this.receiving?.abort();
    this.sending?.abort();
    this.queue = [];
  }

  private end(code: number, reason: string, error?: SocketError): void {
    if (this.done) return;
    this.abort();
    this.events.ended(code, reason, error);
  }
}
