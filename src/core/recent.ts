// Most-recently-used lists (URLs, methods, publications). Plain module: no VS Code API.

/** `item` first, without duplicates, at most `max` entries. */
export function pushRecent<T>(
  list: readonly T[],
  item: T,
  max = 10,
  same: (a: T, b: T) => boolean = (a, b) => a === b,
): T[] {
  return [item, ...list.filter((x) => !same(x, item))].slice(0, max);
}

/** A defensive read of a stored list: only strings, at most `max`. */
export function readRecent(raw: unknown, max = 10): string[] {
  return Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string' && x.length > 0).slice(0, max) : [];
}
