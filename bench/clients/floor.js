'use strict';
// The floor: raw `ws` + JSON.parse into a Map. No validation, no EJSON, no events beyond the completion probe.
const WebSocket = require('ws');

module.exports = {
  label: 'floor (ws + JSON.parse + Map)',
  store: true,
  async create(url, onEvent, { subscribe }) {
    const collections = new Map();
    const ws = new WebSocket(url, { perMessageDeflate: false });
    let ready;
    const readyP = new Promise((resolve) => (ready = resolve));
    ws.on('open', () => ws.send(JSON.stringify({ msg: 'connect', version: '1', support: ['1'] })));
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      switch (m.msg) {
        case 'added': {
          let c = collections.get(m.collection);
          if (!c) collections.set(m.collection, (c = new Map()));
          c.set(m.id, m.fields || {});
          break;
        }
        case 'changed': {
          const d = collections.get(m.collection)?.get(m.id);
          if (d) {
            if (m.fields) Object.assign(d, m.fields);
            if (m.cleared) for (const k of m.cleared) delete d[k];
          }
          break;
        }
        case 'removed':
          collections.get(m.collection)?.delete(m.id);
          break;
        case 'connected':
          ws.send(JSON.stringify({ msg: 'sub', id: 's1', name: subscribe, params: [] }));
          return;
        case 'ready':
          ready();
          return;
        case 'ping':
          ws.send(JSON.stringify({ msg: 'pong' }));
          return;
        default:
          return;
      }
      onEvent(m.msg, m.collection, m.id, m.fields);
    });
    await readyP;
    return {
      get: (coll, id) => collections.get(coll)?.get(id),
      close: () => ws.terminate(),
    };
  },
};
