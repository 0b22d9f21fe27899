'use strict';
// This project's client, from the library bundle (dist/ddp.js, built by `npm run build`).
// BENCH_DDP_LIB points it at another build of the library (`node bench/run.js --variant name=path/to/ddp.js`).
const path = require('path');
const { STREAM_ID } = require('../workloads');
const lib = process.env.BENCH_DDP_LIB || path.join(__dirname, '../../dist/ddp.js');
const { DdpClient } = require(lib);

module.exports = {
  label: process.env.BENCH_DDP_LABEL || 'DdpClient (this project)',
  store: true,
  async create(url, onEvent, { subscribe }) {
    const c = new DdpClient(url, { autoReconnect: false });
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
    await c.connect();
    await new Promise((resolve, reject) => c.subscribe(subscribe, [], (err) => (err ? reject(err) : resolve())));
    return {
      get: (coll, id) => (id === STREAM_ID && lastEvent.get(coll)) || c.collections.get(coll)?.get(id),
      close: () => c.close(),
    };
  },
};
