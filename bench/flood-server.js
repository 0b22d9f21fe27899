'use strict';
// The flood server: plain `ws` for the handshake, then each phase is written to the TCP socket as WebSocket frames
// encoded before the clock starts (one memcpy into the kernel per ~1 MiB chunk), so the server is never the bottleneck.
const http = require('http');
const { WebSocketServer } = require('ws');
const { PHASES, streamSeed } = require('./workloads');

/** An unmasked, final, text WebSocket frame (server to client). */
function encodeFrame(payload) {
  const len = payload.length;
  let header;
  if (len < 126) {
    header = Buffer.from([0x81, len]);
  } else if (len < 65536) {
    header = Buffer.alloc(4);
    header[0] = 0x81;
    header[1] = 126;
    header.writeUInt16BE(len, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x81;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([header, payload]);
}

const CHUNK = 1 << 20;

/** All frames of a phase, as a few big buffers ready to write. */
function encodePhase(frame, n, count = n) {
  const chunks = [];
  let parts = [];
  let size = 0;
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const f = encodeFrame(Buffer.from(JSON.stringify(frame(i, n))));
    parts.push(f);
    size += f.length;
    if (size >= CHUNK) {
      chunks.push(Buffer.concat(parts));
      bytes += size;
      parts = [];
      size = 0;
    }
  }
  if (parts.length) {
    chunks.push(Buffer.concat(parts));
    bytes += size;
  }
  return { chunks, bytes, frames: n };
}

class FloodServer {
  /** `phases`: PHASES by default; ORDERED_PHASES for the ordered-collection workload. */
  constructor(n, phases = PHASES) {
    this.n = n;
    this.phases = new Map();
    for (const p of phases) this.phases.set(p.name, encodePhase(p.frame, n, p.count ? p.count(n) : n));
    this.current = undefined;
    this.waiters = [];
  }

  async listen() {
    this.http = http.createServer((req, res) => {
      // Some clients probe SockJS info first; answer "use plain websocket".
      res.writeHead(404);
      res.end();
    });
    this.wss = new WebSocketServer({ server: this.http, perMessageDeflate: false });
    this.wss.on('connection', (ws) => this.onConnection(ws));
    await new Promise((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    this.port = this.http.address().port;
    this.url = `ws://127.0.0.1:${this.port}/websocket`;
    return this.url;
  }

  onConnection(ws) {
    const conn = { ws, subscribed: false, seeded: false };
    ws.on('message', (data) => {
      let m;
      try {
        m = JSON.parse(data.toString());
      } catch {
        return;
      }
      switch (m.msg) {
        case 'connect':
          ws.send(JSON.stringify({ msg: 'connected', session: 'bench-session' }));
          break;
        case 'ping':
          ws.send(JSON.stringify(m.id === undefined ? { msg: 'pong' } : { msg: 'pong', id: m.id }));
          break;
        case 'sub':
          if (!conn.seeded) {
            conn.seeded = true;
            ws.send(JSON.stringify(streamSeed()));
          }
          ws.send(JSON.stringify({ msg: 'ready', subs: [m.id] }));
          if (!conn.subscribed) {
            conn.subscribed = true;
            this.current = conn;
            const w = this.waiters;
            this.waiters = [];
            for (const f of w) f(conn);
          }
          break;
        case 'unsub':
          ws.send(JSON.stringify({ msg: 'nosub', id: m.id }));
          break;
        case 'method':
          ws.send(JSON.stringify({ msg: 'result', id: m.id, result: null }));
          ws.send(JSON.stringify({ msg: 'updated', methods: [m.id] }));
          break;
        default:
          break;
      }
    });
    ws.on('close', () => {
      if (this.current === conn) this.current = undefined;
    });
    ws.on('error', () => undefined);
  }

  /** Resolves once a client has subscribed (and so holds the seed). */
  subscribed() {
    if (this.current && this.current.subscribed) return Promise.resolve(this.current);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Writes every frame of a phase to the current client; returns the monotonic time (ns) of the first byte. */
  flood(phase) {
    const conn = this.current;
    if (!conn) throw new Error('no client');
    const { chunks } = this.phases.get(phase);
    const socket = conn.ws._socket;
    const t0 = process.hrtime.bigint();
    for (const c of chunks) socket.write(c);
    return t0;
  }

  close() {
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
    this.http.close();
  }
}

module.exports = { FloodServer, encodeFrame, encodePhase };
