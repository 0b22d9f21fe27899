import { randomBytes } from 'node:crypto';

const SESSION_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** `/sockjs/<server>/<session>/websocket`: a SockJS transport URL given as the server address. */
const TRANSPORT_PATH = /\/sockjs\/[^/]+\/[^/]+\/websocket$/;

/**
 * Did the user point at SockJS? A `/sockjs` path (as typed, before normalization turned it into `/websocket`),
 * a SockJS transport URL, or Meteor's `ddp+sockjs:` / `ddpi+sockjs:` schemes.
 */
export function pointsAtSockJs(input: string, normalized: string): boolean {
  if (/^ddpi?\+sockjs:/i.test(input.trim())) return true;
  const path = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(input.trim())?.[1] ?? '';
  return /\/sockjs\/?$/i.test(path) || TRANSPORT_PATH.test(new URL(normalized).pathname);
}

/**
 * The SockJS base URL (`http(s)://host/<path>/sockjs`) for a normalized WebSocket URL: a SockJS transport URL
 * gives its own prefix; otherwise Meteor's layout, `/sockjs` beside `/websocket`.
 */
export function sockJsBase(wsUrl: string): URL {
  const url = new URL(wsUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  const path = url.pathname;
  url.pathname = TRANSPORT_PATH.test(path)
    ? path.replace(/\/[^/]+\/[^/]+\/websocket$/, '')
    : `${path.replace(/\/websocket$/, '')}/sockjs`;
  url.hash = '';
  return url;
}

/** `<base>/<leaf>` keeping the base's query string. */
export function sockJsUrl(base: URL, leaf: string): string {
  const url = new URL(base.href);
  url.pathname = `${base.pathname.replace(/\/+$/, '')}/${leaf}`;
  return url.href;
}

/** A new session's path: a random server id (3 digits, for sticky load balancers) and session id. */
export function newSessionPath(): string {
  const bytes = randomBytes(11);
  const server = String(bytes.readUInt16BE(0) % 1000).padStart(3, '0');
  let session = '';
  for (let i = 3; i < 11; i++) session += SESSION_ALPHABET[bytes[i] % SESSION_ALPHABET.length];
  return `${server}/${session}`;
}

/** The WebSocket URL of a SockJS transport URL (http -> ws, https -> wss). */
export function toWebSocketUrl(httpUrl: string): string {
  return httpUrl.replace(/^http/, 'ws');
}
