// `{{...}}` references inside the text of a .ddp file, and their substitution. Inside a JSON string a value is
// inserted as text; outside, as EJSON (so `[{{add.result}}]` sends the number and `"{{id}}"` the string).
import { stringifyEJSON } from '../../ddp/ejson';

export interface Reference {
  /** The text between the braces, trimmed. */
  expr: string;
  start: number;
  end: number;
  /** Whether the reference sits inside a JSON string literal (only meaningful for JSON text). */
  inString: boolean;
}

/** Every `{{...}}` in `text`, with whether it is inside a JSON string. An unclosed `{{` is not a reference. */
export function findReferences(text: string): Reference[] {
  const refs: Reference[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{' && text[i + 1] === '{') {
      const close = text.indexOf('}}', i + 2);
      if (close < 0) break;
      refs.push({ expr: text.slice(i + 2, close).trim(), start: i, end: close + 2, inString });
      i = close + 1;
      continue;
    }
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
  }
  return refs;
}

/**
 * What a reference stands for. Variables written as text (file variables, .env, process environment) stay text;
 * results, environment settings and $timestamp are values.
 */
export type Resolved = { kind: 'text'; text: string } | { kind: 'value'; value: unknown };

/** A value as plain text (for URLs, user names, ids): strings as they are, anything else as EJSON. */
export function asText(r: Resolved): string {
  if (r.kind === 'text') return r.text;
  if (typeof r.value === 'string') return r.value;
  if (r.value === undefined) return '';
  return stringifyEJSON(r.value, 0) ?? Object.prototype.toString.call(r.value);
}

/** EJSON source text for use outside a JSON string: text that is valid JSON goes in as it is, other text quoted. */
export function asEjsonSource(r: Resolved): string {
  if (r.kind === 'text') {
    try {
      JSON.parse(r.text);
      return r.text.trim();
    } catch {
      return JSON.stringify(r.text);
    }
  }
  if (r.value === undefined) return 'null';
  return stringifyEJSON(r.value, 0) ?? 'null';
}

/** Replaces every reference in `text` with `resolve(expr)`; `json` selects string-aware insertion. */
export function substitute(text: string, resolve: (expr: string) => Resolved, json: boolean): string {
  const refs = findReferences(text);
  if (refs.length === 0) return text;
  let out = '';
  let last = 0;
  for (const r of refs) {
    out += text.slice(last, r.start);
    const value = resolve(r.expr);
    if (!json) out += asText(value);
    else if (r.inString) out += JSON.stringify(asText(value)).slice(1, -1);
    else out += asEjsonSource(value);
    last = r.end;
  }
  return out + text.slice(last);
}
