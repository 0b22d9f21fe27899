// The documents of one collection that pass its filter, kept up to date change by change (see core/query/matchIndex):
// a text filter (the id or any field value contains the text) or a MongoDB query compiled by mingo. Plain module.
import { MatchIndex, type MatchEffect, type Matcher } from '../../core/query/matchIndex';
import { matchesFilter } from '../format';

type Docs = ReadonlyMap<string, Readonly<Record<string, unknown>>>;

/** What a change did to the filtered view: nothing visible, a shown document changed, or the list of matches changed. */
export type FilterEffect = MatchEffect;

/** The text filter as a matcher: server order, no sort. */
export function textMatcher(filter: string): Matcher {
  return { matches: (id, fields) => matchesFilter(id, fields, filter) };
}

export class FilterIndex extends MatchIndex {
  constructor(
    readonly filter: string,
    docs: () => Docs | undefined,
    matcher: Matcher = textMatcher(filter),
  ) {
    super(matcher, docs);
  }
}
