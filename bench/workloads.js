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
  return { msg: 'changed', collection: DOCS, id: `d${i}`, fields: { status: 'seen', score: i * 2 + 1 }, cleared: ['note'] };
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
          kind === 'changed' && coll === STREAM && fields && Array.isArray(fields.args) && fields.args[0] && fields.args[0]._id === mid,
      };
    }
    default:
      throw new Error(`unknown phase ${phase}`);
  }
}

module.exports = { DOCS, STREAM, STREAM_ID, PHASES, streamSeed, target, addedFrame, changedFrame, removedFrame, streamFrame };
