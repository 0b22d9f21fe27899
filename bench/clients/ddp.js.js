'use strict';
// ddp.js@2.2.1 (ws): no store; done when the last event is delivered.
const DDP = require('ddp.js').default || require('ddp.js');
const WebSocket = require('ws');

module.exports = {
  label: 'ddp.js@2.2.1 (no store)',
  store: false,
  async create(url, onEvent, { subscribe }) {
    const ddp = new DDP({ endpoint: url, SocketConstructor: WebSocket, autoReconnect: false });
    ddp.on('added', (m) => onEvent('added', m.collection, m.id, m.fields));
    ddp.on('changed', (m) => onEvent('changed', m.collection, m.id, m.fields));
    ddp.on('removed', (m) => onEvent('removed', m.collection, m.id, undefined));
    await new Promise((resolve) => ddp.on('connected', resolve));
    const id = ddp.sub(subscribe, []);
    await new Promise((resolve) => ddp.on('ready', (m) => m.subs.includes(id) && resolve()));
    return { get: undefined, close: () => ddp.disconnect() };
  },
};
