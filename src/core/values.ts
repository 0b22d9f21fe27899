// Value helpers the core needs for log text (plain data, no view concerns). Plain module: no VS Code API.
// presentation/format.ts re-exports them for the views.
import { isSecretKey } from './secretKeys';

/** True for plain objects (not Date, Uint8Array, EJSON custom types, class instances with a typeName). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value) || value instanceof Date || value instanceof Uint8Array || value instanceof RegExp)
    return false;
  if (isCustomEjson(value)) return false;
  if (isRawTyped(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** How a value is shown in the tree: a leaf, or something with children. */
export type ValueKind = 'leaf' | 'object' | 'array';

export interface CustomEjson {
  typeName(): string;
  toJSONValue?(): unknown;
}

export function isCustomEjson(value: object): value is CustomEjson {
  return typeof (value as { typeName?: unknown }).typeName === 'function';
}

/** `{ $type, $value }` kept raw (an EJSON type the decoder did not know). */
export function isRawTyped(value: object): value is { $type: unknown; $value: unknown } {
  const keys = Object.keys(value);
  return keys.length === 2 && '$type' in value && '$value' in value;
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

/** A deep copy of `value` with secret-looking keys (password, digest, resume, token...) replaced by "***". */
export function redactSecrets<T>(value: T, depth = 0): T {
  if (depth > 50) return value;
  if (Array.isArray(value)) return (value as unknown[]).map((v) => redactSecrets(v, depth + 1)) as unknown as T;
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

/** Milliseconds as "12 ms" / "1.2 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;
}
