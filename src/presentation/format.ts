// Formatting of EJSON values and documents for display. Plain module: no VS Code API.
// Everything returned here is plain text; callers must show it as text, never as trusted markdown.
import { stringifyEJSON } from '../ddp/ejson';
import { isSecretKey } from '../core/secretKeys';

/** How a value is shown in the tree: a leaf, or something with children. */
export type ValueKind = 'leaf' | 'object' | 'array';

/** True for plain objects (not Date, Uint8Array, EJSON custom types, class instances with a typeName). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value) || value instanceof Date || value instanceof Uint8Array || value instanceof RegExp) return false;
  if (isCustomEjson(value)) return false;
  if (isRawTyped(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

interface CustomEjson {
  typeName(): string;
  toJSONValue?(): unknown;
}

function isCustomEjson(value: object): value is CustomEjson {
  return typeof (value as { typeName?: unknown }).typeName === 'function';
}

/** `{ $type, $value }` kept raw (an EJSON type the decoder did not know). */
function isRawTyped(value: object): value is { $type: unknown; $value: unknown } {
  const keys = Object.keys(value);
  return keys.length === 2 && '$type' in value && '$value' in value;
}

export function valueKind(value: unknown): ValueKind {
  if (Array.isArray(value)) return 'array';
  if (isPlainObject(value)) return 'object';
  return 'leaf';
}

/** Children of an object or array, as [key, value] pairs (array keys are indexes). */
export function childEntries(value: unknown): Array<[string | number, unknown]> {
  if (Array.isArray(value)) return value.map((v, i) => [i, v]);
  if (isPlainObject(value)) return Object.keys(value).map((k) => [k, value[k]]);
  return [];
}

export function truncate(text: string, max: number): string {
  const oneLine = text.replace(/[\r\n]+/g, ' ');
  return oneLine.length > max ? oneLine.slice(0, Math.max(0, max - 1)) + '…' : oneLine;
}

function hexOf(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const v = value as { _str?: unknown; hexString?: unknown; toHexString?: unknown };
    if (typeof v._str === 'string') return v._str;
    if (typeof v.hexString === 'string') return v.hexString;
    if (typeof v.toHexString === 'function') return String((v.toHexString as () => unknown).call(value));
  }
  return undefined;
}

function safeJson(value: unknown): string {
  try {
    const s = JSON.stringify(value);
    return s === undefined ? String(value) : s;
  } catch {
    return String(value);
  }
}

/** One-line text of a leaf EJSON value, by type: `Date 2024-...`, `Binary (3 bytes)`, `ObjectID(...)`. */
export function formatScalar(value: unknown, max = 200): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'string':
      return truncate(JSON.stringify(value), max);
    case 'number':
      return Number.isNaN(value) ? 'NaN' : String(value);
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'function':
    case 'symbol':
      return String(typeof value);
  }
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? 'Date (invalid)' : `Date ${value.toISOString()}`;
  }
  if (value instanceof Uint8Array) {
    return `Binary (${value.length} ${value.length === 1 ? 'byte' : 'bytes'})`;
  }
  if (value instanceof RegExp) return truncate(String(value), max);
  if (typeof value === 'object') {
    if (isCustomEjson(value)) {
      let name = 'Custom';
      try {
        name = String(value.typeName());
      } catch {
        /* keep default */
      }
      const hex = hexOf(value);
      if (name === 'oid' || hex !== undefined) return `ObjectID(${hex ?? ''})`;
      let inner: unknown;
      try {
        inner = value.toJSONValue ? value.toJSONValue() : undefined;
      } catch {
        inner = undefined;
      }
      return truncate(`${name}(${safeJson(inner)})`, max);
    }
    if (isRawTyped(value)) {
      if (value.$type === 'oid' && typeof value.$value === 'string') return `ObjectID(${value.$value})`;
      return truncate(`${String(value.$type)}(${safeJson(value.$value)})`, max);
    }
    const hex = hexOf(value);
    if (hex !== undefined) return `ObjectID(${hex})`;
  }
  return truncate(safeJson(value), max);
}

/** One-line text of any value: objects and arrays as a short inline summary. */
export function formatValue(value: unknown, max = 200): string {
  const kind = valueKind(value);
  if (kind === 'leaf') return formatScalar(value, max);
  return truncate(inlineSummary(value, max, 0), max);
}

function inlineSummary(value: unknown, budget: number, depth: number): string {
  const kind = valueKind(value);
  if (kind === 'leaf') return formatScalar(value, budget);
  if (depth > 2) return kind === 'array' ? `Array(${(value as unknown[]).length})` : '{…}';
  const parts: string[] = [];
  let used = 2;
  const entries = childEntries(value);
  for (const [k, v] of entries) {
    const text = kind === 'array' ? inlineSummary(v, 60, depth + 1) : `${k}: ${inlineSummary(v, 60, depth + 1)}`;
    parts.push(text);
    used += text.length + 2;
    if (used > budget) break;
  }
  const more = parts.length < entries.length ? ', …' : '';
  return kind === 'array' ? `[${parts.join(', ')}${more}]` : `{${parts.join(', ')}${more}}`;
}

/** Description of a document row: its fields (not `_id`) inline, shortened. */
export function summarizeDocument(fields: Record<string, unknown> | undefined, max = 100): string {
  if (!fields) return '';
  const parts: string[] = [];
  let used = 0;
  const keys = Object.keys(fields).filter((k) => k !== '_id');
  for (const k of keys) {
    const text = `${k}: ${inlineSummary(fields[k], 40, 1)}`;
    parts.push(text);
    used += text.length + 2;
    if (used > max) break;
  }
  if (keys.length === 0) return '(no fields)';
  return truncate(parts.join(', ') + (parts.length < keys.length ? ', …' : ''), max);
}

/** Short description of an object/array node: `{3 fields}`, `Array(3)`; leaves as formatScalar. */
export function describeValue(value: unknown, max = 120): string {
  const kind = valueKind(value);
  if (kind === 'array') {
    const n = (value as unknown[]).length;
    return n === 0 ? '[]' : truncate(`Array(${n}) ${inlineSummary(value, max, 1)}`, max);
  }
  if (kind === 'object') {
    const n = Object.keys(value as object).length;
    return n === 0 ? '{}' : truncate(inlineSummary(value, max, 1), max);
  }
  return formatScalar(value, max);
}

/** Type label shown in tooltips: string, number, Date, Binary, ObjectID, object, array, ... */
export function typeLabel(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'Date';
  if (value instanceof Uint8Array) return 'Binary';
  if (value instanceof RegExp) return 'RegExp';
  if (typeof value === 'object') {
    if (isPlainObject(value)) return 'object';
    const s = formatScalar(value);
    const m = /^([A-Za-z_$][\w$.]*)\(/.exec(s);
    return m ? m[1] : 'object';
  }
  return typeof value;
}

/** A deep copy of `value` with secret-looking keys (password, digest, resume, token...) replaced by "***". */
export function redactSecrets<T>(value: T, depth = 0): T {
  if (depth > 50) return value;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1)) as unknown as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) {
      const v = value[k];
      if (isSecretKey(k) && v !== undefined && v !== null) {
        out[k] = '***';
      } else {
        out[k] = redactSecrets(v, depth + 1);
      }
    }
    return out as T;
  }
  return value;
}

/** Value at `path` inside `root` (object keys and array indexes), or undefined. */
export function valueAt(root: unknown, path: ReadonlyArray<string | number>): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (Array.isArray(cur) && typeof p === 'number') cur = cur[p];
    else if (isPlainObject(cur) && typeof p === 'string' && Object.prototype.hasOwnProperty.call(cur, p)) cur = cur[p];
    else return undefined;
  }
  return cur;
}

/** Whether the document matches a filter text (case-insensitive), on its id or any field value. */
export function matchesFilter(id: string, fields: Record<string, unknown> | undefined, filter: string): boolean {
  const needle = filter.trim().toLowerCase();
  if (!needle) return true;
  if (id.toLowerCase().includes(needle)) return true;
  if (!fields) return false;
  let budget = 2000; // visits, so that one huge document cannot stall the filter
  const visit = (v: unknown, depth: number): boolean => {
    if (--budget < 0 || depth > 20) return false;
    if (typeof v === 'string') return v.toLowerCase().includes(needle);
    const kind = valueKind(v);
    if (kind === 'leaf') return formatScalar(v, 500).toLowerCase().includes(needle);
    for (const [, child] of childEntries(v)) if (visit(child, depth + 1)) return true;
    return false;
  };
  for (const k of Object.keys(fields)) {
    if (k === '_id') continue;
    if (visit(fields[k], 0)) return true;
  }
  return false;
}

/** `12,345`: counts with thousands separators (fixed en-US grouping, so the text is the same everywhere). */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? COUNT_FORMAT.format(n) : String(n);
}
const COUNT_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function plural(n: number, one: string, many = one + 's'): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/**
 * The EJSON text of a value exactly as received (pretty-printed): what Open Document, Open Result and Copy show.
 * Nothing is masked here: masking is for the log and the trace, never for data the user asked to see or copy.
 */
export function exactEJSON(value: unknown, indent = 2): string {
  if (value === undefined) return 'null';
  try {
    return stringifyEJSON(value, indent);
  } catch (err) {
    return JSON.stringify(`(unprintable value: ${err instanceof Error ? err.message : String(err)})`);
  }
}

/** The text Copy Value puts on the clipboard: a string as it is, anything else as exact EJSON. */
export function copyValueText(value: unknown): string {
  return typeof value === 'string' ? value : exactEJSON(value);
}

/** MongoDB dot notation of a field path (`address.tags.1`), as selectors and `$set` use it. */
export function mongoPath(path: ReadonlyArray<string | number>): string {
  return path.map(String).join('.');
}

/** Local wall-clock time `HH:MM:SS` of an epoch-ms instant (for "last ready at" and "removed at"). */
export function clockTime(at: number): string {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Milliseconds as "12 ms" / "1.2 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;
}
