// The difference between two versions of a document as ONE MongoDB modifier, the form Meteor's `/<collection>/update`
// takes: `$set` and `$unset` with dotted paths for nested objects, arrays replaced whole (an index path would
// write the wrong element once someone else has inserted into the array). Plain module: no VS Code, no sockets.
import { isUnknownType, setOwn, toEJSON } from '../../ddp/ejson';

export type Fields = Record<string, unknown>;

export interface Modifier {
  $set?: Record<string, unknown>;
  $unset?: Record<string, ''>;
}

/** One changed path: its segments, and the new value (absent for a removed field). */
export interface Change {
  path: string[];
  kind: 'set' | 'unset';
  value?: unknown;
}

export type ModifierResult = { ok: true; modifier: Modifier; changes: Change[] } | { ok: false; reason: string };

/** A plain object the diff descends into (not a Date, binary, ObjectID or a custom EJSON type). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || isUnknownType(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Equal as EJSON values, key order included inside arrays (a reordered object in an array rewrites the array). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  // A raw custom type and a plain object of the same shape are different values on the server.
  if (isUnknownType(a) !== isUnknownType(b)) return false;
  return JSON.stringify(toEJSON(a)) === JSON.stringify(toEJSON(b));
}

/** Every path where `after` differs from `before` (`_id` left out), deepest plain-object level, unvalidated. */
export function changedPaths(before: Fields, after: Fields, prefix: string[] = []): Change[] {
  const out: Change[] = [];
  for (const key of Object.keys(before)) {
    if (prefix.length === 0 && key === '_id') continue;
    if (!Object.prototype.hasOwnProperty.call(after, key)) out.push({ path: [...prefix, key], kind: 'unset' });
  }
  for (const key of Object.keys(after)) {
    if (prefix.length === 0 && key === '_id') continue;
    const path = [...prefix, key];
    const b = Object.prototype.hasOwnProperty.call(before, key) ? before[key] : undefined;
    const a = after[key];
    const had = Object.prototype.hasOwnProperty.call(before, key);
    if (had && isPlainObject(b) && isPlainObject(a)) out.push(...changedPaths(b, a, path));
    else if (!had || !sameValue(b, a)) out.push({ path, kind: 'set', value: a });
  }
  return out;
}

/** Why a field name cannot be part of an update path or a `$set` value (MongoDB's and Meteor's rules). */
function badKey(key: string): string | undefined {
  if (key === '') return 'an empty field name';
  if (key.includes('.')) return `the field name ${JSON.stringify(key)} (it contains ".")`;
  if (key.startsWith('$')) return `the field name ${JSON.stringify(key)} (it starts with "$")`;
  return undefined;
}

function badKeyIn(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    for (const v of value) {
      const bad = badKeyIn(v);
      if (bad) return bad;
    }
  } else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      const bad = badKey(key) ?? badKeyIn(value[key]);
      if (bad) return bad;
    }
  }
  return undefined;
}

/**
 * The one modifier that turns `before` into `after` (both without or with the same `_id`, which is never part of
 * it). Refused, with a sentence, when MongoDB could not take it: a field name with "." or a leading "$".
 */
export function diffToModifier(before: Fields, after: Fields): ModifierResult {
  const changes = changedPaths(before, after);
  const modifier: Modifier = {};
  for (const c of changes) {
    const bad = c.path.map(badKey).find((x) => x !== undefined) ?? (c.kind === 'set' ? badKeyIn(c.value) : undefined);
    if (bad) return { ok: false, reason: `A MongoDB update cannot write ${bad}.` };
    const key = c.path.join('.');
    // setOwn: a field may be named "__proto__".
    if (c.kind === 'set') setOwn((modifier.$set ??= {}), key, c.value);
    else setOwn((modifier.$unset ??= {}), key, '');
  }
  return { ok: true, modifier, changes };
}

/** The dotted path of a change (as in `$set`), for messages. */
export function dotted(path: readonly string[]): string {
  return path.join('.');
}
