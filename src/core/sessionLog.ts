// What a session reports to its log, as structured records: the core decides what happened, the presentation
// (src/presentation/sessionLogText.ts) writes the line. Frames arrive as text already masked by the client.
import type { ConnectProblem } from './connectProblem';
import type { ReadyReport } from './freshness';

/** Why a connection failed or last had a problem (shown in tooltips). */
export type SessionProblem =
  /** The URL in the settings cannot be turned into a WebSocket URL. */
  | { type: 'invalid-url'; error: unknown }
  /** A first connect that cannot succeed (nothing listening, not a DDP server, TLS, no common version, ...). */
  | { type: 'connect'; problem: ConnectProblem }
  | { type: 'version-mismatch'; versions: string[] }
  | { type: 'socket-closed'; code: number; reason: string }
  /** Any other error (a rejected connect()). */
  | { type: 'error'; error: unknown };

/** A subscription as the log names it (`params` undefined when only its id is known). */
export interface SubscriptionRef {
  name: string;
  params?: unknown[];
}

export type SessionLogRecord =
  | { type: 'cannot-connect'; problem: SessionProblem }
  | { type: 'connect-failed'; error: unknown }
  /** `proxy`: `host:port` of the HTTP proxy it goes through. */
  | { type: 'connecting'; url: string; proxy?: string }
  | { type: 'tls-unverified' }
  | { type: 'connected'; version?: string; session?: string }
  | { type: 'socket-closed'; code: number; reason: string }
  | { type: 'reconnect-scheduled'; attempt: number; delay: number }
  | { type: 'reconnect-now' }
  | { type: 'version-mismatch'; versions: string[] }
  | { type: 'version-refused'; proposed?: string }
  | { type: 'protocol-error'; problem: string }
  /** One of the extension's own listeners threw on a client event; the client went on (a bug of ours). */
  | { type: 'listener-error'; event: string; error: unknown }
  | { type: 'disconnected' }
  /** The connection's URL or options changed (`settings`: the extension's settings did) and it reconnects. */
  | { type: 'options-changed'; source: 'connection' | 'settings' }
  | { type: 'subscribing'; sub: SubscriptionRef }
  | { type: 'subscription-ready'; sub: SubscriptionRef; report: ReadyReport }
  /** `error`: the server stopped it with an error (nosub with error); else it ended normally. */
  | { type: 'subscription-stopped'; sub: SubscriptionRef; error?: unknown }
  | { type: 'unsubscribed'; sub: SubscriptionRef }
  /** The connection's confirm / readOnly setting kept a request from going out (a SessionError READ_ONLY or CANCELLED). */
  | { type: 'request-not-sent'; kind: 'method' | 'subscription'; name: string; error: unknown }
  | { type: 'calling'; method: string; params: unknown[] }
  | { type: 'call-result'; method: string; result: unknown; ms: number }
  | { type: 'call-error'; method: string; error: unknown; ms: number }
  | { type: 'logging-in'; user: string }
  | { type: 'login-failed'; error: unknown }
  | { type: 'logged-in'; userId: string }
  | { type: 'logged-out'; reason?: string }
  | { type: 'resuming-login' }
  | { type: 'resume-refused'; error: unknown }
  | { type: 'token-not-stored'; error: unknown }
  | { type: 'id-not-assigned'; error: unknown };

export type SessionLogRecordType = SessionLogRecord['type'];

/** Where a session's log records go (`connection`: the session's name). */
export interface SessionLog {
  record(connection: string, record: SessionLogRecord): void;
  /** Every DDP frame, already masked by the client; called only while tracing. */
  frame(connection: string, line: string): void;
  /** A secret (token) that must never appear in the log, even outside the known JSON fields. */
  secret?(value: string): void;
}

export const nullLog: SessionLog = { record() {}, frame() {} };
