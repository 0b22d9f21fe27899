// Errors the session layer itself raises (the library's own DdpError / DdpConnectionError pass through
// unchanged). The code is stable: the presentation maps codes to the user's words in one place
// (src/presentation/errorMessages.ts).

export type SessionErrorCode =
  /** An action that needs an open connection (call, subscribe, log in) on one that is not connecting or connected. */
  | 'NOT_CONNECTED'
  /** The URL cannot be turned into a DDP WebSocket URL. */
  | 'INVALID_URL'
  /** The connection is `readOnly`: a method call was refused and nothing was sent. */
  | 'READ_ONLY'
  /** The connection asks before sending (`confirm`) and the user said no (or nobody could ask): nothing was sent. */
  | 'CANCELLED';

export class SessionError extends Error {
  readonly code: SessionErrorCode;
  /** The connection's name. */
  readonly connection: string;

  constructor(code: SessionErrorCode, connection: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SessionError';
    this.code = code;
    this.connection = connection;
  }
}

export function isSessionError(err: unknown): err is SessionError {
  return err instanceof SessionError;
}
