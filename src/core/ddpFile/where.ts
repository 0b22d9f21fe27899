// `> expect collection tasks where { done: true } count == 2`: the selector of a `.ddp` assertion is the tree's query
// language (src/core/query: JSON5 text, EJSON values, compiled by mingo), so a selector means the same in both.
import { parseFindQuery } from '../query/findQuery';
import { standIn } from './ejsonCheck';

/** The client's documents by collection and id (assertions.ts's Collections; not imported, to keep imports one-way). */
type Collections = ReadonlyMap<string, ReadonlyMap<string, Record<string, unknown>>>;

/**
 * Splits `where <selector> count…` (the text after the collection name, `where` included) into the selector and what
 * follows `count`. The selector ends at the first ` count` after which the text before it is a valid selector, so
 * `count` inside a string of the selector does not end it. References (`{{x}}`) are checked with stand-ins.
 */
export function splitWhere(text: string): { where: string; rest: string } | { message: string } {
  const m = /^where\s+/.exec(text);
  if (!m) return { message: 'Expected "where <selector> count"' };
  const body = text.slice(m[0].length);
  const ends = [...body.matchAll(/\s+count(?=\s|$)/g)];
  if (ends.length === 0) return { message: 'Expected "count" after the selector: where { done: true } count == 2' };
  let first: string | undefined;
  for (const e of ends) {
    const where = body.slice(0, e.index).trim();
    const problem = selectorProblem(standIn(where));
    if (!problem) return { where, rest: body.slice(e.index + e[0].length) };
    first ??= problem;
  }
  return { message: `Invalid selector: ${first}` };
}

function selectorProblem(text: string): string | undefined {
  const r = parseFindQuery(text);
  if (!r.ok) return r.message;
  if (r.query.sort || r.query.projection) return 'where takes a selector only: { done: true }';
  return undefined;
}

/** Documents of the collection that match the selector (its references already filled in). */
export function countWhere(collections: Collections, collection: string, selector: string): number {
  const r = parseFindQuery(selector);
  if (!r.ok) throw new Error(`Invalid selector ${selector}: ${r.message}`);
  let n = 0;
  for (const [id, fields] of collections.get(collection) ?? []) if (r.compiled.matches(id, fields)) n++;
  return n;
}
