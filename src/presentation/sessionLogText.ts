// The text of the "DDP" log: one line per session log record, `[connection] what happened`. Plain module: no
// VS Code API. The session layer decides what happened (src/core/sessionLog.ts); this file alone words it.
import type { SessionLog, SessionLogRecord, SessionProblem, SubscriptionRef } from '../core/sessionLog';
import type { ReadyReport } from '../core/freshness';
import { connectProblemSentence } from './connectProblem';
import { describeError, formatCallError, formatCallResult, formatParams } from './logFormat';

export type LogLevel = 'info' | 'warn' | 'error';

/** Where text lines go (the VS Code log channel, a test's memory). */
export interface TextLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  frame(line: string): void;
  secret?(value: string): void;
}

const subName = (sub: SubscriptionRef) => `${sub.name}${formatParams(sub.params)}`;

/** `Subscription ready: tasks in 36 ms`; a catch-up or a rerun says so and gives its own time, never an old one. */
export function readyLine(name: string, r: ReadyReport): string {
  const time = r.ms !== undefined ? ` in ${r.ms} ms` : '';
  if (!r.again) return `Subscription ready: ${name}${time}`;
  switch (r.cause) {
    case 'reconnect':
      return `Subscription ready again after the reconnect: ${name}${time}`;
    case 'login':
      return `Subscription ready again after the login change: ${name}${time}`;
    default:
      return `Subscription ready again: ${name}${time}`;
  }
}

/** One line of text for a session problem (tooltips, the log). */
export function problemText(p: SessionProblem): string {
  switch (p.type) {
    case 'invalid-url':
    case 'error':
      return describeError(p.error);
    case 'connect':
      return connectProblemSentence(p.problem);
    case 'version-mismatch':
      return `DDP version mismatch (tried ${p.versions.join(', ')})`;
    case 'socket-closed':
      return p.reason ? `${p.reason} (code ${p.code})` : `code ${p.code}`;
  }
}

/** The level and text of one record (without the connection's name). */
export function logLine(r: SessionLogRecord): { level: LogLevel; text: string } {
  const info = (text: string) => ({ level: 'info' as const, text });
  const warn = (text: string) => ({ level: 'warn' as const, text });
  const error = (text: string) => ({ level: 'error' as const, text });
  switch (r.type) {
    case 'cannot-connect':
      return error(`Cannot connect: ${problemText(r.problem)}`);
    case 'connect-failed':
      return warn(`Connect failed: ${describeError(r.error)}`);
    case 'connecting':
      return info(`Connecting to ${r.url}${r.proxy ? ` through the proxy at ${r.proxy}` : ''}`);
    case 'tls-unverified':
      return warn('TLS certificate verification is OFF for this connection (rejectUnauthorized: false)');
    case 'connected':
      return info(`Connected (DDP ${r.version ?? '?'}, session ${r.session ?? '?'})`);
    case 'socket-closed':
      return warn(`Socket closed (code ${r.code}${r.reason ? `, ${r.reason}` : ''})`);
    case 'reconnect-scheduled':
      return info(`Reconnect attempt ${r.attempt} in ${Math.round(r.delay)} ms`);
    case 'reconnect-now':
      return info('Reconnecting now');
    case 'version-mismatch':
      return error(problemText(r));
    case 'version-refused':
      return warn(`Server refused the DDP version${r.proposed ? ` (it proposes ${r.proposed})` : ''}`);
    case 'protocol-error':
      return warn(`Protocol error: ${r.problem}`);
    case 'listener-error':
      return error(
        `DDP Explorer failed while handling the event "${r.event}" (the connection goes on; please report it): ${describeError(r.error)}`,
      );
    case 'disconnected':
      return info('Disconnected');
    case 'options-changed':
      return info(
        r.source === 'connection'
          ? 'Connection settings changed: reconnecting'
          : 'Settings changed: reconnecting with the new options',
      );
    case 'subscribing':
      return info(`Subscribing to ${subName(r.sub)}`);
    case 'subscription-ready':
      return info(readyLine(subName(r.sub), r.report));
    case 'subscription-stopped':
      return r.error
        ? error(`Subscription ${subName(r.sub)} stopped by the server: ${describeError(r.error)}`)
        : info(`Subscription stopped: ${subName(r.sub)}`);
    case 'unsubscribed':
      return info(`Unsubscribed from ${subName(r.sub)}`);
    case 'request-not-sent': {
      const what = r.kind === 'method' ? `call of ${r.name}` : `subscription to ${r.name}`;
      const code = (r.error as { code?: unknown } | undefined)?.code;
      if (code === 'READ_ONLY') return warn(`Not sent: ${what} (this connection is read-only)`);
      if (code === 'CANCELLED') return info(`Not sent: ${what} (not confirmed)`);
      return warn(`Not sent: ${what}: ${describeError(r.error)}`);
    }
    case 'calling':
      return info(`Calling ${r.method}${formatParams(r.params)}`);
    case 'call-result':
      return info(formatCallResult(r.method, r.result, r.ms));
    case 'call-error':
      return error(formatCallError(r.method, r.error, r.ms));
    case 'logging-in':
      return info(`Logging in as ${r.user}`);
    case 'login-failed':
      return error(`Login failed: ${describeError(r.error)}`);
    case 'logged-in':
      return info(`Logged in as user ${r.userId}`);
    case 'logged-out':
      return info(`Logged out${r.reason ? `: ${r.reason}` : ''}`);
    case 'resuming-login':
      return info('Resuming the saved login');
    case 'resume-refused':
      return warn(`Saved login refused: ${describeError(r.error)}`);
    case 'token-not-stored':
      return warn(`Could not store the login token: ${describeError(r.error)}`);
    case 'id-not-assigned':
      return warn(`Could not give the connection an id: ${describeError(r.error)}`);
  }
}

/** A session log that writes text lines, each prefixed with its connection's name. */
export function textLog(sink: TextLog): SessionLog {
  return {
    record(connection, record) {
      const { level, text } = logLine(record);
      sink[level](`[${connection}] ${text}`);
    },
    frame: (connection, line) => sink.frame(`[${connection}] ${line}`),
    secret: (value) => sink.secret?.(value),
  };
}
