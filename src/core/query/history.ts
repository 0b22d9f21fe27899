// The queries last applied to each collection of each server, newest first, kept on disk (globalState) to be offered
// again. The params history's rules hold: a query with a secret-looking key anywhere (a selector on
// `services.resume.loginTokens.hashedToken`, `{ password: ... }`) is never kept, not even masked. Plain text filters
// are not kept either: text carries no key that could tell a pasted token from a word. No VS Code API.
import { hasSecretKeys } from '../secretKeys';
import { parseFindQuery } from './findQuery';

/** `JSON.stringify([server URL, collection])` -> query texts, newest first. */
export type QueryHistory = Record<string, string[]>;

/** Queries kept per collection. */
export const MAX_QUERIES = 10;
/** Collections kept; the least recently used go first. */
export const MAX_COLLECTIONS = 200;

export function historyKey(url: string, collection: string): string {
  return JSON.stringify([url, collection]);
}

/** Whether a query may be written to disk: a valid query without secret-looking keys. */
export function keepable(text: string): boolean {
  const r = parseFindQuery(text);
  if (!r.ok) return false;
  const { selector, sort, projection } = r.query;
  return !hasSecretKeys(selector) && !hasSecretKeys(sort ?? {}) && !hasSecretKeys(projection ?? {});
}

/** A stored history as read from disk, without entries that are malformed, invalid or hold secrets. */
export function readQueryHistory(raw: unknown): { history: QueryHistory; dropped: boolean } {
  const history: QueryHistory = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { history, dropped: raw !== undefined };
  let dropped = false;
  for (const [key, list] of Object.entries(raw as Record<string, unknown>)) {
    const kept = Array.isArray(list)
      ? list.filter((t): t is string => typeof t === 'string' && keepable(t)).slice(0, MAX_QUERIES)
      : [];
    if (!Array.isArray(list) || kept.length !== list.length) dropped = true;
    if (kept.length) history[key] = kept;
  }
  return { history, dropped };
}

/** The queries offered for a collection, newest first. */
export function recentQueries(history: QueryHistory, key: string): string[] {
  return history[key] ?? [];
}

/** The history after `text` was applied to the collection of `key`; undefined when nothing changes. */
export function rememberQuery(history: QueryHistory, key: string, text: string): QueryHistory | undefined {
  const query = text.trim();
  if (!keepable(query)) return undefined;
  const old = history[key] ?? [];
  if (old[0] === query) return undefined;
  const next: QueryHistory = { ...history };
  delete next[key]; // re-added last: the most recently used collection
  next[key] = [query, ...old.filter((q) => q !== query)].slice(0, MAX_QUERIES);
  const keys = Object.keys(next);
  for (const k of keys.slice(0, Math.max(0, keys.length - MAX_COLLECTIONS))) delete next[k];
  return next;
}
