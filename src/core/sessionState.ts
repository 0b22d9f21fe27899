// A session's state as the views name it, read from its client's status and what its first connect met.
import type { ClientStatus } from '../ddp';

export type SessionState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting' | 'failed';

export function stateOf(status: ClientStatus | undefined): SessionState {
  switch (status) {
    case 'connecting':
    case 'connected':
    case 'reconnecting':
    case 'failed':
      return status;
    default:
      return 'disconnected';
  }
}

/** A client in these states can take calls and subscriptions (queued while it reconnects). */
export function isActiveStatus(status: ClientStatus | undefined): boolean {
  return status === 'connecting' || status === 'connected' || status === 'reconnecting';
}

/** A connect() rejection that means the server cannot be reached or spoken to (not our own close()). */
export function isConnectProblem(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return code !== 'CLOSED' && code !== 'VERSION_MISMATCH';
}
