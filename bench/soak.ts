// Soak test (`npm run soak`, not part of `npm test`): ten minutes of 1,000 document changes a second from a
// real DDP server, with the connection reset (TCP RST, through our proxy) every 30 seconds. Reports the
// client's heap at start and end, its active handles, and events lost (must be 0).
//
// The server, its writer and the proxy run in a child process, so the figures of this process are the
// client's alone. Settings (environment): SOAK_SECONDS (600), SOAK_RATE (1000 changes/s),
// SOAK_RECONNECT_SECONDS (30), SOAK_DOCS (1000), SOAK_REPORT (a path to write the JSON report to).
//
// How loss is counted: every change on the server carries a global sequence number `seq`. While a session
// is live, each `changed` event must carry the previous seq + 1: any gap is events lost. After each forced
// reconnect the client reconciles (resubscribes and applies the difference); then, and at every checkpoint,
// the writer pauses and the documents rebuilt from the client's events alone must equal the server's
// documents exactly: any differing document counts as lost too.

import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { DdpClient } from '../src/ddp';
import { startRealServer } from '../test/support/realServer';
import { startProxy } from '../test/support/proxy';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const RATE = Number(process.env.SOAK_RATE ?? 1000);
const RECONNECT_SECONDS = Number(process.env.SOAK_RECONNECT_SECONDS ?? 30);
const DOCS = Number(process.env.SOAK_DOCS ?? 1000);
const COLLECTION = 'soak';
const CHURN = 'churn';

type Snapshot = Record<string, Record<string, Record<string, unknown>>>;
type Command = { id: number; cmd: 'pause' | 'resume' | 'cut' | 'stats' | 'stop' };
type ReplyBody = { ok: true; snapshot?: Snapshot; stats?: WriterStats } | { ok: false; error: string };
type Reply = ReplyBody & { id: number };
interface WriterStats {
  changes: number;
  churn: number;
  activeMs: number;
  cuts: number;
}

// ---------------------------------------------------------------------------------------------------------
// Server side (child process)

async function serverMain(): Promise<void> {
  const server = await startRealServer();
  for (let i = 0; i < DOCS; i++) server.store.set(COLLECTION, `d${i}`, { n: 0, seq: 0, note: `document ${i}` });
  for (let i = 0; i < 20; i++) server.store.set(CHURN, `c${i}`, { gen: 0 });
  const proxy = await startProxy({ port: server.port });
  let seq = 0;
  let churnGen = 0;
  let churnNext = 20;
  let cuts = 0;
  let running = false;
  let activeMs = 0;
  let runningSince = 0;
  let doneInWindow = 0;
  let owed = 0;
  let lastTick = Date.now();
  const tick = setInterval(() => {
    const now = Date.now();
    const elapsed = now - lastTick;
    lastTick = now;
    if (!running) return;
    // Time-based, so a late timer catches up and the rate holds at RATE.
    owed += (elapsed * RATE) / 1000;
    while (owed >= 1) {
      owed -= 1;
      seq++;
      doneInWindow++;
      const id = `d${seq % DOCS}`;
      const doc = server.store.get(COLLECTION, id)!;
      server.store.change(COLLECTION, id, { n: (doc.n as number) + 1, seq });
      // A little add/remove churn in another collection, checked at the checkpoints.
      if (seq % 100 === 0) {
        churnGen++;
        const ids = [...(server.store.collections.get(CHURN)?.keys() ?? [])];
        if (ids.length > 0) server.store.remove(CHURN, ids[0]);
        server.store.set(CHURN, `c${churnNext++}`, { gen: churnGen });
      }
    }
  }, 10);
  const snapshot = (): Snapshot => {
    const out: Snapshot = {};
    for (const [name, coll] of server.store.collections) {
      out[name] = {};
      for (const [id, doc] of coll) out[name][id] = { ...doc };
    }
    return out;
  };
  const stats = (): WriterStats => ({
    changes: seq,
    churn: churnGen,
    activeMs: activeMs + (running ? Date.now() - runningSince : 0),
    cuts,
  });
  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- the handler catches and replies to every error itself
  process.on('message', async (m: Command) => {
    const reply = (r: ReplyBody) => process.send!({ id: m.id, ...r });
    try {
      switch (m.cmd) {
        case 'pause':
          if (running) activeMs += Date.now() - runningSince;
          running = false;
          owed = 0;
          return reply({ ok: true, snapshot: snapshot(), stats: stats() });
        case 'resume':
          if (!running) runningSince = Date.now();
          running = true;
          return reply({ ok: true });
        case 'cut':
          cuts += proxy.cutAll('soak: forced reconnect');
          return reply({ ok: true });
        case 'stats':
          return reply({ ok: true, stats: stats() });
        case 'stop':
          clearInterval(tick);
          await proxy.close();
          await server.close();
          reply({ ok: true, stats: stats() });
          process.disconnect();
          return;
      }
    } catch (err) {
      reply({ ok: false, error: String((err as Error)?.stack ?? err) });
    }
  });
  void doneInWindow;
  process.send!({ ready: true, url: proxy.url });
}

// ---------------------------------------------------------------------------------------------------------
// Client side (this process)

function rpc(child: ChildProcess): (cmd: Command['cmd']) => Promise<Extract<Reply, { ok: true }>> {
  let next = 1;
  const waiting = new Map<number, { resolve: (r: any) => void; reject: (e: Error) => void }>();
  child.on('message', (m: any) => {
    if (typeof m?.id !== 'number') return;
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (!w) return;
    if (m.ok) w.resolve(m);
    else w.reject(new Error(m.error));
  });
  return (cmd) =>
    new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve, reject });
      child.send({ id, cmd });
    });
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) for (let i = 0; i < 3; i++) g();
}

function mb(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

async function waitFor(pred: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`soak: timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function resourceCounts(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

function diffCounts(now: Record<string, number>, base: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of new Set([...Object.keys(now), ...Object.keys(base)])) {
    const d = (now[k] ?? 0) - (base[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

/** Documents (id -> fields) that differ between a copy and the server snapshot. */
function differing(
  copy: ReadonlyMap<string, ReadonlyMap<string, Readonly<Record<string, unknown>>>>,
  snap: Snapshot,
): string[] {
  const bad: string[] = [];
  for (const name of [COLLECTION, CHURN]) {
    const want = snap[name] ?? {};
    const have = copy.get(name) ?? new Map();
    for (const [id, fields] of Object.entries(want)) {
      const got = have.get(id);
      if (!got || JSON.stringify(sorted(got)) !== JSON.stringify(sorted(fields))) bad.push(`${name}/${id}`);
    }
    for (const id of have.keys()) if (!(id in want)) bad.push(`${name}/${id} (extra)`);
  }
  return bad;
}

function sorted(o: Record<string, unknown>): Array<[string, unknown]> {
  return Object.keys(o)
    .filter((k) => k !== '_id')
    .sort()
    .map((k) => [k, o[k]]);
}

async function clientMain(): Promise<void> {
  const started = Date.now();
  const baselineResources = resourceCounts();
  const child = fork(__filename, ['--server'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (m: any) => m?.ready && resolve(m.url));
  });
  const send = rpc(child);
  const withChildResources = resourceCounts();

  const client = new DdpClient(url, { autoReconnectTimeout: 100, maxReconnectTimeout: 2000 });
  // The data set as the client's events tell it.
  const mirror = new Map<string, Map<string, Record<string, unknown>>>();
  const coll = (name: string) => {
    let m = mirror.get(name);
    if (!m) mirror.set(name, (m = new Map()));
    return m;
  };
  let events = 0;
  let liveGapEvents = 0;
  let lastSeq = -1;
  let resyncing = true;
  let reconnects = 0;
  const reconcileMs: number[] = [];
  let droppedAt = 0;
  let subId = '';
  const subIds = new Set<string>();
  const protocolErrors: string[] = [];
  client.on('protocol_error', (p) => protocolErrors.push(p));
  client.on('added', (name, id, fields) => {
    events++;
    coll(name).set(id, { ...fields });
  });
  client.on('changed', (name, id, fields, cleared) => {
    events++;
    const doc = coll(name).get(id);
    if (doc) {
      Object.assign(doc, fields);
      for (const k of cleared) delete doc[k];
    }
    if (name === COLLECTION && !resyncing && typeof fields.seq === 'number') {
      if (lastSeq >= 0 && fields.seq !== lastSeq + 1) liveGapEvents += Math.abs(fields.seq - lastSeq - 1);
      lastSeq = fields.seq;
    }
  });
  client.on('removed', (name, id) => {
    events++;
    coll(name).delete(id);
  });
  client.on('socket_closed', () => {
    resyncing = true;
    droppedAt = Date.now();
  });
  client.on('reconnected', () => reconnects++);
  client.on('ready', (ids) => {
    if (process.env.SOAK_DEBUG)
      console.log(
        '[soak] ready',
        ids,
        resyncing,
        [...subIds].map((id) => client.subscriptions.get(id)?.state),
      );
    if (!resyncing || !ids.some((id) => subIds.has(id))) return;
    if (![...subIds].every((id) => client.subscriptions.get(id)?.state === 'ready')) return;
    resyncing = false;
    // Carry on from the newest change the reconciled data set holds.
    lastSeq = Math.max(0, ...[...(client.collections.get(COLLECTION)?.values() ?? [])].map((d) => Number(d.seq) || 0));
    if (droppedAt) reconcileMs.push(Date.now() - droppedAt);
  });

  await client.connect();
  subId = client.subscribe('docs', [COLLECTION]);
  subIds.add(subId);
  subIds.add(client.subscribe('docs', [CHURN]));
  await waitFor(() => !resyncing, 30_000, 'the first subscription');
  gc();
  const heapStart = process.memoryUsage();
  const withClientResources = resourceCounts();

  const checkpoints: Array<{ at: number; changes: number; differing: number; reconcileMs?: number }> = [];
  let lostAtCheckpoints = 0;
  /** Checkpoints at which the client had not finished reconciling within 20 s (would hide gaps). */
  let stuckCheckpoints = 0;
  await send('resume');
  const setupSeconds = Math.round((Date.now() - started) / 1000);
  const runStarted = Date.now();
  const endAt = runStarted + SECONDS * 1000;
  let lagMax = 0;
  let lagPrev = Date.now();
  const lagTimer = setInterval(() => {
    const now = Date.now();
    lagMax = Math.max(lagMax, now - lagPrev - 100);
    lagPrev = now;
  }, 100);

  const checkpoint = async () => {
    const { snapshot, stats } = await send('pause');
    await waitFor(
      () => !resyncing && differing(mirror, snapshot!).length === 0,
      20_000,
      'the client to catch up with the server',
    ).catch(() => (stuckCheckpoints++, undefined));
    const bad = differing(mirror, snapshot!);
    const storeBad = differing(client.collections, snapshot!);
    lostAtCheckpoints += bad.length + storeBad.length;
    checkpoints.push({
      at: Math.round((Date.now() - runStarted) / 1000),
      changes: stats!.changes,
      differing: bad.length + storeBad.length,
    });
    const line = `[soak] ${Math.round((Date.now() - runStarted) / 1000)} s: ${stats!.changes} changes, ${events} events, ${reconnects} reconnects, gaps ${liveGapEvents}, differing ${bad.length + storeBad.length}, heap ${mb(process.memoryUsage().heapUsed)} MB`;
    console.log(line);
    await send('resume');
  };

  // Every RECONNECT_SECONDS: a checkpoint (the writer pauses while the copies are compared), then a reset.
  // The last round ends with a checkpoint and no reset.
  while (Date.now() < endAt) {
    const wait = Math.min(RECONNECT_SECONDS * 1000, endAt - Date.now());
    await new Promise((r) => setTimeout(r, wait));
    await checkpoint();
    if (Date.now() < endAt) await send('cut');
  }
  clearInterval(lagTimer);
  const { stats } = await send('pause');
  gc();
  const heapEnd = process.memoryUsage();
  const duringResources = diffCounts(resourceCounts(), withChildResources);

  client.close();
  await new Promise((r) => setTimeout(r, 100));
  const afterCloseLeft = diffCounts(resourceCounts(), withChildResources);
  await send('stop');
  await new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));

  const lost = liveGapEvents + lostAtCheckpoints;
  const report = {
    durationSeconds: Math.round((Date.now() - runStarted) / 1000),
    setupSeconds,
    configured: { seconds: SECONDS, rate: RATE, reconnectEverySeconds: RECONNECT_SECONDS, docs: DOCS },
    changes: stats!.changes,
    changesPerActiveSecond: Math.round((stats!.changes / stats!.activeMs) * 1000),
    churnRounds: stats!.churn,
    eventsReceived: events,
    forcedReconnects: stats!.cuts,
    reconnects,
    reconcileMs: {
      median: reconcileMs.length ? [...reconcileMs].sort((a, b) => a - b)[Math.floor(reconcileMs.length / 2)] : null,
      max: reconcileMs.length ? Math.max(...reconcileMs) : null,
    },
    eventsLost: lost,
    liveGapEvents,
    stuckCheckpoints,
    differingDocumentsAtCheckpoints: lostAtCheckpoints,
    checkpoints: checkpoints.length,
    protocolErrors: protocolErrors.length,
    heapUsedMB: { start: mb(heapStart.heapUsed), end: mb(heapEnd.heapUsed) },
    rssMB: { start: mb(heapStart.rss), end: mb(heapEnd.rss) },
    gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
    maxEventLoopLagMs: lagMax,
    activeHandles: {
      baselineBeforeServer: baselineResources,
      clientOwnedAtStart: diffCounts(withClientResources, withChildResources),
      clientOwnedAtEnd: duringResources,
      leftAfterClose: afterCloseLeft,
    },
  };
  console.log(JSON.stringify(report, null, 2));
  if (process.env.SOAK_REPORT) writeFileSync(process.env.SOAK_REPORT, JSON.stringify(report, null, 2) + '\n');
  const leaked = Object.entries(afterCloseLeft).filter(([, n]) => n > 0);
  if (lost > 0 || stuckCheckpoints > 0 || leaked.length > 0 || reconnects < stats!.cuts) {
    console.error(`[soak] FAILED: ${lost} events lost, handles left after close: ${JSON.stringify(afterCloseLeft)}`);
    process.exitCode = 1;
  } else {
    console.log(`[soak] OK: ${stats!.changes} changes, ${reconnects} forced reconnects, 0 events lost`);
  }
}

if (process.argv.includes('--server')) {
  serverMain().catch((err) => {
    console.error(err);
    process.exit(2);
  });
} else {
  clientMain().catch((err) => {
    console.error(err);
    process.exit(2);
  });
}
