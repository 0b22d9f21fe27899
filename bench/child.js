'use strict';
// One client in its own process. Talks to bench/run.js over IPC:
//   parent -> {type:'phase', name}        child arms the completion test, answers {type:'armed'}
//   child  -> {type:'done', phase, tDone, cpu, mem}   when its state shows the phase's last frame
// Run with --expose-gc so the heap figure after `added` is the retained heap.
const path = require('path');
const { DOCS, STREAM, target } = require('./workloads');

const [clientName, url, nArg] = process.argv.slice(2);
const n = Number(nArg);
const adapter = require(path.join(__dirname, 'clients', `${clientName}.js`));

let armed; // { phase, test, cpu0 }
let client;

function mb(bytes) {
  return Math.round((bytes / 1048576) * 10) / 10;
}

function onEvent(kind, coll, id, fields) {
  const a = armed;
  if (a === undefined || id !== a.target.id) return;
  const ok = adapter.store ? a.target.store(client.get) : a.target.event(kind, coll, id, fields);
  if (!ok) return;
  armed = undefined;
  const tDone = process.hrtime.bigint();
  const cpu = process.cpuUsage(a.cpu0);
  // Report outside the library's callback.
  setImmediate(() => report(a.phase, tDone, cpu));
}

function report(phase, tDone, cpu) {
  const out = { type: 'done', phase, tDone: String(tDone), cpuMs: (cpu.user + cpu.system) / 1000 };
  if (phase === 'added') {
    out.maxRssMb = mb(process.resourceUsage().maxRSS * 1024);
    if (global.gc) global.gc();
    const m = process.memoryUsage();
    out.rssMb = mb(m.rss);
    out.heapMb = mb(m.heapUsed);
    if (client.get) {
      const d0 = client.get(DOCS, 'd0');
      out.dateDecoded = !!d0 && d0.createdAt instanceof Date;
    }
  }
  process.send(out);
}

process.on('message', (m) => {
  if (m.type === 'phase') {
    armed = { phase: m.name, target: target(m.name, n), cpu0: process.cpuUsage() };
    process.send({ type: 'armed', phase: m.name });
  } else if (m.type === 'exit') {
    try {
      client.close();
    } catch {
      /* closing is best effort */
    }
    process.exit(0);
  }
});

(async () => {
  const t = process.hrtime.bigint();
  client = await adapter.create(url, onEvent, { subscribe: 'bench', collections: [DOCS, STREAM] });
  process.send({
    type: 'ready',
    label: adapter.label,
    store: adapter.store,
    setupMs: Number(process.hrtime.bigint() - t) / 1e6,
  });
})().catch((err) => {
  process.send({ type: 'error', message: String((err && err.stack) || err) });
  process.exit(1);
});
