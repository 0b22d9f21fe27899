'use strict';
// `npm run bench`: our DdpClient against the peer DDP clients and a raw-ws floor, then the explorer's view-model path.
//
//   node bench/run.js [--rounds 5] [--n 100000] [--clients a,b] [--timeout 180] [--no-viewmodel] [--no-write]
//                     [--only-viewmodel] [--vm-seconds 10] [--cpu-prof  (writes bench/.profiles/*.cpuprofile)]
//                     [--ordered-sizes 20000,100000] [--no-ordered] [--only-ordered  (rewrites only its section)]
//
// One flood server in this process (frames pre-encoded); each client in its own child process, one after another,
// in a rotating order, for several rounds; medians are reported. Results go to bench/RESULTS.md.
const { fork } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { FloodServer } = require('./flood-server');
const { PHASES, ORDERED_PHASES } = require('./workloads');

const ALL_CLIENTS = ['ddp-explorer', 'floor', 'ddp', 'simpleddp', 'ddp.js', 'rocketchat'];

function parseArgs(argv) {
  const opts = {
    rounds: 5,
    n: 100000,
    clients: ALL_CLIENTS,
    timeout: 180,
    viewmodel: true,
    write: true,
    vmSeconds: 10,
    cpuProf: false,
    variants: {},
    ordered: true,
    orderedSizes: [20000, 100000],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--rounds') opts.rounds = Number(next());
    else if (a === '--n') opts.n = Number(next());
    else if (a === '--clients') opts.clients = next().split(',');
    else if (a === '--timeout') opts.timeout = Number(next());
    else if (a === '--no-viewmodel') opts.viewmodel = false;
    else if (a === '--only-viewmodel') opts.clients = [];
    else if (a === '--vm-seconds') opts.vmSeconds = Number(next());
    else if (a === '--no-write') opts.write = false;
    else if (a === '--cpu-prof') opts.cpuProf = true;
    else if (a === '--no-ordered') opts.ordered = false;
    else if (a === '--ordered-sizes') opts.orderedSizes = next().split(',').map(Number);
    else if (a === '--only-ordered') {
      opts.clients = [];
      opts.viewmodel = false;
      opts.onlyOrdered = true;
    } else if (a === '--variant') {
      // name=path: our client from another build of the library, as an extra row (for before/after comparisons).
      const [name, lib] = next().split('=');
      opts.variants[name] = path.resolve(lib);
      opts.clients = [...opts.clients, name];
    } else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

function median(xs) {
  const s = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs one client through every phase in a fresh child process. */
async function runClient(server, name, opts, phases = PHASES) {
  const lib = opts.variants[name];
  const env = lib ? { ...process.env, BENCH_DDP_LIB: lib, BENCH_DDP_LABEL: `DdpClient (${name})` } : process.env;
  const child = fork(path.join(__dirname, 'child.js'), [lib ? 'ddp-explorer' : name, server.url, String(opts.n)], {
    env,
    execArgv: [
      '--expose-gc',
      ...(opts.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.join(__dirname, '.profiles')}`] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const inbox = [];
  let wake;
  child.on('message', (m) => {
    inbox.push(m);
    if (wake) wake();
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
    if (wake) wake();
  });
  const next = async (type, timeoutMs) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = inbox.findIndex((m) => m.type === type || m.type === 'error');
      if (i >= 0) {
        const m = inbox.splice(i, 1)[0];
        if (m.type === 'error') throw new Error(m.message);
        return m;
      }
      if (exited) throw new Error('client process exited');
      const left = deadline - Date.now();
      if (left <= 0) throw Object.assign(new Error(`timeout waiting for ${type}`), { timeout: true });
      await new Promise((resolve) => {
        wake = resolve;
        setTimeout(resolve, Math.min(left, 1000));
      });
      wake = undefined;
    }
  };

  const result = { name, phases: {} };
  try {
    const ready = await next('ready', 30000);
    result.label = ready.label;
    result.store = ready.store;
    await server.subscribed();
    for (const p of phases) {
      child.send({ type: 'phase', name: p.name });
      await next('armed', 10000);
      const t0 = server.flood(p.name);
      let done;
      try {
        done = await next('done', opts.timeout * 1000);
      } catch (err) {
        if (err.timeout) {
          result.phases[p.name] = { timeout: true };
          result.error = `${p.name}: no completion within ${opts.timeout} s`;
          break;
        }
        throw err;
      }
      const ms = Number(BigInt(done.tDone) - t0) / 1e6;
      result.phases[p.name] = { ms, cpuMs: done.cpuMs };
      if (p.name === 'added') {
        result.maxRssMb = done.maxRssMb;
        result.heapMb = done.heapMb;
        result.rssMb = done.rssMb;
        result.dateDecoded = done.dateDecoded;
      }
    }
  } catch (err) {
    result.error = err.message;
  } finally {
    if (!exited) {
      child.send({ type: 'exit' });
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await new Promise((resolve) => (exited ? resolve() : child.once('exit', resolve)));
      clearTimeout(killer);
    }
  }
  return result;
}

function summarize(name, runs, n) {
  const ok = runs.filter((r) => !r.error);
  const s = {
    name,
    label: runs[0] && runs[0].label,
    store: runs[0] && runs[0].store,
    rounds: runs.length,
    failed: runs.length - ok.length,
  };
  s.errors = [...new Set(runs.filter((r) => r.error).map((r) => r.error))];
  s.phaseMs = {};
  for (const p of PHASES) s.phaseMs[p.name] = median(runs.map((r) => r.phases[p.name] && r.phases[p.name].ms));
  const totals = ok.map((r) => PHASES.reduce((t, p) => t + r.phases[p.name].ms, 0));
  s.totalMs = median(totals);
  s.cpuMs = median(ok.map((r) => PHASES.reduce((t, p) => t + r.phases[p.name].cpuMs, 0)));
  s.maxRssMb = median(runs.map((r) => r.maxRssMb));
  s.heapMb = median(runs.map((r) => r.heapMb));
  s.dateDecoded = runs.some((r) => r.dateDecoded);
  s.rate = (ms) => (ms === undefined ? undefined : (n * 1000) / ms);
  return s;
}

function fmtRate(r) {
  if (r === undefined) return '—';
  if (r >= 1e6) return `${(r / 1e6).toFixed(2)} M`;
  return `${Math.round(r / 1000)} k`;
}

function table(summaries, n) {
  const floor = summaries.find((s) => s.name === 'floor');
  const lines = [];
  lines.push(
    '| Client | Store | added msg/s | changed msg/s | removed msg/s | stream msg/s | all 4 phases msg/s | time ÷ floor | peak RSS after added | heap after added | CPU time |',
  );
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of summaries) {
    const ratio = floor && floor.totalMs && s.totalMs ? `${(s.totalMs / floor.totalMs).toFixed(2)}×` : '—';
    const cells = [
      s.label || s.name,
      s.store ? 'yes' : 'no',
      ...PHASES.map((p) => fmtRate(s.rate(s.phaseMs[p.name]))),
      s.totalMs ? fmtRate((4 * n * 1000) / s.totalMs) : '—',
      ratio,
      s.maxRssMb !== undefined ? `${Math.round(s.maxRssMb)} MB` : '—',
      s.heapMb !== undefined ? `${Math.round(s.heapMb)} MB` : '—',
      s.cpuMs !== undefined ? `${(s.cpuMs / 1000).toFixed(2)} s` : '—',
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

function targets(summaries, n, us = summaries.find((s) => s.name === 'ddp-explorer')) {
  const floor = summaries.find((s) => s.name === 'floor');
  if (!us || !floor || !us.totalMs || !floor.totalMs) return [];
  const out = [];
  const peers = summaries.filter(
    (s) => s.store && ALL_CLIENTS.includes(s.name) && s.name !== 'ddp-explorer' && s.name !== 'floor',
  );
  const usRate = (4 * n * 1000) / us.totalMs;
  const best = peers
    .map((s) => ({ s, rate: s.totalMs ? (4 * n * 1000) / s.totalMs : 0 }))
    .sort((a, b) => b.rate - a.rate)[0];
  if (best) {
    const x = usRate / best.rate;
    const timedOut = best.rate === 0;
    out.push({
      target: `≥ 1.5× the msg/s of the fastest peer with a store (${best.s.label})`,
      value: timedOut ? 'peer did not finish' : `${x.toFixed(1)}×`,
      met: timedOut || x >= 1.5,
    });
  }
  const tr = us.totalMs / floor.totalMs;
  out.push({ target: '≤ 1.3× the floor’s time', value: `${tr.toFixed(2)}×`, met: tr <= 1.3 });
  const rr = us.maxRssMb / floor.maxRssMb;
  out.push({ target: '≤ 2× the floor’s memory (peak RSS after added)', value: `${rr.toFixed(2)}×`, met: rr <= 2 });
  const hr = us.heapMb / floor.heapMb;
  out.push({ target: '≤ 2× the floor’s memory (retained heap after added)', value: `${hr.toFixed(2)}×`, met: hr <= 2 });
  return out;
}

const VM = { docs: 100000, page: 100, rate: 10000 };
/** The filtered-collection workload: a text filter on the 100,000 documents, 1,000 changes a second. */
const VM_FILTERED = { ...VM, rate: 1000, filter: '777' };
/** The query workload: a MongoDB selector with a sort and a projection on the 100,000 documents, 1,000 changes a second. */
const VM_QUERY = {
  ...VM,
  rate: 1000,
  filter: '{ active: true, score: { $mod: [3, 0] } }, { sort: { score: 1 }, fields: { name: 1, score: 1 } }',
};

/** The explorer's view-model path: a paced change stream into SessionManager + TreeModel + DdpTreeProvider. */
async function runViewModel(opts, vm = VM) {
  const { PacedServer } = require('./viewmodel-server');
  const server = new PacedServer(vm.docs, vm.page);
  const url = await server.listen();
  const child = fork(
    path.join(__dirname, 'viewmodel.js'),
    [url, String(vm.docs), String(vm.page), ...(vm.filter ? [vm.filter] : [])],
    {
      execArgv: opts.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.join(__dirname, '.profiles')}`] : [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const messages = [];
  let wake;
  child.on('message', (m) => {
    messages.push(m);
    if (wake) wake();
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
    if (wake) wake();
  });
  const next = async (type) => {
    for (;;) {
      const m = messages.find((x) => x.type === type || x.type === 'error');
      if (m) {
        if (m.type === 'error') throw new Error(m.message);
        return m;
      }
      if (exited) throw new Error('view-model process exited');
      await new Promise((resolve) => (wake = resolve));
    }
  };
  try {
    await next('ready');
    child.send({ type: 'start' });
    const sent = await server.stream(vm.rate, opts.vmSeconds);
    await new Promise((resolve) => setTimeout(resolve, 500));
    child.send({ type: 'stop' });
    const r = await next('result');
    r.sent = sent;
    return r;
  } catch (err) {
    return { error: err.message };
  } finally {
    if (!exited) {
      const killer = setTimeout(() => child.kill(), 5000);
      await new Promise((resolve) => (exited ? resolve() : child.once('exit', resolve)));
      clearTimeout(killer);
    }
    server.close();
  }
}

function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function viewModelMarkdown(r, opts, vm = VM) {
  const secs = r.windowMs / 1000;
  const lines = [];
  const filtered = vm.filter
    ? ` with the ${vm.filter.startsWith('{') ? `query \`${vm.filter}\`` : `filter "${vm.filter}"`} set on the collection (${r.matched === undefined ? '?' : r.matched.toLocaleString('en-US')} matching documents; ` +
      `setting it tested every document once in ${r.filterMs === undefined ? '?' : r.filterMs.toFixed(0)} ms; the changes' \`score\` and \`t\` ` +
      `values make documents start and stop matching)`
    : '';
  lines.push(
    `${vm.docs.toLocaleString('en-US')} documents loaded, the collection expanded${filtered} (first page of ${vm.page} rows rendered), then ` +
      `${r.sent.sent.toLocaleString('en-US')} \`changed\` frames in ${(r.sent.ms / 1000).toFixed(1)} s (${vm.rate.toLocaleString('en-US')}/s; one in ten ` +
      `on a document of the first page, the rest spread over all documents), through the real SessionManager, TreeModel and DdpTreeProvider ` +
      `(\`vscode\` stubbed; each refreshed row is rendered again with getTreeItem).`,
  );
  lines.push('');
  lines.push('| Measure | Value | Target |');
  lines.push('|---|---:|---:|');
  const rate = r.fires / secs;
  lines.push(
    `| Tree refresh events fired | ${r.fires} in ${secs.toFixed(1)} s = ${rate.toFixed(1)}/s | ≤ ~10/s ${rate <= 10.5 ? '✓' : '✗'} |`,
  );
  lines.push(
    `| Rows refreshed per event (mean) | ${r.fires ? (r.nodesRefreshed / Math.max(1, r.fires - r.fullRefreshes)).toFixed(1) : '—'} | |`,
  );
  lines.push(
    `| Shortest / longest gap between refreshes | ${r.minGapMs === undefined ? '—' : r.minGapMs.toFixed(0)} / ${r.maxGapMs.toFixed(0)} ms | |`,
  );
  const p50 = percentile(r.delays, 50);
  const p95 = percentile(r.delays, 95);
  const max = r.delays.length ? Math.max(...r.delays) : undefined;
  const f = (x) => (x === undefined ? '—' : `${x.toFixed(0)} ms`);
  lines.push(
    `| Change → refresh delay (visible rows, oldest pending change; ${r.delays.length} samples) | p50 ${f(p50)}, p95 ${f(p95)}, max ${f(max)} | < 200 ms ${max !== undefined && p95 < 200 ? '✓' : '✗'} |`,
  );
  const cpuPct = (100 * r.cpuMs) / r.windowMs;
  lines.push(
    `| CPU time of the extension-side process in the window | ${(r.cpuMs / 1000).toFixed(2)} s (${cpuPct.toFixed(0)}% of one core) | ${vm.filter ? `< 20 % ${cpuPct < 20 ? '✓' : '✗'}` : ''} |`,
  );
  lines.push(
    `| Initial load of ${vm.docs.toLocaleString('en-US')} documents through the session and tree | ${(r.loadMs / 1000).toFixed(2)} s wall, ${(r.loadCpuMs / 1000).toFixed(2)} s CPU | |`,
  );
  return lines.join('\n');
}

/** Ordered collections: DdpClient only (the peers keep no order), plain `added` against `addedBefore` and moves. */
async function runOrdered(opts) {
  const rows = [];
  for (const n of opts.orderedSizes) {
    const server = new FloodServer(n, ORDERED_PHASES);
    await server.listen();
    const runs = [];
    for (let round = 0; round < opts.rounds; round++) {
      // Plain and ordered swap places every other round, so that neither always runs on a warmer process.
      const [warmup, plain, ordered, ...rest] = ORDERED_PHASES;
      const phases = round % 2 ? [warmup, ordered, plain, ...rest] : ORDERED_PHASES;
      const r = await runClient(server, 'ddp-explorer', { ...opts, n }, phases);
      runs.push(r);
      const line = phases
        .map(
          (p) =>
            `${p.name} ${r.phases[p.name] && r.phases[p.name].ms !== undefined ? Math.round(r.phases[p.name].ms) : '—'} ms`,
        )
        .join(', ');
      console.log(
        `ordered ${n} round ${round + 1}/${opts.rounds}: ${line}${r.error ? `  [${r.error}]` : ''}  (load ${loadavg()})`,
      );
    }
    server.close();
    const ms = (name) => median(runs.map((r) => r.phases[name] && r.phases[name].ms));
    const ratios = runs.filter((r) => !r.error).map((r) => r.phases.ordered.ms / r.phases.plain.ms);
    rows.push({
      n,
      plain: ms('plain'),
      ordered: ms('ordered'),
      moved: ms('moved'),
      ratio: median(ratios),
      failed: runs.filter((r) => r.error).length,
    });
  }
  return rows;
}

function orderedMarkdown(rows, opts) {
  const lines = [];
  lines.push('## Ordered collections (DdpClient)');
  lines.push('');
  lines.push(
    `The same 10-field documents as plain \`added\`, then as \`addedBefore\` with every fourth one inserted before an ` +
      `earlier document spread over the collection (the others appended with \`before: null\`), then \`movedBefore\` of a ` +
      `quarter of them to places spread over the collection (plain and ordered swap places every other round). Each ` +
      `phase ends with a sentinel \`added\`; the time runs until the store holds it. ${opts.rounds} rounds, medians; "ordered ÷ plain" is the median of the per-round ratios.`,
  );
  lines.push('');
  lines.push(
    '| Documents | plain `added` | `addedBefore` (¼ in the middle) | ordered ÷ plain | `movedBefore` (¼ of them) | Target ≤ 1.5× |',
  );
  lines.push('|---:|---:|---:|---:|---:|:---:|');
  const f = (x) => (x === undefined ? '—' : `${Math.round(x)} ms`);
  for (const r of rows) {
    const met = r.ratio !== undefined && r.ratio <= 1.5;
    lines.push(
      `| ${r.n.toLocaleString('en-US')} | ${f(r.plain)} | ${f(r.ordered)} | ${r.ratio === undefined ? '—' : `${r.ratio.toFixed(2)}×`} | ${f(r.moved)} | ${met ? 'yes' : '**no**'} |`,
    );
    if (r.failed) lines.push(`| | ${r.failed} of ${opts.rounds} rounds incomplete | | | | |`);
  }
  lines.push('');
  lines.push(
    'Before the linked list (every insert or move in the middle rebuilt the Map): 20,000 `addedBefore` took 24 s against 0.14 s for plain `added`.',
  );
  return lines.join('\n');
}

/** Rewrites only the ordered section of an existing RESULTS.md (inserted before "## Method" when missing). */
function replaceOrderedSection(text, section) {
  const start = text.indexOf('## Ordered collections');
  if (start >= 0) {
    const end = text.indexOf('\n## ', start + 3);
    return text.slice(0, start) + section + (end >= 0 ? '\n' + text.slice(end + 1) : '\n');
  }
  const method = text.indexOf('## Method');
  if (method >= 0) return text.slice(0, method) + section + '\n\n' + text.slice(method);
  return text.trimEnd() + '\n\n' + section + '\n';
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: `${cpus[0] ? cpus[0].model.trim() : 'unknown CPU'} × ${cpus.length}`,
    mem: `${Math.round(os.totalmem() / 1073741824)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

function loadavg() {
  return os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = new Date();
  const loadBefore = loadavg();
  const summaries = [];
  if (opts.clients.length > 0) {
    process.stdout.write(`Encoding ${PHASES.length} × ${opts.n} frames... `);
    const server = new FloodServer(opts.n);
    await server.listen();
    const sizes = PHASES.map((p) => `${p.name} ${(server.phases.get(p.name).bytes / 1048576).toFixed(1)} MiB`).join(
      ', ',
    );
    console.log(sizes);
    const runs = new Map(opts.clients.map((c) => [c, []]));
    for (let round = 0; round < opts.rounds; round++) {
      // Rotate the order so that no client always runs first (or right after the slowest one).
      const order = opts.clients.map((_, i) => opts.clients[(i + round) % opts.clients.length]);
      for (const name of order) {
        const r = await runClient(server, name, opts);
        runs.get(name).push(r);
        const phases = PHASES.map((p) => {
          const x = r.phases[p.name];
          return x ? (x.timeout ? `${p.name} timeout` : `${p.name} ${Math.round(x.ms)} ms`) : `${p.name} —`;
        }).join(', ');
        console.log(
          `round ${round + 1}/${opts.rounds} ${name.padEnd(13)} ${phases}${r.error ? `  [${r.error}]` : ''}  (load ${loadavg()})`,
        );
      }
    }
    server.close();
    for (const name of opts.clients) summaries.push(summarize(name, runs.get(name), opts.n));
  }

  let ordered;
  if (opts.ordered) {
    console.log(`Ordered collections: ${opts.orderedSizes.join(', ')} documents...`);
    ordered = await runOrdered(opts);
  }
  if (opts.onlyOrdered) {
    const section =
      orderedMarkdown(ordered, opts) +
      `\n\n(${new Date().toISOString()}, ${machine().cpu}, Node ${process.version}, load ${loadavg()})`;
    console.log('\n' + section);
    if (opts.write) {
      const file = path.join(__dirname, 'RESULTS.md');
      fs.writeFileSync(file, replaceOrderedSection(fs.readFileSync(file, 'utf8'), section));
      console.log('\nWritten to the ordered section of bench/RESULTS.md');
    }
    return;
  }

  let vm;
  let vmFiltered;
  let vmQuery;
  if (opts.viewmodel) {
    console.log(`View model: 10,000 changed/s for ${opts.vmSeconds} s on a 100,000-document collection...`);
    vm = await runViewModel(opts);
    console.log(`View model: 1,000 changed/s for ${opts.vmSeconds} s on a filtered 100,000-document collection...`);
    vmFiltered = await runViewModel(opts, VM_FILTERED);
    console.log(`View model: 1,000 changed/s for ${opts.vmSeconds} s on a 100,000-document collection with a query...`);
    vmQuery = await runViewModel(opts, VM_QUERY);
  }
  const loadAfter = loadavg();

  const m = machine();
  const md = [];
  md.push('# Benchmark results');
  md.push('');
  md.push(`- Date: ${started.toISOString()}`);
  md.push(`- Machine: ${m.cpu}, ${m.mem} RAM, ${m.os}`);
  md.push(`- Node: ${m.node}`);
  md.push(`- Load average (1/5/15 min) before: ${loadBefore}; after: ${loadAfter}`);
  if (summaries.length) {
    md.push(
      `- ${opts.n.toLocaleString('en-US')} messages per phase, ${opts.rounds} rounds, medians; each client in its own process`,
    );
    md.push('');
    md.push('## DDP clients');
    md.push('');
    md.push(table(summaries, opts.n));
    md.push('');
    const notes = [];
    for (const s of summaries) {
      if (s.failed)
        notes.push(`- ${s.label || s.name}: ${s.failed} of ${s.rounds} rounds incomplete (${s.errors.join('; ')})`);
    }
    const decoders = summaries
      .filter((s) => s.store && s.name !== 'floor')
      .map((s) => `${s.label}: ${s.dateDecoded ? 'yes' : 'no'}`);
    if (decoders.length)
      notes.push(
        `- \`$date\` decoded to a Date in the store — ${decoders.join(', ')}; the floor does not decode EJSON.`,
      );
    const variants = Object.keys(opts.variants);
    if (variants.length) {
      notes.push(
        `- Rows named \`DdpClient (${variants.join('`, `')})\` are this client built from another source tree ` +
          `(\`--variant name=path/to/ddp.js\`), for before/after comparisons; the targets below are for each.`,
      );
    }
    if (notes.length) md.push(...notes, '');
    const whose = [undefined, ...variants.map((v) => summaries.find((s) => s.name === v))];
    const t = whose.flatMap((u) => {
      const rows = u ? targets(summaries, opts.n, u) : targets(summaries, opts.n);
      return rows.map((x) => ({ ...x, who: u ? u.label : 'DdpClient (this project)' }));
    });
    if (t.length) {
      md.push('### Targets');
      md.push('');
      md.push('| Client | Target | Measured | Met |');
      md.push('|---|---|---:|:---:|');
      for (const x of t) md.push(`| ${x.who} | ${x.target} | ${x.value} | ${x.met ? 'yes' : '**no**'} |`);
      md.push('');
    }
  }
  if (ordered) {
    md.push(orderedMarkdown(ordered, opts));
    md.push('');
  }
  if (vm) {
    md.push('## View model (no VS Code)');
    md.push('');
    if (vm.error) md.push(`Failed: ${vm.error}`);
    else md.push(viewModelMarkdown(vm, opts));
    md.push('');
    md.push('### Filtered collection');
    md.push('');
    if (vmFiltered.error) md.push(`Failed: ${vmFiltered.error}`);
    else md.push(viewModelMarkdown(vmFiltered, opts, VM_FILTERED));
    md.push('');
    md.push('### Collection with a query');
    md.push('');
    if (vmQuery.error) md.push(`Failed: ${vmQuery.error}`);
    else md.push(viewModelMarkdown(vmQuery, opts, VM_QUERY));
    md.push('');
  }
  md.push(fs.readFileSync(path.join(__dirname, 'METHOD.md'), 'utf8').trim());
  md.push('');
  const text = md.join('\n');
  console.log('\n' + text);
  if (opts.write) {
    const file = path.join(__dirname, 'RESULTS.md');
    // The inspector's section is written by bench/inspector.ts: keep it.
    const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    const kept = old.match(/<!-- inspector:start -->[\s\S]*<!-- inspector:end -->/);
    // So is the SockJS section, by bench/sockjs.ts.
    const sockjs = old.match(/<!-- sockjs:start -->[\s\S]*<!-- sockjs:end -->/);
    const sections = [kept, sockjs].filter(Boolean).map((m) => m[0]);
    fs.writeFileSync(file, sections.length ? `${text.trimEnd()}\n\n${sections.join('\n\n')}\n` : text);
    console.log('\nWritten to bench/RESULTS.md');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
