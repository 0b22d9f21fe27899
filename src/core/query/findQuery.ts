// A MongoDB query as a Meteor developer types it: the arguments of `find()`, a selector and optionally
// `{ sort, fields }` (`projection` is accepted for `fields`). The text is JSON5 (unquoted keys, single quotes,
// trailing commas), so `{ done: false, priority: { $gte: 2 } }, { sort: { priority: -1 } }` reads as it would in
// `Tasks.find(...)`; EJSON forms (`{$date: ...}`, `{$binary: ...}`, `{$type: 'oid', $value: ...}`) are decoded before
// the query is compiled, so a Date in a selector compares with the Dates of the documents. The query language itself
// is mingo's: it compiles the selector and its message is the one shown for a selector it refuses. No VS Code API.
import JSON5 from 'json5';
import { fromEJSON } from '../../ddp/ejson';
import { ejsonProblem } from '../params';
import { compileQuery, type CompiledQuery, type FindQuery } from './compiled';

export type { FindQuery };

export type QueryParse = { ok: true; query: FindQuery; compiled: CompiledQuery } | { ok: false; message: string };

/** Filter text that is a query rather than plain text: it starts with `{`. */
export function isQueryText(text: string): boolean {
  return text.trimStart().startsWith('{');
}

const OPTION_KEYS = new Set(['sort', 'fields', 'projection']);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);

/** Parses and compiles `selector[, { sort, fields }]`; the message says what is wrong in words the user can act on. */
export function parseFindQuery(text: string): QueryParse {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{'))
    return { ok: false, message: 'A query starts with a selector object: { field: value }' };
  let args: unknown;
  try {
    args = JSON5.parse(`[${trimmed}]`);
  } catch (err) {
    return { ok: false, message: syntaxMessage(trimmed, err) };
  }
  if (!Array.isArray(args) || args.length === 0 || !isPlainObject(args[0]))
    return { ok: false, message: 'A query starts with a selector object: { field: value }' };
  if (args.length > 2)
    return {
      ok: false,
      message: 'A query is a selector, then optionally { sort: {...}, fields: {...} }: nothing more',
    };
  const problem = ejsonProblem(args);
  if (problem) return { ok: false, message: problem };
  const decoded = fromEJSON(args) as unknown[];
  const selector = decoded[0] as Record<string, unknown>;
  const options = decoded[1];
  let sort: Record<string, 1 | -1> | undefined;
  let projection: Record<string, unknown> | undefined;
  if (options !== undefined) {
    if (!isPlainObject(options))
      return { ok: false, message: 'After the selector comes an options object: { sort: {...}, fields: {...} }' };
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.has(key))
        return {
          ok: false,
          message: `Unknown option "${key}": the options are sort and fields (or projection); the tree pages by itself`,
        };
    }
    if (options.fields !== undefined && options.projection !== undefined)
      return { ok: false, message: 'Give fields or projection, not both' };
    const sortProblem = checkSort(options.sort);
    if (sortProblem) return { ok: false, message: sortProblem };
    sort = options.sort as Record<string, 1 | -1> | undefined;
    const p = options.fields ?? options.projection;
    if (p !== undefined) {
      if (!isPlainObject(p)) return { ok: false, message: 'fields is an object: { title: 1, done: 1 }' };
      if (Object.keys(p).length > 0) projection = p;
    }
  }
  const query: FindQuery = { text: trimmed, selector, sort, projection };
  try {
    return { ok: true, query, compiled: compileQuery(query) };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

/** The message for an input box's validateInput: undefined when the text is a valid query. */
export function validateFindQuery(text: string): string | undefined {
  const r = parseFindQuery(text);
  return r.ok ? undefined : r.message;
}

function checkSort(sort: unknown): string | undefined {
  if (sort === undefined) return undefined;
  if (!isPlainObject(sort) || Object.keys(sort).length === 0)
    return 'sort is an object of fields and directions: { priority: -1, createdAt: 1 }';
  for (const [k, v] of Object.entries(sort)) {
    if (v !== 1 && v !== -1)
      return `sort direction of "${k}" must be 1 (ascending) or -1 (descending), not ${String(v)}`;
  }
  return undefined;
}

/** JSON5's message, with a hint for what the mongo shell accepts and JSON5 does not. */
function syntaxMessage(text: string, err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  const e = err as { lineNumber?: unknown; columnNumber?: unknown };
  const lines = text.split('\n');
  // The "]" we wrapped the text in sits just past its end: JSON5 stumbling on it means the text ended too soon.
  const atWrapper =
    e.lineNumber === lines.length && e.columnNumber === lines[lines.length - 1].length + (lines.length === 1 ? 2 : 1);
  const message = atWrapper
    ? 'The query ends too soon: a { or [ is not closed'
    : raw.replace(/^JSON5: /, '').replace(/ at (\d+):(\d+)$/, (_m, line: string, col: string) => {
        // Positions count the "[" we added before the text.
        return ` at ${line}:${line === '1' ? Number(col) - 1 : Number(col)}`;
      });
  if (/\b(ISODate|new Date|Date)\s*\(/.test(text))
    return `${message}. Dates are EJSON: { $date: "2026-01-01T00:00:00Z" }`;
  if (/\bObjectId\s*\(/i.test(text)) return `${message}. ObjectIDs are EJSON: { $type: "oid", $value: "<24 hex>" }`;
  if (/[:,[]\s*\/[^/]/.test(text)) return `${message}. Regular expressions: { $regex: "^abc", $options: "i" }`;
  return message;
}
