import * as http from 'node:http';
import * as https from 'node:https';
import type { SocketError } from '../types';
import { httpStatusError, type TransportOptions } from './socket';

export interface HttpHandlers {
  /** Text of the body as it arrives (UTF-8 decoded across chunk boundaries). */
  data(text: string): void;
  /** The body ended. */
  end(): void;
  /** The request failed: a network or TLS error as Node gives it, or `statusCode` for a status outside 200-299. */
  error(error: SocketError): void;
}

/** An HTTP request in flight; after abort() none of its handlers is called again. */
export interface HttpRequest {
  abort(): void;
}

/**
 * One SockJS HTTP request with the connection's headers, TLS options and agent. Exactly one of `end` and `error`
 * is called, unless the request is aborted first.
 */
export function httpRequest(
  method: 'GET' | 'POST',
  url: string,
  body: string | undefined,
  options: TransportOptions,
  on: HttpHandlers,
): HttpRequest {
  let done = false;
  const finish = (fn: () => void) => {
    if (done) return;
    done = true;
    fn();
  };
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined) {
    headers['content-type'] = 'text/plain;charset=UTF-8';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  const secure = url.startsWith('https:');
  const requestOptions: https.RequestOptions = { method, headers, agent: options.agent };
  if (secure) {
    requestOptions.rejectUnauthorized = options.rejectUnauthorized;
    requestOptions.ca = options.ca;
  }
  // A header value Node refuses (a newline in it) throws here, synchronously, as it does for a WebSocket.
  const req: http.ClientRequest = (secure ? https : http).request(url, requestOptions, (res) => {
    const status = res.statusCode ?? 0;
    if (status < 200 || status > 299) {
      res.resume();
      req.destroy();
      return finish(() => on.error(httpStatusError(status)));
    }
    res.setEncoding('utf8');
    res.on('data', (text: string) => {
      if (!done) on.data(text);
    });
    res.on('end', () => finish(() => on.end()));
    // A response cut short (the server died mid-stream) is an error, not an end.
    res.on('aborted', () => finish(() => on.error(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))));
    res.on('error', (err: SocketError) => finish(() => on.error(err)));
  });
  req.on('error', (err: SocketError) => finish(() => on.error(err)));
  req.end(body);
  return {
    abort() {
      done = true;
      req.destroy();
    },
  };
}
