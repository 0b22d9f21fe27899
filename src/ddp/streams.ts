// Rocket.Chat's streams (its Streamer module) over DDP: a publication named `stream-<name>` whose events arrive as
// `changed` for a document that was never added (id "id"), with fields `{ eventName, args }`. They are events, not
// data: the client announces them as `stream` and the store never sees them.
import type { Fields, StreamEvent } from './types';

/** The prefix of every Rocket.Chat stream publication and collection (`stream-room-messages`, ...). */
export const STREAM_PREFIX = 'stream-';

/**
 * The detection rule: a `changed` whose collection starts with `stream-`, that sets `eventName` (a string) and
 * `args` (an array) and clears nothing, is a stream event — whether or not a document with that id was added
 * (Rocket.Chat's `useCollection: true` adds `{ eventName }` under id "id" first; the events are still events).
 */
export function streamEventOf(collection: string, fields: Fields, cleared: readonly string[]): StreamEvent | undefined {
  if (!collection.startsWith(STREAM_PREFIX) || cleared.length > 0) return undefined;
  const { eventName, args } = fields;
  if (typeof eventName !== 'string' || !Array.isArray(args)) return undefined;
  return { collection, eventName, args: args as unknown[] };
}

/**
 * The params Rocket.Chat's streamer takes: the event name, then `{ useCollection: false, args }` (older servers and
 * the documentation's examples send a bare `false` in place of the object; current servers accept both).
 */
export function streamParams(
  eventName: string,
  args: unknown[] = [],
): [string, { useCollection: false; args: unknown[] }] {
  return [eventName, { useCollection: false, args }];
}
