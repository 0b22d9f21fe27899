'use strict';
// The view-model workload's server: 100,000 `added` documents at once, then `changed` frames paced at a fixed rate.
// Each change carries its send time (`t`, monotonic µs, comparable across processes) to measure change-to-refresh delay.
const http = require('http');
const { WebSocketServer } = require('ws');
const { encodeFrame, encodePhase } = require('./flood-server');
const { addedFrame, DOCS } = require('./workloads');

class PacedServer {
  constructor(docs, pageSize) {
    this.docs = docs;
    this.pageSize = pageSize;
    this.initial = encodePhase(addedFrame, docs);
  }

  async listen() {
    this.http = http.createServer((req, res) => res.writeHead(404).end());
    this.wss = new WebSocketServer({ server: this.http, perMessageDeflate: false });
    this.wss.on('connection', (ws) => {
      ws.on('message', (data) => {
        const m = JSON.parse(data.toString());
        if (m.msg === 'connect') ws.send(JSON.stringify({ msg: 'connected', session: 'vm' }));
        else if (m.msg === 'ping') ws.send(JSON.stringify({ msg: 'pong', id: m.id }));
        else if (m.msg === 'sub') {
          for (const c of this.initial.chunks) ws._socket.write(c);
          ws.send(JSON.stringify({ msg: 'ready', subs: [m.id] }));
          this.ws = ws;
        } else if (m.msg === 'method') ws.send(JSON.stringify({ msg: 'result', id: m.id, result: null }));
      });
      ws.on('error', () => undefined);
    });
    await new Promise((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    this.url = `ws://127.0.0.1:${this.http.address().port}/websocket`;
    return this.url;
  }

  /** Document of the k-th change: one in ten on the first page (what the user looks at), the rest spread over all. */
  target(k) {
    return k % 10 === 0 ? (k / 10) % this.pageSize : (k * 7919) % this.docs;
  }

  /** Sends `rate` changes a second for `seconds`, in 10 ms ticks, catching up on any timer lag. */
  stream(rate, seconds) {
    const socket = this.ws._socket;
    const total = rate * seconds;
    const start = process.hrtime.bigint();
    let sent = 0;
    return new Promise((resolve) => {
      const tick = () => {
        const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
        const due = Math.min(total, Math.floor((elapsedMs * rate) / 1000));
        if (due > sent) {
          const parts = [];
          const t = Number(process.hrtime.bigint() / 1000n);
          for (; sent < due; sent++) {
            const frame = { msg: 'changed', collection: DOCS, id: `d${this.target(sent)}`, fields: { score: sent, t } };
            parts.push(encodeFrame(Buffer.from(JSON.stringify(frame))));
          }
          socket.write(Buffer.concat(parts));
        }
        if (sent >= total) return resolve({ sent, ms: Number(process.hrtime.bigint() - start) / 1e6 });
        setTimeout(tick, 10);
      };
      tick();
    });
  }

  close() {
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
    this.http.close();
  }
}

module.exports = { PacedServer };
