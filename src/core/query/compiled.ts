// A FindQuery compiled once by mingo and then asked about one document at a time: does it match, where does it sort,
// what does its projection show. The tree's live results and `.ddp` assertions both go through this, so a selector
// means the same thing in both. Documents are the client's (`_id` kept apart from the fields); mingo sees
// `{ _id, ...fields }`. Nothing here is a hand-written operator: matching, ordering and projection are mingo's.
import { Query } from 'mingo';
import { compare, resolve } from 'mingo/util';

type Fields = Readonly<Record<string, unknown>>;

/** A parsed query: what `find(selector, { sort, fields })` was given, EJSON-decoded. */
export interface FindQuery {
  /** The text as typed (trimmed): what the collection row and the history show. */
  readonly text: string;
  readonly selector: Record<string, unknown>;
  /** Sort fields in order, 1 ascending, -1 descending. */
  readonly sort?: Readonly<Record<string, 1 | -1>>;
  /** Mongo projection: the fields the tree rows show. */
  readonly projection?: Readonly<Record<string, unknown>>;
}

/** Scripts in selectors ($where, $function) stay off: a query is data, never code. */
const OPTIONS = { scriptEnabled: false } as const;

export interface CompiledQuery {
  readonly query: FindQuery;
  /** Whether the document matches the selector. A selector that fails on this document (mingo throws) does not match. */
  matches(id: string, fields: Fields): boolean;
  /** The values the sort orders by (undefined without a sort). */
  sortKey(id: string, fields: Fields): unknown[] | undefined;
  /** Orders two sort keys as mingo's `sort()` does (0 when equal: the caller breaks ties by server order). */
  compareSortKeys(a: readonly unknown[], b: readonly unknown[]): number;
  /** The fields the projection keeps (all of them without one); `_id` stays apart. */
  project(id: string, fields: Fields): Record<string, unknown>;
}

const whole = (id: string, fields: Fields): Record<string, unknown> => ({ _id: id, ...fields });

/** Compiles a query; throws mingo's error for a selector, sort or projection it refuses. */
export function compileQuery(query: FindQuery): CompiledQuery {
  const selector = new Query(query.selector, OPTIONS);
  const sortFields = query.sort ? Object.keys(query.sort) : [];
  const directions = sortFields.map((k) => query.sort![k]);
  const all = new Query({}, OPTIONS);
  const projection = query.projection;
  const project = (id: string, fields: Fields): Record<string, unknown> => {
    if (!projection) return { ...fields };
    const out = all.find<Record<string, unknown>>([whole(id, fields)], projection).next();
    if (!out || typeof out !== 'object') return {};
    const rest = { ...out };
    delete rest._id;
    return rest;
  };
  // Refused shapes surface now (in the input box), not on the first document: mixed inclusion and exclusion, a sort
  // path mingo will not read, an operator that fails on an empty document.
  if (projection) project('x', {});
  for (const k of sortFields) resolve({}, k);
  selector.test({ _id: 'x' });

  return {
    query,
    matches(id, fields) {
      try {
        return selector.test(whole(id, fields));
      } catch {
        return false;
      }
    },
    sortKey(id, fields) {
      if (sortFields.length === 0) return undefined;
      const doc = whole(id, fields);
      // mingo's $sort groups a missing value with null; so does the key.
      return sortFields.map((k) => resolve(doc, k) ?? null);
    },
    compareSortKeys(a, b) {
      for (let i = 0; i < directions.length; i++) {
        const c = compare(a[i], b[i]);
        if (c !== 0) return directions[i] === -1 ? -c : c;
      }
      return 0;
    },
    project(id, fields) {
      try {
        return project(id, fields);
      } catch {
        return { ...fields };
      }
    },
  };
}
