// Meteor's collection mutation methods for the demo's `tasks`, as `allow` rules make them: `/tasks/insert`,
// `/tasks/update`, `/tasks/remove`, allowed for the logged-in demo user and refused otherwise with Meteor's own
// "Access denied [403]". mongodb-livedata-server has no allow/deny (it has no Mongo.Collection), so the methods are
// written here with Meteor's checks (update and remove by `_id` only, no upsert, allowed operators) and Meteor's
// own update semantics (minimongo's `_modify`, which the library ships).
import { randomBytes } from 'node:crypto';
import { ClientSafeError } from 'mongodb-livedata-server/dist/meteor/ddp/livedata_server';
import { _modify } from 'mongodb-livedata-server/dist/meteor/mongo/minimongo_common';
import { addType, clone, equals } from 'mongodb-livedata-server/dist/meteor/ejson/ejson';
import type { Doc, LiveCollection } from './server';

/** Operators Meteor lets untrusted code use on a restricted collection (allow-deny's ALLOWED_UPDATE_OPERATIONS). */
const ALLOWED_UPDATE_OPERATIONS = new Set([
  '$inc',
  '$set',
  '$unset',
  '$addToSet',
  '$pop',
  '$pullAll',
  '$pull',
  '$pushAll',
  '$push',
  '$bit',
]);

/** A custom EJSON type the demo server knows and DDP Explorer does not: it must come back exactly as it was sent. */
export class Money {
  constructor(
    readonly amount: number,
    readonly currency: string,
  ) {}
  typeName(): string {
    return 'money';
  }
  toJSONValue(): { amount: number; currency: string } {
    return { amount: this.amount, currency: this.currency };
  }
  clone(): Money {
    return new Money(this.amount, this.currency);
  }
  equals(other: unknown): boolean {
    return other instanceof Money && other.amount === this.amount && other.currency === this.currency;
  }
}
try {
  addType('money', (v: { amount: number; currency: string }) => new Money(v.amount, v.currency));
} catch {
  // Already registered by another import of this module.
}

const UNMISTAKABLE = '23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz';
function randomId(): string {
  const bytes = randomBytes(17);
  let id = '';
  for (const b of bytes) id += UNMISTAKABLE[b % UNMISTAKABLE.length];
  return id;
}

const denied = () => new ClientSafeError(403, 'Access denied');
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The id of a `{_id: "<id>"}` selector (or a bare id), as Meteor's `_selectorIsIdPerhapsAsObject` accepts. */
function selectedId(selector: unknown): string {
  if (typeof selector === 'string') return selector;
  if (isObject(selector) && Object.keys(selector).length === 1 && typeof selector._id === 'string') return selector._id;
  throw new ClientSafeError(403, 'Not permitted. Untrusted code may only update documents by ID.');
}

interface Caller {
  userId: string | null;
}

/** The three mutation methods of `collection`; `allowed(userId)` is the allow rule of every one of them. */
export function mutationMethods(
  collection: LiveCollection,
  allowed: (userId: string | null) => boolean,
): Record<string, (this: Caller, ...args: unknown[]) => Promise<unknown>> {
  const prefix = `/${collection.name}/`;
  return {
    async [`${prefix}insert`](this: Caller, doc: unknown) {
      if (!isObject(doc)) throw new ClientSafeError(400, 'Match failed');
      if (!allowed(this.userId)) throw denied();
      const id = doc._id === undefined ? randomId() : doc._id;
      if (typeof id !== 'string') throw new ClientSafeError(400, 'The demo server keeps string ids only');
      if (collection.get(id)) throw new ClientSafeError(409, `E11000 duplicate key error: _id "${id}"`);
      collection.insert({ ...(clone(doc) as Record<string, unknown>), _id: id } as Doc);
      return id;
    },
    async [`${prefix}update`](this: Caller, selector: unknown, modifier: unknown, options?: unknown) {
      if (!isObject(modifier)) throw new ClientSafeError(400, 'Match failed');
      const id = selectedId(selector);
      if (isObject(options) && options.upsert)
        throw new ClientSafeError(403, 'Not permitted. Untrusted code may not do upserts.');
      if (!allowed(this.userId)) throw denied();
      for (const op of Object.keys(modifier))
        if (!ALLOWED_UPDATE_OPERATIONS.has(op))
          throw new ClientSafeError(403, `Access denied. Operator ${op} not allowed in a restricted collection.`);
      const doc = collection.get(id);
      if (!doc) return 0;
      const next = clone(doc) as Doc;
      try {
        _modify(next, modifier);
      } catch (err) {
        throw new ClientSafeError(400, err instanceof Error ? err.message : String(err));
      }
      const fields: Record<string, unknown> = {};
      for (const k of Object.keys(doc)) if (!(k in next)) fields[k] = undefined;
      for (const [k, v] of Object.entries(next)) if (k !== '_id' && !equals(doc[k], v)) fields[k] = v;
      if (Object.keys(fields).length > 0) collection.update(id, fields);
      return 1;
    },
    async [`${prefix}remove`](this: Caller, selector: unknown) {
      const id = selectedId(selector);
      if (!allowed(this.userId)) throw denied();
      return collection.remove(id) ? 1 : 0;
    },
  };
}
