// Document ids between the wire and MongoDB: DDP frames carry `id` as a string (Meteor's MongoID.idStringify), while a
// selector needs the id itself (an ObjectID, a string, a number). The same rules as Meteor's mongo-id package.
import { ObjectID } from '../../ddp/ejson';

const looksLikeObjectID = (s: string) => s.length === 24 && /^[0-9a-f]*$/.test(s);

/** The id a DDP `id` stands for (MongoID.idParse). */
export function idParse(id: string): unknown {
  if (id === '') return id;
  if (id === '-') return undefined;
  const first = id.charAt(0);
  if (first === '-') return id.slice(1);
  if (first === '~') {
    try {
      return JSON.parse(id.slice(1)) as unknown;
    } catch {
      return id;
    }
  }
  if (looksLikeObjectID(id)) return new ObjectID(id);
  return id;
}

/** The DDP `id` of an id (MongoID.idStringify); undefined for an id Meteor cannot publish (an object). */
export function idStringify(id: unknown): string | undefined {
  if (id instanceof ObjectID) return id.hexString;
  if (typeof id === 'string') {
    if (id === '') return id;
    const first = id.charAt(0);
    return first === '-' || first === '~' || first === '{' || looksLikeObjectID(id) ? '-' + id : id;
  }
  if (id === undefined) return '-';
  if (id !== null && typeof id === 'object') return undefined;
  return '~' + JSON.stringify(id);
}
