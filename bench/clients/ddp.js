'use strict';
// ddp@0.12.1 (faye-websocket, ddp-ejson) with maintainCollections; events through its observe() API.
const DDPClient = require('ddp');

module.exports = {
  label: 'ddp@0.12.1',
  store: true,
  async create(url, onEvent, { subscribe, collections }) {
    const c = new DDPClient({
      url,
      autoReconnect: false,
      maintainCollections: true,
      ddpVersion: '1',
      useSockJs: false,
    });
    for (const name of collections) {
      c.observe(
        name,
        (id) => onEvent('added', name, id, undefined),
        (id, oldFields, cleared, newFields) => onEvent('changed', name, id, newFields),
        (id) => onEvent('removed', name, id, undefined),
      );
    }
    await new Promise((resolve, reject) => c.connect((err) => (err ? reject(err) : resolve())));
    await new Promise((resolve, reject) => c.subscribe(subscribe, [], (err) => (err ? reject(err) : resolve())));
    return {
      get: (coll, id) => (c.collections[coll] ? c.collections[coll][id] : undefined),
      close: () => c.close(),
    };
  },
};
