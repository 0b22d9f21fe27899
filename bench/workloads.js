'use strict';
// The benchmark workloads: what the flood server sends and how a client shows it has seen the last frame.
// Shared by the server (bench/flood-server.js) and the client child (bench/child.js).

const DOCS = 'docs';
const STREAM = 'stream-room-messages';
const STREAM_ID = 'id';
const T0 = Date.UTC(2024, 0, 1);

/** ~10 fields: strings, numbers, a boolean, an array, a nested object and a `$date`. */
function addedFrame(i) {
  return {
    msg: 'added',
    collection: DOCS,
    id: `d${i}`,
    fields: {
      name: `Item ${i}`,
      email: `user${i}@example.com`,
      status: 'active',
      score: i * 1.5,
      count: i % 1000,
      active: i % 2 === 0,
      tags: ['alpha', 'beta'],
      profile: { city: 'Berlin', zip: String(10000 + (i % 90000)), geo: { lat: 52.52, lng: 13.405 } },
      createdAt: { $date: T0 + i * 1000 },
      note: 'lorem ipsum dolor sit amet',
    },
  };
}

/** 2 fields set, 1 cleared. */
function changedFrame(i) {
  return {
    msg: 'changed',
    collection: DOCS,
    id: `d${i}`,
    fields: { status: 'seen', score: i * 2 + 1 },
    cleared: ['note'],
  };
}

function removedFrame(i) {
  return { msg: 'removed', collection: DOCS, id: `d${i}` };
}

/** A Rocket.Chat `stream-room-messages` event: always the same document id, a new message in `args`. */
function streamFrame(i) {
  return {
    msg: 'changed',
    collection: STREAM,
    id: STREAM_ID,
    fields: {
      eventName: 'GENERAL',
      args: [
        {
          _id: `m${i}`,
          rid: 'GENERAL',
          msg: `hello world, message number ${i}`,
          ts: { $date: T0 + i },
          u: { _id: 'u1', username: 'alice', name: 'Alice Example' },
          _updatedAt: { $date: T0 + i },
          mentions: [],
          channels: [],
          md: [{ type: 'PARAGRAPH', value: [{ type: 'PLAIN_TEXT', value: `hello world, message number ${i}` }] }],
        },
      ],
    },
  };
}

/** Sent once, before the `ready` of the first subscription: the stream document exists for clients with a store. */
function streamSeed() {
  return { msg: 'added', collection: STREAM, id: STREAM_ID, fields: { eventName: 'GENERAL', args: [] } };
}

const PHASES = [
  { name: 'added', frame: addedFrame },
  { name: 'changed', frame: changedFrame },
  { name: 'removed', frame: removedFrame },
  { name: 'stream', frame: streamFrame },
];

// Ordered collections: the same documents sent as plain `added`, as `addedBefore` with a quarter of them inserted
// before an earlier document (the rest appended with `before: null`), then moves of a quarter of them to the middle.
// Each phase ends with one `added` of a sentinel document: once the store holds it, every frame before it is applied.
const PLAIN = 'plain';
const ORDERED = 'ordered';
const SENTINEL = 'sentinel';

/** A deterministic spread of earlier indexes (Knuth's multiplicative hash). */
function earlier(i) {
  return ((i * 2654435761) >>> 0) % i;
}

function plainFrame(i) {
  return { ...addedFrame(i), collection: PLAIN, id: `p${i}` };
}

function orderedFrame(i) {
  const before = i % 4 === 3 ? `o${earlier(i)}` : null;
  return { msg: 'addedBefore', collection: ORDERED, id: `o${i}`, fields: addedFrame(i).fields, before };
}

/** Moves every fourth document before another one spread over the collection. */
function movedFrame(i, n) {
  const id = 4 * i + 1;
  const before = earlier(id + 7) || 1;
  return { msg: 'movedBefore', collection: ORDERED, id: `o${id % n}`, before: `o${before % n}` };
}

/** A phase of `frames(n)` frames, then the sentinel. */
function withSentinel(name, frame, frames) {
  return {
    name,
    count: (n) => frames(n) + 1,
    frame: (i, n) =>
      i === frames(n) ? { msg: 'added', collection: SENTINEL, id: `end-${name}`, fields: {} } : frame(i, n),
  };
}

/** A fifth of the documents, half plain and half ordered, in collections of their own: JIT warm-up, not reported. */
function warmupFrame(i) {
  if (i % 2 === 0) return { ...addedFrame(i), collection: 'warmup-plain', id: `w${i}` };
  return {
    msg: 'addedBefore',
    collection: 'warmup-ordered',
    id: `w${i}`,
    fields: addedFrame(i).fields,
    before: i % 8 === 7 ? `w${earlier(i) | 1}` : null,
  };
}

const ORDERED_PHASES = [
  withSentinel('warmup', warmupFrame, (n) => Math.floor(n / 5)),
  withSentinel('plain', plainFrame, (n) => n),
  withSentinel('ordered', orderedFrame, (n) => n),
  withSentinel('moved', movedFrame, (n) => Math.floor(n / 4)),
];

/**
 * The completion test of a phase. `kind/collection/id/fields` describe the event the client library delivered;
 * `get(collection, id)` reads the client's own store (undefined for clients without one).
 * Store clients are done when their store shows the last frame; the others when the last event is delivered.
 */
function target(phase, n) {
  const last = n - 1;
  switch (phase) {
    case 'added': {
      const id = `d${last}`;
      return {
        id,
        store: (get) => get(DOCS, id) !== undefined,
        event: (kind, coll, eid) => kind === 'added' && eid === id,
      };
    }
    case 'changed': {
      const id = `d${last}`;
      return {
        id,
        store: (get) => {
          const d = get(DOCS, id);
          return d !== undefined && d.status === 'seen' && d.note === undefined;
        },
        event: (kind, coll, eid, fields) => kind === 'changed' && eid === id && fields && fields.status === 'seen',
      };
    }
    case 'removed': {
      const id = `d${last}`;
      return {
        id,
        store: (get) => get(DOCS, id) === undefined,
        event: (kind, coll, eid) => kind === 'removed' && eid === id,
      };
    }
    case 'stream': {
      const mid = `m${last}`;
      return {
        id: STREAM_ID,
        store: (get) => {
          const d = get(STREAM, STREAM_ID);
          return d !== undefined && Array.isArray(d.args) && d.args.length > 0 && d.args[0]._id === mid;
        },
        event: (kind, coll, eid, fields) =>
          kind === 'changed' &&
          coll === STREAM &&
          fields &&
          Array.isArray(fields.args) &&
          fields.args[0] &&
          fields.args[0]._id === mid,
      };
    }
    case 'warmup':
    case 'plain':
    case 'ordered':
    case 'moved': {
      const id = `end-${phase}`;
      return {
        id,
        store: (get) => get(SENTINEL, id) !== undefined,
        event: (kind, coll, eid) => kind === 'added' && eid === id,
      };
    }
    default:
      throw new Error(`unknown phase ${phase}`);
  }
}

module.exports = {
  DOCS,
  STREAM,
  STREAM_ID,
  PHASES,
  ORDERED_PHASES,
  PLAIN,
  ORDERED,
  SENTINEL,
  streamSeed,
  target,
  addedFrame,
  changedFrame,
  removedFrame,
  streamFrame,
};
