// Formatting of EJSON values and documents for display. Plain module: no VS Code API.
// Everything returned here is plain text; callers must show it as text, never as trusted markdown.
import { stringifyEJSON } from '../ddp/ejson';
import {
  childEntries,
  formatDuration,
  isCustomEjson,
  isPlainObject,
  isRawTyped,
  redactSecrets,
  truncate,
  type ValueKind,
} from '../core/values';

export { childEntries, formatDuration, isPlainObject, redactSecrets, truncate, type ValueKind };

export function valueKind(value: unknown): ValueKind {
  if (Array.isArray(value)) return 'array';
  if (isPlainObject(value)) return 'object';
  return 'leaf';
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
