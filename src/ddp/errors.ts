import type { DdpErrorObject } from './types';

/**
 * Every error the client reports for a call, a subscription, a login or connect() is one of two kinds:
 * - `DdpError` (`kind: 'server'`): the server answered with an error (Meteor.Error on the wire): a method that
 *   threw, a `nosub` with an error, a refused login. Retrying the same request will most likely fail the same way.
 * - `DdpConnectionError` (`kind: 'connection'`): no answer came, or none could be used; `code` says why.
 * Both extend `DdpClientError`; `isDdpError` / `isDdpConnectionError` tell them apart even across copies of the
 * library (where `instanceof` fails). Invalid arguments (params EJSON cannot carry) are a `TypeError` instead.
 */
export abstract class DdpClientError extends Error {
  abstract readonly kind: 'server' | 'connection';
}

/** Meteor's DDPRateLimiter refused the request: `error: 'too-many-requests'`, `details: { timeToReset: <ms> }`. */
export interface RateLimit {
  /**
   * How long the server said to wait before trying again, in whole ms (from `details.timeToReset`, capped at
   * 24 h); undefined when the server sent no usable number (missing, negative, not a finite number).
   */
  readonly retryAfterMs: number | undefined;
}

/** The error code of Meteor's DDPRateLimiter (methods in `result`, subscriptions in `nosub`). */
export const RATE_LIMIT_ERROR = 'too-many-requests';

/** The longest wait a rate-limited answer is believed for: a server is untrusted, a day is already a lot. */
export const MAX_RATE_LIMIT_WAIT = 24 * 60 * 60 * 1000;

/** The rate limit an error object carries (`too-many-requests`), its `details` validated; undefined for others. */
export function rateLimitOf(obj: DdpErrorObject): RateLimit | undefined {
  if (obj.error !== RATE_LIMIT_ERROR) return undefined;
  const details = obj.details;
  const raw =
    details !== null && typeof details === 'object' && !Array.isArray(details)
      ? (details as { timeToReset?: unknown }).timeToReset
      : undefined;
  const retryAfterMs =
    typeof raw === 'number' && Number.isFinite(raw) && raw >= 0
      ? Math.min(MAX_RATE_LIMIT_WAIT, Math.ceil(raw))
      : undefined;
  return { retryAfterMs };
}

/** An error the server sent for a method call or a subscription (Meteor.Error on the wire). */
export class DdpError extends DdpClientError {
  readonly kind = 'server';
  readonly error: string | number;
  readonly reason?: string;
  readonly details?: unknown;
  readonly errorType: string;
  /** Set when the server's rate limiter refused the request (see isRateLimited). */
  declare readonly rateLimit?: RateLimit;

  constructor(obj: DdpErrorObject) {
    // Meteor formats its messages as "reason [error]"; keep the server's own text when it sent one.
    super(
      obj.message ?? (obj.reason !== undefined ? `${obj.reason} [${String(obj.error)}]` : `[${String(obj.error)}]`),
    );
    this.name = 'DdpError';
    this.error = obj.error;
    this.reason = obj.reason;
    this.details = obj.details;
    this.errorType = obj.errorType ?? 'Meteor.Error';
    const rateLimit = rateLimitOf(obj);
    if (rateLimit) this.rateLimit = rateLimit;
  }
}

export type ConnectionErrorCode =
  /** The socket dropped while the request was on the wire (a call without `retry`). */
  | 'CONNECTION_LOST'
  /** The client was closed, or will not connect again on its own (it gave up, versions did not match). */
  | 'CLOSED'
  /** The server speaks none of the offered DDP versions. */
  | 'VERSION_MISMATCH'
  /** The socket failed (refused, DNS, TLS, HTTP status): `cause` holds the original error. */
  | 'SOCKET'
  /** The server's answer to this request could not be read (malformed, nested too deep). */
  | 'PROTOCOL'
  /** The server refused our message itself (a DDP `error` message naming it): it will never be answered. */
  | 'REFUSED'
  /** No answer within the call's `timeout` (or the client's `methodTimeout`). */
  | 'TIMEOUT'
  /** The endpoint speaks something other than raw WebSocket DDP (a SockJS URL): retrying cannot help. */
  | 'UNSUPPORTED_TRANSPORT';

/** The connection, not the server's method or publication, ended the request (see ConnectionErrorCode). */
export class DdpConnectionError extends DdpClientError {
  readonly kind = 'connection';
  readonly code: ConnectionErrorCode;
  /** For TIMEOUT: the limit that ran out, in ms. */
  declare readonly timeout?: number;

  /** `cause`: the original error, e.g. the socket's (`code` ECONNREFUSED, ENOTFOUND, a TLS code; `statusCode`). */
  constructor(code: ConnectionErrorCode, message: string, options?: { cause?: unknown; timeout?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (options?.timeout !== undefined) this.timeout = options.timeout;
    this.name = 'DdpConnectionError';
    this.code = code;
  }
}

/** True for an error the server sent (Meteor.Error): a method error, a `nosub` error, a refused login. */
export function isDdpError(error: unknown): error is DdpError {
  return (
    error instanceof DdpError ||
    (error instanceof Error && (error as Partial<DdpClientError>).kind === 'server' && error.name === 'DdpError')
  );
}

/** True for an error of the connection (see ConnectionErrorCode): no usable answer came. */
export function isDdpConnectionError(error: unknown): error is DdpConnectionError {
  return (
    error instanceof DdpConnectionError ||
    (error instanceof Error &&
      (error as Partial<DdpClientError>).kind === 'connection' &&
      error.name === 'DdpConnectionError')
  );
}

/**
 * True for a request the server's rate limiter refused (Meteor's DDPRateLimiter: a method's `result` or a
 * subscription's `nosub` with error `too-many-requests`); `error.rateLimit.retryAfterMs` says how long to wait.
 */
export function isRateLimited(error: unknown): error is DdpError & { readonly rateLimit: RateLimit } {
  if (!isDdpError(error)) return false;
  const limit = (error as { rateLimit?: unknown }).rateLimit;
  return limit !== null && typeof limit === 'object';
}
