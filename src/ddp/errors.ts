import type { DdpErrorObject } from './types';

/** An error the server sent for a method call or a subscription (Meteor.Error on the wire). */
export class DdpError extends Error {
  readonly error: string | number;
  readonly reason?: string;
  readonly details?: unknown;
  readonly errorType: string;

  constructor(obj: DdpErrorObject) {
    // Meteor formats its messages as "reason [error]"; keep the server's own text when it sent one.
    super(obj.message ?? (obj.reason !== undefined ? `${obj.reason} [${obj.error}]` : `[${obj.error}]`));
    this.name = 'DdpError';
    this.error = obj.error;
    this.reason = obj.reason;
    this.details = obj.details;
    this.errorType = obj.errorType ?? 'Meteor.Error';
  }
}

export type ConnectionErrorCode =
  | 'CONNECTION_LOST'
  | 'CLOSED'
  | 'VERSION_MISMATCH'
  | 'SOCKET'
  | 'PROTOCOL'
  /** No answer within the call's `timeout` (or the client's `methodTimeout`). */
  | 'TIMEOUT'
  /** The endpoint speaks something other than raw WebSocket DDP (a SockJS URL): retrying cannot help. */
  | 'UNSUPPORTED_TRANSPORT';

/** The connection, not the server, ended the request (the socket dropped, the client was closed, ...). */
export class DdpConnectionError extends Error {
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
