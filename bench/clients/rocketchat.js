'use strict';
// @rocket.chat/ddp-client@1.1.2 (DDPSDK; needs a global WebSocket, which Node 20 lacks: `ws` provides it).
// No store: done when the last event is delivered through client.onCollection().
if (typeof globalThis.WebSocket === 'undefined') globalThis.WebSocket = require('ws');
const { DDPSDK } = require('@rocket.chat/ddp-client');

module.exports = {
  label: '@rocket.chat/ddp-client@1.1.2 (no store)',
  store: false,
  async create(url, onEvent, { subscribe, collections }) {
    const sdk = DDPSDK.create(url, { retryCount: 0, retryTime: 60000 });
    for (const name of collections) {
      sdk.client.onCollection(name, (m) => onEvent(m.msg, m.collection, m.id, m.fields));
    }
    await sdk.connection.connect();
    const sub = sdk.client.subscribe(subscribe);
    await sub.ready();
    return { get: undefined, close: () => sdk.connection.close() };
  },
};
