// Shared by the query unit tests: JSON with comments, parsed strictly otherwise.
import { parse, type ParseError } from 'jsonc-parser';

export function parseJsonc(text: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: false });
  if (errors.length) throw new Error(`not JSON with comments: ${JSON.stringify(errors)}`);
  return value;
}
