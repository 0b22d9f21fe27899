// What saving an edited document means over DDP: one `/<collection>/update` with `{_id}` and the modifier of the
// user's changes, `/<collection>/insert` for a new document, `/<collection>/remove` for Delete. A save that would
// undo someone else's change to the same field since the editor was loaded is a conflict for the user to decide
// (Compare, Overwrite). Plain module: no VS Code API, no sockets; the caller sends the call through Session.call.
import { changedPaths, diffToModifier, dotted, sameValue, type Change, type Fields, type Modifier } from './modifier';
import { parseDocumentText } from './documentText';
import { idParse } from './ids';

export interface MethodCall {
  method: string;
  params: unknown[];
}

export type SavePlan =
  | { kind: 'unchanged' }
  | { kind: 'call'; call: MethodCall; changes: Change[]; modifier: Modifier }
  /** The server changed some of the same fields (dotted paths) since the editor was loaded. */
  | { kind: 'conflict'; paths: string[] }
  | { kind: 'refused'; reason: string };

export interface UpdateTarget {
  collection: string;
  /** The document's DDP id (the store's key). */
  id: string;
}

/** A server string quoted on one line (it goes into `//` comments and messages). */
const quote = (s: string) =>
  JSON.stringify(s)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

/** The value at a path, or undefined when it is not there. */
function valueAt(doc: Fields, path: readonly string[]): unknown {
  let v: unknown = doc;
  for (const k of path) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, k)) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

const overlaps = (a: readonly string[], b: readonly string[]) => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
};

/**
 * The user's changes that the server has changed too since `base` (the version the editor was loaded from) and
 * where the server's value is not already the user's: saving them would silently undo someone else's work.
 */
export function conflictingPaths(base: Fields, current: Fields, mine: Fields): string[] {
  const theirs = changedPaths(base, current);
  if (theirs.length === 0) return [];
  const out: string[] = [];
  for (const c of changedPaths(base, mine)) {
    const hit = theirs.some((t) => overlaps(t.path, c.path));
    if (hit && !sameValue(valueAt(current, c.path), valueAt(mine, c.path))) out.push(dotted(c.path));
  }
  return out;
}

/** The `_id` the text may hold must be the document's: MongoDB cannot change an `_id`. */
function idProblem(target: UpdateTarget, doc: Fields): string | undefined {
  if (!Object.prototype.hasOwnProperty.call(doc, '_id')) return undefined;
  const id = doc._id;
  if (id === target.id || sameValue(id, idParse(target.id))) return undefined;
  return `The _id cannot be changed (MongoDB keeps it for the life of a document): put back ${quote(target.id)}, or use New Document for a copy.`;
}

/**
 * The update a save sends. `base` is what the editor was loaded from, `current` the document as published now
 * (undefined: no longer published). With `overwrite`, the server's document becomes exactly the editor's.
 */
export function planUpdate(
  target: UpdateTarget,
  base: Fields | undefined,
  current: Fields | undefined,
  text: string,
  overwrite = false,
): SavePlan {
  const parsed = parseDocumentText(text);
  if (!parsed.ok) return { kind: 'refused', reason: parsed.reason };
  const mine = parsed.doc;
  const bad = idProblem(target, mine);
  if (bad) return { kind: 'refused', reason: bad };
  if (!current)
    return {
      kind: 'refused',
      reason: `${quote(target.id)} in ${quote(target.collection)} is not published any more (removed, or its subscription stopped): there is nothing to update. Subscribe again, or use New Document.`,
    };
  const from = overwrite || !base ? current : base;
  if (!overwrite && base) {
    const paths = conflictingPaths(base, current, mine);
    if (paths.length > 0) return { kind: 'conflict', paths };
  }
  const diff = diffToModifier(from, mine);
  if (!diff.ok) return { kind: 'refused', reason: diff.reason };
  if (diff.changes.length === 0) return { kind: 'unchanged' };
  return {
    kind: 'call',
    call: { method: `/${target.collection}/update`, params: [{ _id: idParse(target.id) }, diff.modifier] },
    changes: diff.changes,
    modifier: diff.modifier,
  };
}

/** The insert a new document's save sends; `_id` may be left out (the server makes one). */
export function planInsert(collection: string, text: string): SavePlan {
  const parsed = parseDocumentText(text);
  if (!parsed.ok) return { kind: 'refused', reason: parsed.reason };
  const { _id, ...rest } = parsed.doc;
  // Saving the template as it opened (or emptied again) is almost always a stray Ctrl+S, not a wish for a document
  // with nothing but a server-made _id: say so instead of inserting it.
  if (_id === undefined && Object.keys(rest).length === 0)
    return { kind: 'refused', reason: 'The document is empty: write at least one field (or an "_id") before saving.' };
  const check = diffToModifier({}, rest);
  if (!check.ok) return { kind: 'refused', reason: check.reason };
  if (_id !== undefined && typeof _id !== 'string' && !(_id !== null && typeof _id === 'object'))
    return { kind: 'refused', reason: 'An _id is a string or an ObjectID ({"$type": "oid", "$value": "<24 hex>"}).' };
  return {
    kind: 'call',
    call: { method: `/${collection}/insert`, params: [parsed.doc] },
    changes: check.changes,
    modifier: check.modifier,
  };
}

/** Delete Document's call. */
export function removeCall(target: UpdateTarget): MethodCall {
  return { method: `/${target.collection}/remove`, params: [{ _id: idParse(target.id) }] };
}

/** The template a New Document editor opens with. */
export function newDocumentText(collection: string, connection: string): string {
  return (
    `// New document in ${quote(collection)} on ${quote(connection)}: write its fields as EJSON, then save to insert it` +
    ` (${quote(`/${collection}/insert`)}).\n// Leave out "_id" and the server makes one. A Date is {"$date": 1767258000000}.\n{\n}\n`
  );
}
