// Parsing of user-typed method and subscription params (EJSON text). Plain module: no VS Code API.
import { fromEJSON } from '../ddp/ejson';

export type ParseResult = { ok: true; params: unknown[] } | { ok: false; error: string };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** EJSON types a DDP server understands without an extra package (Meteor's built-ins and Mongo's ObjectID). */
const KNOWN_TYPES = new Set(['oid']);

const keysOf = (o: Record<string, unknown>) => Object.keys(o);
const show = (v: unknown) => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 39)}…` : s;
};

/**
 * The first EJSON wire form in `value` whose content is wrong (`{"$date": "yesterday"}`, bad base64, unknown
 * `$type`): what EJSON would otherwise turn into `{"$date": null}` or an error on the server. `at` is a JSON path.
 */
export function ejsonProblem(value: unknown, at = '', depth = 0): string | undefined {
  if (depth > 200 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = ejsonProblem(value[i], `${at}[${i}]`, depth + 1);
      if (p) return p;
    }
    return undefined;
  }
  const obj = value as Record<string, unknown>;
  const keys = keysOf(obj);
  const where = at ? ` at ${at}` : '';
  if (keys.length === 1 && keys[0] === '$date') {
    const d = obj.$date;
    if (typeof d === 'number' && Number.isFinite(d) && Math.abs(d) <= 8.64e15) return undefined;
    if (typeof d === 'string' && !Number.isNaN(Date.parse(d))) return undefined;
    return `Invalid $date${where}: ${show(d)}. Use milliseconds since 1970 ({"$date": 1700000000000}) or an ISO date ("2024-01-02T03:04:05Z")`;
  }
  if (keys.length === 1 && keys[0] === '$binary') {
    const b = obj.$binary;
    if (typeof b === 'string' && BASE64.test(b)) return undefined;
    return `Invalid $binary${where}: ${show(b)} is not base64`;
  }
  if (keys.length === 2 && keys.includes('$type') && keys.includes('$value')) {
    if (typeof obj.$type !== 'string' || !KNOWN_TYPES.has(obj.$type))
      return `Unknown EJSON $type${where}: ${show(obj.$type)} (known: ${[...KNOWN_TYPES].join(', ')})`;
    if (obj.$type === 'oid' && (typeof obj.$value !== 'string' || !/^[0-9a-f]{24}$/i.test(obj.$value))) {
      return `Invalid ObjectID${where}: ${show(obj.$value)} (24 hex digits)`;
    }
    return undefined;
  }
  if (keys.length === 1 && keys[0] === '$InfNaN') {
    return obj.$InfNaN === 1 || obj.$InfNaN === -1 || obj.$InfNaN === 0
      ? undefined
      : `Invalid $InfNaN${where}: ${show(obj.$InfNaN)} (1, -1 or 0)`;
  }
  if (keys.length === 2 && keys.includes('$regexp') && keys.includes('$flags')) {
    if (typeof obj.$regexp !== 'string' || typeof obj.$flags !== 'string')
      return `Invalid $regexp${where}: $regexp and $flags are strings`;
    try {
      new RegExp(obj.$regexp, obj.$flags);
    } catch (err) {
      return `Invalid $regexp${where}: ${err instanceof Error ? err.message : String(err)}`;
    }
    return undefined;
  }
  if (keys.length === 1 && keys[0] === '$escape') {
    const e = obj.$escape;
    if (e === null || typeof e !== 'object' || Array.isArray(e)) return `Invalid $escape${where}: it holds an object`;
    // Inside $escape the keys are plain data; their values are EJSON again.
    for (const k of keysOf(e as Record<string, unknown>)) {
      const p = ejsonProblem((e as Record<string, unknown>)[k], `${at}.${k}`, depth + 1);
      if (p) return p;
    }
    return undefined;
  }
  if (
    keys.length <= 2 &&
    keys.length > 0 &&
    keys.every((k) => k.startsWith('$')) &&
    keys.some((k) => ['$date', '$binary', '$type', '$value', '$InfNaN', '$regexp', '$flags', '$escape'].includes(k))
  ) {
    return `Not an EJSON value${where}: ${show(obj)} (an EJSON form has exactly its own keys, e.g. {"$date": 0})`;
  }
  for (const k of keys) {
    const p = ejsonProblem(obj[k], at ? `${at}.${k}` : k, depth + 1);
    if (p) return p;
  }
  return undefined;
}

/**
 * Parses params typed by the user. Empty text is `[]`. A JSON array is the list of arguments; with
 * `allowSingle`, any other JSON value is sent as the only argument. EJSON forms (`{"$date": 0}`) are decoded,
 * after checking that each one is valid.
 */
export function parseParams(text: string, options: { allowSingle?: boolean } = {}): ParseResult {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, params: [] };
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch (err) {
    const list = arrayHint(trimmed);
    if (list) return { ok: false, error: `Did you mean ${list}? Several params go in one JSON array.` };
    return { ok: false, error: `Invalid EJSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  const problem = ejsonProblem(json);
  if (problem) return { ok: false, error: problem };
  let value: unknown;
  try {
    value = fromEJSON(json);
  } catch (err) {
    return { ok: false, error: `Invalid EJSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (Array.isArray(value)) return { ok: true, params: value };
  if (options.allowSingle) return { ok: true, params: [value] };
  const list = arrayHint(trimmed, true);
  return {
    ok: false,
    error: `Params must be a JSON array, for example ["a", 1] (empty for none)${list ? `: did you mean ${list}?` : ''}`,
  };
}

/** `[2, 3]` when the text is a list of values without its brackets (else ''). */
function arrayHint(text: string, always = false): string {
  const wrapped = `[${text}]`;
  try {
    const v: unknown = JSON.parse(wrapped);
    if (Array.isArray(v) && (always || v.length > 1) && !ejsonProblem(v))
      return wrapped.length > 60 ? `[${text.slice(0, 50)}…]` : wrapped;
  } catch {
    /* no hint */
  }
  return '';
}

/** The message for an input box's validateInput: undefined when valid. */
export function validateParams(text: string, options: { allowSingle?: boolean } = {}): string | undefined {
  const r = parseParams(text, options);
  return r.ok ? undefined : r.error;
}

/** Validates a method or publication name typed by the user. */
export function validateName(text: string, what: string): string | undefined {
  const t = text.trim();
  if (!t) return `Enter a ${what} name`;
  if (t.length > 500) return `The ${what} name is too long`;
  return undefined;
}
