// `npm run bench:sockjs` (part of `npm run bench`): what SockJS costs the client against a raw WebSocket.
// One flood server per transport, frames encoded before the clock starts: raw WebSocket (one DDP message a frame),
// SockJS over its WebSocket (one `a[...]` frame per message, as sockjs-node sends a lone message) and xhr-streaming
// (the same frames, newline-ended, in one long response). The client (this project's DdpClient, the real transport
// code) connects, and the clock runs from the first data frame written until its store holds the last document.
// Server and client share the process (the server only writes prepared buffers). 5 rounds, medians.
// Writes its section of bench/RESULTS.md between the sockjs markers.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { DdpClient } from '../src/ddp';
import type { DdpClientOptions } from '../src/ddp/types';

const N = Number(process.env.SOCKJS_BENCH_N ?? 50_000);
const ROUNDS = Number(process.env.SOCKJS_BENCH_ROUNDS ?? 5);
const BATCH = 500;

function added(i: number): string {
  return JSON.stringify({
    msg: 'added',
    collection: 'docs',
    id: `d${i}`,
    fields: {
      name: `Item ${i}`,
      email: `user${i}@example.com`,
      score: i * 1.5,
      tags: ['alpha', 'beta'],
      note: 'lorem',
    },
  });
}
const MESSAGES = Array.from({ length: N }, (_, i) => added(i));
const CONNECTED = JSON.stringify({ msg: 'connected', session: 'bench' });
const sockjsFrame = (m: string) => `a${JSON.stringify([m])}`;

type Kind = 'websocket' | 'sockjs-websocket' | 'sockjs-xhr-streaming';

/** A server that answers `connect` and then floods N `added`; resolves the time the flood started. */
async function floodServer(kind: Kind): Promise<{ url: string; started: Promise<number>; close(): Promise<void> }> {
  let markStart!: (t: number) => void;
  const started = new Promise<number>((resolve) => (markStart = resolve));
  const frames = kind === 'websocket' ? MESSAGES : MESSAGES.map(sockjsFrame);
  const srv = http.createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/sockjs/info') return res.end('{"websocket":true}');
    if (url.endsWith('/xhr_streaming')) {
      res.writeHead(200);
      res.write(`${'h'.repeat(2048)}\no\n`);
      stream = res;
      return;
    }
    if (url.endsWith('/xhr_send')) {
      req.resume();
      req.on('end', () => {
        res.writeHead(204);
        res.end();
        if (!stream || sent) return;
        sent = true;
        stream.write(`${sockjsFrame(CONNECTED)}\n`);
        markStart(performance.now());
        for (let i = 0; i < frames.length; i += BATCH) stream.write(`${frames.slice(i, i + BATCH).join('\n')}\n`);
      });
      return;
    }
    res.writeHead(404);
    res.end();
  });
  let stream: http.ServerResponse | undefined;
  let sent = false;
  const wss = new WebSocketServer({ server: srv });
  wss.on('connection', (ws: WebSocket) => {
    if (kind === 'sockjs-websocket') ws.send('o');
    ws.once('message', () => {
      ws.send(kind === 'websocket' ? CONNECTED : sockjsFrame(CONNECTED));
      markStart(performance.now());
      for (const f of frames) ws.send(f);
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/websocket`,
    started,
    async close() {
      stream?.destroy();
      for (const c of wss.clients) c.terminate();
      wss.close();
      srv.closeAllConnections();
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    },
  };
}

const OPTIONS: Record<Kind, DdpClientOptions> = {
  websocket: { transport: 'websocket' },
  'sockjs-websocket': { transport: 'sockjs' },
  'sockjs-xhr-streaming': { transport: 'sockjs', sockjsTransports: ['xhr-streaming'] },
};

async function round(kind: Kind): Promise<{ ms: number; cpuMs: number }> {
  const server = await floodServer(kind);
  const client = new DdpClient(server.url, { ...OPTIONS[kind], autoReconnect: false, heartbeatInterval: 0 });
  const cpu = process.cpuUsage();
  const done = new Promise<number>((resolve) =>
    client.on('added', (_c, id) => {
      if (id === `d${N - 1}`) resolve(performance.now());
    }),
  );
  await client.connect();
  const end = await done;
  const used = process.cpuUsage(cpu);
  if (client.transport !== kind) throw new Error(`${kind}: the client spoke ${client.transport}`);
  const ms = end - (await server.started);
  client.close();
  await server.close();
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const kinds: Kind[] = ['websocket', 'sockjs-websocket', 'sockjs-xhr-streaming'];
  const runs = new Map<Kind, Array<{ ms: number; cpuMs: number }>>(kinds.map((k) => [k, []]));
  await round('websocket'); // warm-up
  for (let r = 0; r < ROUNDS; r++) for (const k of kinds) runs.get(k)!.push(await round(k));
  const base = median(runs.get('websocket')!.map((x) => x.ms));
  const lines = [
    '<!-- sockjs:start -->',
    '## SockJS transport (`npm run bench:sockjs`)',
    '',
    `${N.toLocaleString('en-US')} \`added\` messages (5 fields) into DdpClient's store, ${ROUNDS} rounds, medians; ${os.cpus().length} cores, Node ${process.versions.node}, load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(
        ' / ',
      )}, ${new Date().toISOString().slice(0, 10)}. Server and client in one process; the server only writes prepared frames (one DDP message per SockJS frame).`,
    '',
    '| Transport | msg/s | time ÷ raw WebSocket | CPU time (process) |',
    '| --- | ---: | ---: | ---: |',
  ];
  for (const k of kinds) {
    const ms = median(runs.get(k)!.map((x) => x.ms));
    const cpu = median(runs.get(k)!.map((x) => x.cpuMs));
    lines.push(
      `| ${k} | ${Math.round((N / ms) * 1000).toLocaleString('en-US')} | ${(ms / base).toFixed(2)}× | ${Math.round(cpu)} ms |`,
    );
  }
  lines.push(
    '',
    'SockJS wraps every message in a JSON array of one JSON string, so the client parses each message twice (the array, then the DDP text); over SockJS\'s WebSocket that comes on top of one WebSocket frame per message. xhr-streaming gets the same frames in large chunks of one HTTP response (500 frames a write here), which saves the per-frame WebSocket work and makes up for the second parse. The raw figures are lower than in "DDP clients" above because the flood server shares the process (and the machine was shared).',
    '<!-- sockjs:end -->',
  );
  const section = lines.join('\n');
  console.log(section);
  const file = path.join(__dirname, 'RESULTS.md');
  const current = fs.readFileSync(file, 'utf8');
  const start = current.indexOf('<!-- sockjs:start -->');
  const end = current.indexOf('<!-- sockjs:end -->');
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + section + current.slice(end + '<!-- sockjs:end -->'.length)
      : `${current.trimEnd()}\n\n${section}\n`;
  if (!process.env.SOCKJS_BENCH_NO_WRITE) fs.writeFileSync(file, next);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
