// Checks EJSON text that may hold `{{references}}` before anything runs: each reference is replaced by a stand-in of
// the same length (`null` padded outside strings, letters inside), so that a parse error's position still points
// at the user's own text and can be turned into a line number.
import { parseEJSON } from '../../ddp/ejson';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { findReferences } from './template';

export type EjsonCheck = { ok: true } | { ok: false; message: string; offset: number | undefined };

export function standIn(text: string): string {
  let out = '';
  let last = 0;
  for (const r of findReferences(text)) {
    out += text.slice(last, r.start);
    const len = r.end - r.start;
    out += r.inString ? 'x'.repeat(len) : 'null'.padEnd(len, ' ');
    last = r.end;
  }
  return out + text.slice(last);
}

export function checkEjson(text: string): EjsonCheck {
  const stood = standIn(text);
  try {
    parseEJSON(stood);
    return { ok: true };
  } catch (err) {
    // JSON.parse does not always say where; jsonc-parser (strict: no comments, no trailing commas) does.
    const errors: ParseError[] = [];
    parseJsonc(stood, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    if (first) {
      const near = text.slice(first.offset, first.offset + Math.max(first.length, 1)).slice(0, 20);
      const where = near.trim() ? `at "${near}"` : 'at the end';
      return { ok: false, message: `${describe(printParseErrorCode(first.error))} ${where}`, offset: first.offset };
    }
    return { ok: false, message: err instanceof Error ? err.message : String(err), offset: undefined };
  }
}

function describe(code: string): string {
  return code
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/^./, (c) => c.toUpperCase());
}

/** The 0-based line within `text` of a character offset. */
export function lineOfOffset(text: string, offset: number): number {
  let line = 0;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}
