// `npm run bench:inspector` (also the last part of `npm run bench`): what the inspector and the tap cost.
//
//   1. Capture cost: our client with and without an open inspector (bench/clients/ddp-explorer-capture.js: the
//      `message` event into the ring, and the panel's FrameFeed draining it ten times a second through the log's
//      SecretMasker), through bench/run.js.
//   2. Capture memory: 100,000 frames of the `added` workload in a ring.
//   3. The webview's work for 100,000 frames (describe, link, count; a filter and a search), in Node's V8.
//   4. Tap latency: round trips of a method call, direct and through the tap, to a server that answers at once.
//   5. Tap throughput: 100,000 `added` frames from a server to a raw WebSocket client, direct and through the tap.
//
// Writes its section of bench/RESULTS.md (between the inspector markers; the rest of the file is bench/run.js's).
// Options (environment): INSPECTOR_ROUNDS (3), INSPECTOR_SKIP_CLIENT=1 (skip part 1, the slow one).
import { execFileSync, fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { DdpClient } from '../src/ddp';
import { maskSecrets } from '../src/ddp/mask';
import { Capture } from '../src/core/capture';
import { maskSecretFields } from '../src/core/secretKeys';
import { SecretMasker } from '../src/presentation/masker';
import { EMPTY_FILTER } from '../src/presentation/inspector/filter';
import { FrameList } from '../src/presentation/inspector/frameList';
import type { WireFrame } from '../src/presentation/inspector/frames';

const { addedFrame } = require('./workloads') as { addedFrame: (i: number) => Record<string, unknown> };

const ROUNDS = Number(process.env.INSPECTOR_ROUNDS ?? 3);
const N = 100_000;
const lines: string[] = [];
const out = (s = '') => {
  lines.push(s);
  console.log(s);
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;
const delta = (b: number) => `${b < 0 ? '−' : '+'}${mb(Math.abs(b))}`;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const gc = () => (global as { gc?: () => void }).gc?.();

function captureCost(): void {
  const text = execFileSync(
    process.execPath,
    [
      path.join(__dirname, 'run.js'),
      '--clients',
      'ddp-explorer,ddp-explorer-capture',
      '--no-viewmodel',
      '--no-write',
      '--rounds',
      String(ROUNDS),
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const row = (label: string) =>
    text
      .split('\n')
      .find((l) => l.startsWith(`| ${label} |`))
      ?.split('|')
      .map((c) => c.trim());
  const plain = row('DdpClient (this project)');
  const captured = row('DdpClient + inspector capture');
  if (!plain || !captured) throw new Error(`bench/run.js printed no result rows:\n${text.slice(-2000)}`);
  // Columns: name, store, added, changed, removed, stream, all 4, ÷ floor, peak RSS, heap, CPU.
  const k = (s: string) => Number(s.replace(/\s*k$/, '')) * 1000;
  const cpu = (s: string) => Number(s.replace(/\s*s$/, ''));
  out('### Capture cost (the client with an inspector open)');
  out('');
  out(
    `${ROUNDS} rounds of bench/run.js's four phases (100,000 frames each), medians; the capture keeps 100,000 frames.`,
  );
  out('');
  out(
    '| Client | added msg/s | changed msg/s | removed msg/s | stream msg/s | all 4 phases msg/s | heap after added | CPU time |',
  );
  out('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of [plain, captured])
    out(`| ${r[1]} | ${r[3]} | ${r[4]} | ${r[5]} | ${r[6]} | ${r[7]} | ${r[10]} | ${r[11]} |`);
  const slower = (1 - k(captured[7]) / k(plain[7])) * 100;
  const cpuMore = (cpu(captured[11]) / cpu(plain[11]) - 1) * 100;
  out('');
  out(
    `Throughput with capture: ${slower >= 0 ? `${slower.toFixed(0)} % lower` : `${(-slower).toFixed(0)} % higher`} (target: at most 10 % lower); CPU time ${cpuMore >= 0 ? '+' : ''}${cpuMore.toFixed(0)} %.`,
  );
  out('');
}

/** CPU per frame of each step, the minimum of 7 runs (robust on a busy machine), against the client's own parse. */
function capturePerFrame(): void {
  const bufs: Buffer[] = [];
  for (let i = 0; i < N; i++) bufs.push(Buffer.from(JSON.stringify(addedFrame(i))));
  const cpu = (fn: () => void) => {
    const t0 = process.cpuUsage();
    fn();
    const t = process.cpuUsage(t0);
    return (t.user + t.system) / N;
  };
  const runs: Record<string, number[]> = { text: [], parse: [], fresh: [], reused: [], drain: [], mask: [], full: [] };
  const masker = new SecretMasker();
  masker.add('a-resume-token-the-log-knows');
  let sink = 0;
  for (let r = 0; r < 7; r++) {
    const texts: string[] = [];
    runs.text.push(cpu(() => bufs.forEach((b) => texts.push(b.toString()))));
    runs.parse.push(cpu(() => texts.forEach((t) => (sink += (JSON.parse(t) as { msg: string }).msg.length))));
    const c = new Capture(N);
    const stop = c.onFrames(() => undefined);
    const drained: string[] = [];
    runs.fresh.push(cpu(() => texts.forEach((t, i) => c.record('in', t, i))));
    runs.drain.push(cpu(() => c.drain().forEach((f) => drained.push(f.text))));
    runs.reused.push(cpu(() => texts.forEach((t, i) => c.record('in', t, i))));
    runs.mask.push(cpu(() => drained.forEach((t) => (sink += masker.mask(t).length))));
    runs.full.push(cpu(() => drained.forEach((t) => (sink += maskSecretFields(maskSecrets(t)).length))));
    stop();
  }
  const us = (k: string) => `${Math.min(...runs[k]).toFixed(2)} µs`;
  out(
    'CPU per `added` frame, each step on its own (minimum of 7 runs of 100,000 frames; less sensitive to a busy machine):',
  );
  out('');
  out('| Step | CPU per frame |');
  out('|---|---:|');
  out(`| The client's own work, for scale: \`JSON.parse\` of the frame (one part of it) | ${us('parse')} |`);
  out(
    `| Capture: copy the text into the ring, first 100,000 frames (fresh memory: a page fault per 4 KiB) | ${us('fresh')} |`,
  );
  out(
    `| Capture: copy the text into the ring once it is full (it writes into the chunks it freed) | ${us('reused')} |`,
  );
  out(`| Drain for the panel (the texts kept since the last drain, no decoding) | ${us('drain')} |`);
  out(
    `| Mask with the log's masker (a quick test first: a frame without a secret-like key is not masked) | ${us('mask')} |`,
  );
  out(`| The same masking without the quick test (before) | ${us('full')} |`);
  out('');
  if (sink < 0) console.log(sink);
}

function captureMemory(): void {
  gc();
  const before = process.memoryUsage();
  const c = new Capture(N);
  for (let i = 0; i < N; i++) c.record('in', JSON.stringify(addedFrame(i)), Date.now());
  gc();
  const after = process.memoryUsage();
  const bytes = c.totals.bytesIn;
  out('### Capture memory');
  out('');
  out(`100,000 frames of the \`added\` workload (${mb(bytes)} of frame text) in the ring:`);
  out(
    `heap ${delta(after.heapUsed - before.heapUsed)}, outside the heap ${delta(after.arrayBuffers - before.arrayBuffers)} (target: at most +100 MB; RSS moves as the collector returns memory: ${delta(after.rss - before.rss)}).`,
  );
  out('');
}

function webviewWork(): void {
  const wire: WireFrame[] = [];
  for (let i = 0; i < N; i++) {
    const text = JSON.stringify(
      i % 10 === 0 ? { msg: 'method', id: String(i), method: 'math.add', params: [i, 1] } : addedFrame(i),
    );
    wire.push({
      seq: i + 1,
      at: 1_700_000_000_000 + i,
      dir: i % 10 === 0 ? 'out' : 'in',
      bytes: text.length,
      text: maskSecrets(text),
    });
  }
  const times = { append: [] as number[], type: [] as number[], search: [] as number[], regex: [] as number[] };
  for (let r = 0; r < 5; r++) {
    const list = new FrameList(N);
    let t = performance.now();
    for (let i = 0; i < N; i += 5000) list.append(wire.slice(i, i + 5000));
    times.append.push(performance.now() - t);
    t = performance.now();
    list.setFilter({ ...EMPTY_FILTER, types: ['method'] });
    times.type.push(performance.now() - t);
    t = performance.now();
    list.setFilter({ ...EMPTY_FILTER, text: 'user99999@example' });
    times.search.push(performance.now() - t);
    t = performance.now();
    list.setFilter({ ...EMPTY_FILTER, text: 'Item 9+5\\b', regex: true });
    times.regex.push(performance.now() - t);
  }
  out("### The webview's work for 100,000 frames");
  out('');
  out("FrameList (src/presentation/inspector) in Node's V8, medians of 5; the webview runs the same code in Chromium.");
  out('');
  out('| Step | Time |');
  out('|---|---:|');
  out(
    `| Receive 100,000 frames in batches of 5,000 (describe, link, count, index) | ${fmt(median(times.append))} ms |`,
  );
  out(`| Filter to \`method\` frames | ${median(times.type).toFixed(1)} ms |`);
  out(`| Text search over every frame | ${median(times.search).toFixed(1)} ms |`);
  out(`| Regex search over every frame | ${median(times.regex).toFixed(1)} ms |`);
  out('');
  out('Target: a filter or search over 100,000 frames in under 100 ms. Scrolling renders only the rows in view.');
  out('');
}

/** A DDP server that answers everything at once: the latency measured is the path's, not the server's. */
async function instantServer(): Promise<{ url: string; flood(ws: WebSocket): void; close(): Promise<void> }> {
  const added: string[] = [];
  for (let i = 0; i < N; i++) added.push(JSON.stringify(addedFrame(i)));
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as { msg: string; id?: string; params?: unknown[] };
      if (m.msg === 'connect') ws.send(JSON.stringify({ msg: 'connected', session: 's' }));
      else if (m.msg === 'method') ws.send(JSON.stringify({ msg: 'result', id: m.id, result: m.params?.[0] ?? null }));
      else if (m.msg === 'flood') for (const f of added) ws.send(f);
    });
  });
  const port = (wss.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}/websocket`,
    flood: (ws) => ws.send(JSON.stringify({ msg: 'flood' })),
    close: () => new Promise<void>((r) => wss.close(() => r())),
  };
}

async function roundTrips(url: string, count: number): Promise<number[]> {
  const c = new DdpClient(url, { autoReconnect: false, heartbeatInterval: 0 });
  await c.connect();
  const rtts: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await c.call('echo', [i]);
    rtts.push(performance.now() - t);
  }
  c.close();
  return rtts.slice(100); // warm-up
}

async function floodRate(url: string, server: { flood(ws: WebSocket): void }): Promise<number> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((r) => ws.once('open', () => r()));
  let n = 0;
  let t0 = 0;
  const done = new Promise<number>((resolve) =>
    ws.on('message', () => {
      if (n++ === 0) t0 = performance.now();
      if (n === N) resolve(performance.now() - t0);
    }),
  );
  server.flood(ws);
  const ms = await done;
  ws.close();
  return (N * 1000) / ms;
}

async function tap(): Promise<void> {
  const server = await instantServer();
  // The tap in its own process, as in VS Code (the extension host); the server and the client share this one.
  const child = fork(path.join(__dirname, 'tap-child.ts'), [server.url], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const t = await new Promise<{ url: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { url: string }));
    child.once('exit', (code) => reject(new Error(`the tap process exited (${code})`)));
  });
  const direct: number[] = [];
  const tapped: number[] = [];
  const rateDirect: number[] = [];
  const rateTapped: number[] = [];
  try {
    for (let r = 0; r < ROUNDS; r++) {
      direct.push(median(await roundTrips(server.url, 2100)));
      tapped.push(median(await roundTrips(t.url, 2100)));
      rateDirect.push(await floodRate(server.url, server));
      rateTapped.push(await floodRate(t.url, server));
    }
  } finally {
    child.removeAllListeners('exit');
    child.kill();
    await server.close();
  }
  const rttDirect = median(direct);
  const rttTapped = median(tapped);
  out('### The tap');
  out('');
  out(
    `A server that answers at once, on 127.0.0.1, and the client in one process, the tap in another (as in the extension host); ${ROUNDS} rounds, medians. The tap records every frame in its capture.`,
  );
  out('');
  out('| Measure | Direct | Through the tap | Target |');
  out('|---|---:|---:|---|');
  out(
    `| Method round trip (median of 2,000 calls) | ${(rttDirect * 1000).toFixed(0)} µs | ${(rttTapped * 1000).toFixed(0)} µs | |`,
  );
  out(
    `| Added per frame (half the round-trip difference) | | ${(((rttTapped - rttDirect) / 2) * 1000).toFixed(0)} µs | under 1 ms |`,
  );
  out(
    `| 100,000 \`added\` frames to a raw WebSocket client | ${fmt(median(rateDirect))} frames/s | ${fmt(median(rateTapped))} frames/s | at least 20,000 frames/s |`,
  );
  out('');
}

async function main(): Promise<void> {
  const load = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');
  out('<!-- inspector:start -->');
  out('## Inspector and tap (`npm run bench:inspector`)');
  out('');
  out(`- Date: ${new Date().toISOString()}; Node ${process.version}; load average before: ${load}`);
  out('');
  if (!process.env.INSPECTOR_SKIP_CLIENT) captureCost();
  capturePerFrame();
  captureMemory();
  webviewWork();
  await tap();
  out(
    `Load average after: ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' / ')}. On this 2-core machine shared with other work, wall-clock figures move by ±20–30 %.`,
  );
  out('<!-- inspector:end -->');
  const file = path.join(__dirname, 'RESULTS.md');
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const section = lines.join('\n');
  const start = current.indexOf('<!-- inspector:start -->');
  const end = current.indexOf('<!-- inspector:end -->');
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + section + current.slice(end + '<!-- inspector:end -->'.length)
      : `${current.trimEnd()}\n\n${section}\n`;
  if (!process.env.INSPECTOR_NO_WRITE) fs.writeFileSync(file, next);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
