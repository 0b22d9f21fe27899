// The text of an open DDP document: exact EJSON while live; when it is stale, gone or its connection closed, a `//`
// line saying so above the last version received (the editors are jsonc: comments are legal, never Problems).
// Plain module: no VS Code API.
import { clockTime, exactEJSON } from './format';

/** A server string inside a `//` comment: quoted, on one line whatever it contains. */
function quoted(text: string): string {
  return JSON.stringify(text)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The last version of an open document and when it was last seen (shown, marked, once it is gone). */
export interface Seen {
  fields?: Record<string, unknown>;
  goneAt?: number;
}

export interface DocumentState {
  /** live: the document as it is now; stale: the connection has not caught up; gone: removed or not subscribed. */
  state: 'live' | 'stale' | 'gone' | 'disconnected' | 'unknown';
  text: string;
}

/**
 * The text of an open DDP document. Plain function (tested without VS Code): the exact EJSON of the document when
 * it is live; a comment line saying what is going on, then the last version received, when it is not.
 */
export function documentText(
  target: { session?: { name: string; connected: boolean; staleSince?: number }; collection: string; id: string },
  fields: Record<string, unknown> | undefined,
  seen: Seen,
  now: number,
): DocumentState {
  const body = (f: Record<string, unknown> | undefined) => exactEJSON(f ? { _id: target.id, ...f } : {}) + '\n';
  const where = `${quoted(target.id)} in ${quoted(target.collection)}`;
  const s = target.session;
  if (!s)
    return { state: 'unknown', text: `// The connection of document ${where} was removed.\n` + body(seen.fields) };
  if (!s.connected) {
    const lines = `// ${quoted(s.name)} is not connected: the last version of ${where} received is shown. Connect to see it live.\n`;
    return { state: 'disconnected', text: lines + body(seen.fields) };
  }
  if (fields) {
    seen.fields = fields;
    seen.goneAt = undefined;
    if (s.staleSince !== undefined) {
      const line = `// Stale: the connection to ${quoted(s.name)} dropped at ${clockTime(s.staleSince)}; this is the last version received. It updates when the data has caught up.\n`;
      return { state: 'stale', text: line + body(fields) };
    }
    return { state: 'live', text: body(fields) };
  }
  seen.goneAt ??= now;
  const head = `// Removed: ${where} is no longer on ${quoted(s.name)} (removed by the server, or its subscription stopped) at ${clockTime(seen.goneAt)}.\n`;
  return {
    state: 'gone',
    text: head + (seen.fields ? '// The last version received:\n' + body(seen.fields) : body(undefined)),
  };
}
