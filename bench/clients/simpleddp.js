'use strict';
// simpleddp@2.2.4 (on simpleddp-core, ws) with its own collections (arrays of documents).
const simpleDDP = require('simpleddp');
const WebSocket = require('ws');

module.exports = {
  label: 'simpleddp@2.2.4',
  store: true,
  async create(url, onEvent, { subscribe }) {
    const server = new simpleDDP({
      endpoint: url,
      SocketConstructor: WebSocket,
      reconnectInterval: 60000,
      autoReconnect: false,
    });
    // Listeners registered after simpleddp's own run after its collections were updated.
    server.on('added', (m) => onEvent('added', m.collection, m.id, m.fields));
    server.on('changed', (m) => onEvent('changed', m.collection, m.id, m.fields));
    server.on('removed', (m) => onEvent('removed', m.collection, m.id, undefined));
    await server.connect();
    const sub = server.subscribe(subscribe);
    await sub.ready();
    return {
      get: (coll, id) => {
        const list = server.collections[coll];
        return list ? list.find((d) => d.id === id) : undefined;
      },
      close: () => server.disconnect(),
    };
  },
};
