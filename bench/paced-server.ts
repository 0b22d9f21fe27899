// A DDP server for bench/inspector.ts that sends documents at a steady rate (not as fast as it can): 20,000 `added`,
// then `changed` frames on them, each carrying the moment it was sent (`sentAt`, ms since the epoch with the
// fraction), so that the client can measure how long each frame waited. Runs in a process of its own; answers
// { url } over IPC. Options: argv[2] frames per second, argv[3] frames in all.
import { WebSocketServer } from 'ws';

const { addedFrame } = require('./workloads') as { addedFrame: (i: number) => { fields: Record<string, unknown> } };

const RATE = Number(process.argv[2] ?? 50_000);
const TOTAL = Number(process.argv[3] ?? 200_000);
const DOCS = 20_000;
const TICK_MS = 5;
const now = () => performance.timeOrigin + performance.now();

function frame(i: number): string {
  const id = `d${i % DOCS}`;
  if (i < DOCS) {
    const fields = { ...addedFrame(i).fields, sentAt: now() };
    return JSON.stringify({ msg: 'added', collection: 'docs', id, fields });
  }
  return JSON.stringify({ msg: 'changed', collection: 'docs', id, fields: { score: i, sentAt: now() } });
}

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
wss.on('listening', () => {
  const { port } = wss.address() as { port: number };
  process.send?.({ url: `ws://127.0.0.1:${port}/websocket` });
});
wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString()) as { msg: string; id?: string };
    if (m.msg === 'connect') ws.send(JSON.stringify({ msg: 'connected', session: 'paced' }));
    else if (m.msg === 'ping') ws.send(JSON.stringify({ msg: 'pong', id: m.id }));
    else if (m.msg === 'sub') {
      ws.send(JSON.stringify({ msg: 'ready', subs: [m.id] }));
      // Each tick sends what the schedule owes by now: the rate holds even when a tick comes late.
      const t0 = performance.now();
      let sent = 0;
      const timer = setInterval(() => {
        const due = Math.min(TOTAL, Math.floor(((performance.now() - t0) * RATE) / 1000));
        while (sent < due) ws.send(frame(sent++));
        if (sent >= TOTAL) clearInterval(timer);
      }, TICK_MS);
      ws.on('close', () => clearInterval(timer));
    }
  });
});
