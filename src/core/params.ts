// Parsing of user-typed method and subscription params (EJSON text). Plain module: no VS Code API.
import { parseEJSON } from '../ddp/ejson';

export type ParseResult = { ok: true; params: unknown[] } | { ok: false; error: string };

/**
 * Parses params typed by the user. Empty text is `[]`. A JSON array is the list of arguments; with
 * `allowSingle`, any other JSON value is sent as the only argument. EJSON forms (`{"$date": 0}`) are decoded.
 */
export function parseParams(text: string, options: { allowSingle?: boolean } = {}): ParseResult {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, params: [] };
  let value: unknown;
  try {
    value = parseEJSON(trimmed);
  } catch (err) {
    return { ok: false, error: `Invalid EJSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (Array.isArray(value)) return { ok: true, params: value };
  if (options.allowSingle) return { ok: true, params: [value] };
  return { ok: false, error: 'Params must be a JSON array, for example ["a", 1] (empty for none)' };
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
