import type { SocketError } from '../types';
import { SockJsSocket } from './sockjsSocket';
import { sockJsBase } from './sockjsUrls';
import type { DdpSocket, SocketHandlers, TransportOptions } from './socket';
import { WebSocketSocket } from './webSocket';

/**
 * Opens one socket to a DDP server: a raw WebSocket, SockJS, or (`auto`) a raw WebSocket that falls back to SockJS
 * when the server refuses the upgrade with an HTTP answer (Meteor with DISABLE_WEBSOCKETS=1 answers 404) and its
 * `/sockjs/info` says it is SockJS. Throws for options no socket can be opened with (a header with a newline).
 */
export function openSocket(
  mode: 'websocket' | 'sockjs' | 'auto',
  wsUrl: string,
  options: TransportOptions,
  on: SocketHandlers,
): DdpSocket {
  if (mode === 'sockjs') return new SockJsSocket(sockJsBase(wsUrl), options, on);
  // `websocket` asks /sockjs/info too after a refused upgrade, only to say plainly what the server is.
  return new FallbackSocket(wsUrl, options, on, mode === 'auto');
}

/** The error code of a raw WebSocket refused by a server that speaks SockJS only (transport `websocket`). */
export const SOCKJS_ONLY = 'ERR_DDP_SOCKJS_ONLY';

/**
 * A raw WebSocket first; on an HTTP refusal of the upgrade, SockJS if the server speaks it (`switchToSockJs`), or else
 * an error with code SOCKJS_ONLY that says so.
 */
class FallbackSocket implements DdpSocket {
  private socket: DdpSocket;
  private opened = false;
  private refusal?: SocketError;
  private sockJsServer = false;
  private upgradeTimer?: NodeJS.Timeout;
  /** The raw WebSocket was given up (its upgrade got no answer in time): what it says from now on is not news. */
  private abandoned = false;

  constructor(
    private readonly wsUrl: string,
    private readonly options: TransportOptions,
    private readonly on: SocketHandlers,
    private readonly switchToSockJs: boolean,
  ) {
    this.socket = new WebSocketSocket(wsUrl, options, {
      open: (name) => {
        clearTimeout(this.upgradeTimer);
        this.opened = true;
        on.open(name);
      },
      message: (text, bytes) => on.message(text, bytes),
      problem: (problem, frame) => on.problem(problem, frame),
      error: (error) => {
        if (this.abandoned) return;
        clearTimeout(this.upgradeTimer);
        // An HTTP answer to the upgrade: held back until /sockjs/info has been asked.
        if (!this.opened && error.statusCode !== undefined) this.refusal = error;
        else on.error(error);
      },
      close: (code, reason) => {
        clearTimeout(this.upgradeTimer);
        if (this.refusal && !this.terminated) return this.trySockJs(code, reason);
        if (this.refusal) on.error(this.refusal);
        on.close(code, reason);
      },
    });
    // `auto`: an upgrade that gets no answer at all (a proxy that swallows it) is not waited for until
    // connectTimeout either: after a third of it, SockJS, which also runs over plain HTTP requests, is tried instead.
    const wait = switchToSockJs ? upgradeWait(options.connectTimeout) : undefined;
    if (wait !== undefined) this.upgradeTimer = setTimeout(() => this.noUpgradeAnswer(wait), wait);
  }

  private noUpgradeAnswer(wait: number): void {
    if (this.opened || this.terminated || this.refusal) return;
    const error: SocketError = new Error(`The WebSocket upgrade got no answer within ${wait / 1000} s`);
    error.code = 'ETIMEDOUT';
    this.refusal = error;
    this.abandoned = true;
    // Its close goes on to trySockJs, with this as the error if the server is not SockJS either.
    this.socket.terminate();
  }

  private terminated = false;

  private trySockJs(code: number, reason: string): void {
    const refusal = this.refusal as SocketError;
    const fallBack = () => {
      // Not SockJS either: the upgrade's refusal is the error that tells the user what is there.
      this.on.error(refusal);
      this.on.close(code, reason);
    };
    try {
      this.socket = new SockJsSocket(
        sockJsBase(this.wsUrl),
        this.options,
        {
          open: (name) => this.on.open(name),
          message: (text) => this.on.message(text),
          problem: (problem, frame) => this.on.problem(problem, frame),
          error: (error) => {
            if (this.sockJsServer) this.on.error(error);
          },
          close: (c, r) => {
            if (!this.sockJsServer && !this.terminated) return fallBack();
            if (this.sockJsServer && !this.switchToSockJs) this.on.error(sockJsOnly(this.wsUrl, refusal));
            this.on.close(c, r);
          },
        },
        () => {
          this.sockJsServer = true;
          // Told, not switched: the socket ends here and its close carries the explanation.
          if (!this.switchToSockJs) this.socket.terminate();
        },
      );
    } catch {
      fallBack();
    }
  }

  get isOpen(): boolean {
    return this.socket.isOpen;
  }
  send(text: string): void {
    this.socket.send(text);
  }
  close(code: number, reason: string): void {
    this.terminated = true;
    clearTimeout(this.upgradeTimer);
    this.socket.close(code, reason);
  }
  terminate(): void {
    this.terminated = true;
    clearTimeout(this.upgradeTimer);
    this.socket.terminate();
  }
}

/** How long `auto` waits for an answer to the raw WebSocket upgrade: a third of connectTimeout, 1 to 3 s (none when that leaves no time). */
export function upgradeWait(connectTimeout: number): number | undefined {
  const wait = Math.min(3000, Math.max(1000, Math.round(connectTimeout / 3)));
  return wait < connectTimeout ? wait : undefined;
}

function sockJsOnly(url: string, refusal: SocketError): SocketError {
  const error: SocketError = new Error(
    `${url} refused the WebSocket upgrade (HTTP ${refusal.statusCode}) and serves DDP over SockJS only (as Meteor with DISABLE_WEBSOCKETS=1); the transport option is 'websocket': use 'sockjs' or 'auto'`,
  );
  error.code = SOCKJS_ONLY;
  error.statusCode = refusal.statusCode;
  return error;
}
