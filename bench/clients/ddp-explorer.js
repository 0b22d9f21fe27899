'use strict';
// This project's client, from the library bundle (dist/ddp.js, built by `npm run build`).
// BENCH_DDP_LIB points it at another build of the library (`node bench/run.js --variant name=path/to/ddp.js`).
const path = require('path');
const { followClient } = require('../ddpExplorerState');
const lib = process.env.BENCH_DDP_LIB || path.join(__dirname, '../../dist/ddp.js');
const { DdpClient } = require(lib);

module.exports = {
  label: process.env.BENCH_DDP_LABEL || 'DdpClient (this project)',
  store: true,
  async create(url, onEvent, { subscribe }) {
    const c = new DdpClient(url, { autoReconnect: false });
    const get = followClient(c, onEvent);
    await c.connect();
    await new Promise((resolve, reject) => c.subscribe(subscribe, [], (err) => (err ? reject(err) : resolve())));
    return {
      get,
      close: () => c.close(),
    };
  },
};
