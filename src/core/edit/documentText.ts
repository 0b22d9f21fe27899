// The text of an editable document back into a document: JSON with Comments (the state line above a document is a
// comment) holding EJSON. Errors are sentences with a line and column. Plain module: no VS Code API.
import { parse, printParseErrorCode, stripComments, type ParseError } from 'jsonc-parser';
import { fromEJSON } from '../../ddp/ejson';
import type { Fields } from './modifier';

export type ParsedDocument = { ok: true; doc: Fields } | { ok: false; reason: string };

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** An EJSON wire form whose content is wrong (it would reach the server as a plain object or an invalid Date). */
function wireProblem(value: unknown, at: string): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = wireProblem(value[i], `${at}.${i}`);
      if (p) return p;
    }
    return undefined;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  const where = at ? ` at ${at.slice(1)}` : '';
  if (keys.length === 1 && keys[0] === '$escape') {
    const inner = obj.$escape;
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return `Invalid $escape${where}`;
    for (const k of Object.keys(inner)) {
      const p = wireProblem((inner as Record<string, unknown>)[k], `${at}.${k}`);
      if (p) return p;
    }
    return undefined;
  }
  if (keys.length === 1 && keys[0] === '$date') {
    const d = obj.$date;
    const ok = (typeof d === 'number' || typeof d === 'string') && !Number.isNaN(new Date(d).getTime());
    return ok ? undefined : `Invalid $date${where}: use milliseconds since 1970 or an ISO date.`;
  }
  if (keys.length === 1 && keys[0] === '$binary')
    return typeof obj.$binary === 'string' && B64.test(obj.$binary)
      ? undefined
      : `Invalid $binary${where}: not base64.`;
  if (keys.length === 2 && keys.includes('$type') && keys.includes('$value'))
    return typeof obj.$type === 'string' ? undefined : `Invalid $type${where}: a string is needed.`;
  for (const k of keys) {
    const p = wireProblem(obj[k], `${at}.${k}`);
    if (p) return p;
  }
  return undefined;
}

/**
 * The document an editor's text stands for. Comments and the state line are ignored; a custom EJSON type the
 * client does not know stays `{$type, $value}` and goes back to the server as it is.
 */
export function parseDocumentText(text: string): ParsedDocument {
  const errors: ParseError[] = [];
  // jsonc-parser finds the syntax errors (with positions, comments allowed); JSON.parse builds the value, because it
  // keeps a "__proto__" field as a field, where jsonc-parser's plain assignment would set a prototype.
  parse(text, errors, { disallowComments: false, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0) {
    const e = errors[0];
    return { ok: false, reason: `Not valid JSON at ${lineColumn(text, e.offset)}: ${printParseErrorCode(e.error)}.` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(stripComments(text));
  } catch (err) {
    return { ok: false, reason: `Not valid JSON: ${err instanceof Error ? err.message : String(err)}.` };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return { ok: false, reason: 'A document is a JSON object ({ ... }).' };
  const problem = wireProblem(raw, '');
  if (problem) return { ok: false, reason: problem };
  return { ok: true, doc: fromEJSON(raw) as Fields };
}
