// How long a hostile-sized frame holds the event loop: a document with 100,000 fields (a third of them `$date`),
// then a `changed` that sets half of them and clears the other half. The correctness of both is pinned by
// test/integration/hostile-limits.test.ts; the time lives here, because a timed test fails on a busy machine.
// Writes its section of bench/RESULTS.md (between the limits markers).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startScriptServer, type ScriptConnection } from '../test/support/scriptServer';
import { DdpClient } from '../src/ddp';

const ROUNDS = 5;
const FIELDS = 100_000;

function wideFrames(): { added: string; changed: string } {
  const fields: Record<string, unknown> = {};
  for (let i = 0; i < FIELDS; i++) fields[`f${i}`] = i % 3 === 0 ? { $date: i } : i;
  const change: Record<string, unknown> = {};
  for (let i = 0; i < FIELDS; i += 2) change[`f${i}`] = -i;
  const cleared = Array.from({ length: FIELDS / 2 }, (_, k) => `f${2 * k + 1}`);
  return {
    added: JSON.stringify({ msg: 'added', collection: 'wide', id: 'w', fields }),
    changed: JSON.stringify({ msg: 'changed', collection: 'wide', id: 'w', fields: change, cleared }),
  };
}

/** Sends frames, then a sentinel; resolves when the client has taken them all. */
function feed(client: DdpClient, conn: ScriptConnection, frames: string[], tag: string): Promise<void> {
  const done = new Promise<void>((resolve) =>
    client.on('updated', (ids: string[]) => {
      if (ids[0] === tag) resolve();
    }),
  );
  for (const f of frames) conn.send(f);
  conn.send({ msg: 'updated', methods: [tag] });
  return done;
}

/** The longest gap between 5 ms ticks while the client takes `frame` (after `before`, untimed). */
async function round(before: string[], frame: string): Promise<number> {
  const server = await startScriptServer();
  const client = new DdpClient(server.url, { autoReconnect: false });
  try {
    await client.connect();
    const conn = await server.nextConnection();
    await feed(client, conn, before, 'before');
    let maxGap = 0;
    let last = performance.now();
    const lag = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 5);
    await feed(client, conn, [frame], 'timed');
    clearInterval(lag);
    return maxGap;
  } finally {
    client.close();
    await server.close();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const { added, changed } = wideFrames();
  const lines: string[] = [];
  const load = () =>
    os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' / ');
  lines.push('<!-- limits:start -->', '## Hostile sizes (`npm run bench:limits`)', '');
  lines.push(`- Date: ${new Date().toISOString()}; Node ${process.version}; load average before: ${load()}`, '');
  lines.push(`The longest event-loop stall while the client takes one frame; medians of ${ROUNDS} rounds.`, '');
  lines.push('| Frame | Size | Longest stall |', '|---|---:|---:|');
  for (const [name, before, frame] of [
    [`\`added\`, ${FIELDS.toLocaleString('en')} fields`, [], added],
    ['`changed` of all of them (half set, half cleared)', [added], changed],
  ] as const) {
    const gaps: number[] = [];
    for (let r = 0; r < ROUNDS; r++) gaps.push(await round([...before], frame));
    const size = `${(Buffer.byteLength(frame) / 1e6).toFixed(1)} MB`;
    lines.push(`| ${name} | ${size} | ${median(gaps).toFixed(0)} ms |`);
    console.log(name, gaps.map((g) => g.toFixed(0)).join(' '));
  }
  lines.push(
    '',
    'Target: under 2 s on this 2-core machine (the stall is the JSON parse and EJSON revival of one frame).',
  );
  lines.push(`Load average after: ${load()}.`, '<!-- limits:end -->');
  const file = path.join(__dirname, 'RESULTS.md');
  const current = fs.readFileSync(file, 'utf8');
  const section = lines.join('\n');
  const start = current.indexOf('<!-- limits:start -->');
  const end = current.indexOf('<!-- limits:end -->');
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + section + current.slice(end + '<!-- limits:end -->'.length)
      : `${current.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, next);
  console.log(section);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
