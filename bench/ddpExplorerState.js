'use strict';
// What the bench reads of this project's DdpClient: its events, and its state for the completion test. Shared by
// bench/clients/ddp-explorer.js and ddp-explorer-capture.js.
const { STREAM_ID } = require('./workloads');

/** Wires `c`'s events to `onEvent`; returns `get(collection, id)` over the client's state. */
function followClient(c, onEvent) {
  c.on('added', (coll, id, fields) => onEvent('added', coll, id, fields));
  c.on('changed', (coll, id, fields) => onEvent('changed', coll, id, fields));
  c.on('removed', (coll, id) => onEvent('removed', coll, id, undefined));
  // Rocket.Chat stream events are announced as `stream`, never stored in `collections`: the last one per stream is
  // what this client's state shows (as the explorer's stream log does).
  const lastEvent = new Map();
  c.on('stream', (e) => {
    lastEvent.set(e.collection, { eventName: e.eventName, args: e.args });
    onEvent('changed', e.collection, STREAM_ID, lastEvent.get(e.collection));
  });
  return (coll, id) => (id === STREAM_ID && lastEvent.get(coll)) || c.collections.get(coll)?.get(id);
}

module.exports = { followClient };
