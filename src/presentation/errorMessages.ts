// The one place where an error becomes the user's words: the library's codes (DdpError from the server,
// DdpConnectionError's TIMEOUT, CLOSED, CONNECTION_LOST, ...) and the session layer's (SessionError). Every
// notification path goes through here. Plain module: no VS Code API. Codes are read as strings, so that a code the
// library adds later shows its own text instead of breaking anything.
import { isRateLimited } from '../ddp/errors';
import { isSessionError } from '../core/sessionError';
import { describeError } from './logFormat';

/** What the user was doing: the same code reads differently for a method call and for a login. */
export type ErrorAction = 'call' | 'subscribe' | 'login' | 'logout' | 'command';

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The limit a timed-out request waited, when the library says it (`error.timeout`, ms). */
function within(err: unknown): string {
  const ms = (err as { timeout?: unknown } | undefined)?.timeout;
  if (typeof ms !== 'number') return 'in time';
  const s = ms / 1000;
  return `within ${Number.isInteger(s) ? s : s.toFixed(1)} s (ddpExplorer.methodTimeout)`;
}

/** The sentence for a connection-side failure, or undefined when the error's own text says it best. */
function connectionMessage(err: unknown, code: string, action: ErrorAction): string | undefined {
  const mayHaveRun = action === 'call' ? ' (the method may or may not have run)' : '';
  switch (code) {
    case 'TIMEOUT':
      return action === 'call'
        ? `the server did not answer ${within(err)}; the method may still run on the server`
        : `the server did not answer ${within(err)}`;
    case 'CONNECTION_LOST':
      return `the connection dropped before the answer${mayHaveRun}`;
    case 'CLOSED':
      return 'the connection was closed before the answer';
    case 'UNSUPPORTED_TRANSPORT':
      return 'this address speaks SockJS only and the connection\'s "transport" option is "websocket": set it to "auto" or "sockjs" (or use the plain WebSocket endpoint, which Meteor serves at /websocket)';
    case 'VERSION_MISMATCH':
      return 'the server speaks none of the DDP versions offered';
    default:
      // PROTOCOL, SOCKET and codes added later: the library's message says what happened.
      return undefined;
  }
}

/**
 * The user's words for an error. A server's error (DdpError) is its reason and code, `Bad thing [oops]`; server
 * text is escaped (one line, no credentials, secrets masked) by describeError.
 */
export function errorMessage(err: unknown, action: ErrorAction = 'command'): string {
  // The session layer's messages are written for the user already.
  if (isSessionError(err)) return err.message;
  const wait = rateLimitWait(err);
  if (wait !== undefined) return `rate limited by the server: ${retryIn(wait)}`;
  const code = codeOf(err);
  if (code !== undefined) {
    const sentence = connectionMessage(err, code, action);
    if (sentence) return sentence;
  }
  return describeError(err);
}

/** The notification text for a failed call: `fail: <reason> [<error>]`, the connection's failures in plain words. */
export function callErrorNotification(method: string, err: unknown): string {
  return `${method}: ${errorMessage(err, 'call')}`;
}

/**
 * The wait a rate-limited request (Meteor's `too-many-requests`) was given, in ms (`null`: the server gave none we
 * can use); undefined for any other error.
 */
export function rateLimitWait(err: unknown): number | null | undefined {
  if (!isRateLimited(err)) return undefined;
  return err.rateLimit.retryAfterMs ?? null;
}

/** "retry in 3 s" (whole seconds, rounded up), "retry in 2 min", or "retry later" when the wait is unknown. */
export function retryIn(ms: number | null): string {
  if (ms === null) return 'retry later';
  const s = Math.ceil(ms / 1000);
  if (s < 120) return `retry in ${Math.max(0, s)} s`;
  const min = Math.ceil(s / 60);
  return min < 120 ? `retry in ${min} min` : `retry in ${Math.ceil(min / 60)} h`;
}

/** What was refused, for the notification: a method's name, or `subscription <name>`. */
export function rateLimitedMessage(what: string, ms: number | null): string {
  return `${what} was rate limited by the server: ${retryIn(ms)}`;
}

/** Once the wait is over: the notification that offers Retry. */
export function rateLimitOverMessage(what: string): string {
  return `${what} can be retried now (the server's rate limit has reset)`;
}
