// The explorer's view-model path without VS Code: SessionManager -> Session -> DdpClient, the real TreeModel and
// DdpTreeProvider (with a `vscode` stub), and a simulated view that renders what the provider tells it to refresh.
// Bundled by bench/viewmodel.js; driven over IPC by bench/run.js.
import { SessionManager, nullLog } from '../src/core/sessions';
import { TreeModel, type TreeNode } from '../src/presentation/tree/model';
import { DdpTreeProvider } from '../src/vscode/tree/provider';

const [url, docsArg, pageArg, filterArg] = process.argv.slice(2);
/** A text filter set on the collection before the changes start (the filtered-collection workload). */
const FILTER = filterArg ?? '';
const DOCS = Number(docsArg);
const PAGE = Number(pageArg);

const nowUs = () => Number(process.hrtime.bigint() / 1000n);
const send = (m: unknown) => process.send!(m);

async function main(): Promise<void> {
  const manager = new SessionManager({ log: nullLog });
  const model = new TreeModel(manager, () => PAGE);
  const provider = new DdpTreeProvider(model, manager);

  // The view: renders the visible rows; on a refresh, renders the refreshed rows again (as VS Code does).
  const render = (node?: TreeNode, depth = 0): void => {
    for (const child of provider.getChildren(node)) {
      provider.getTreeItem(child);
      const expand =
        child.kind === 'connection' ||
        child.kind === 'group' ||
        (child.kind === 'collection' && child.collection === 'docs');
      if (expand && depth < 4) render(child, depth + 1);
    }
  };

  let measuring = false;
  let fires = 0;
  let flushes = 0;
  let nodesRefreshed = 0;
  let fullRefreshes = 0;
  const delays: number[] = [];
  const fireTimes: number[] = [];
  /** Visible document id -> send time of its oldest change not yet refreshed. */
  const pending = new Map<string, number>();
  const visible = new Set<string>();

  provider.onDidChangeTreeData((e) => {
    if (!measuring) return;
    const t = nowUs();
    fires++;
    fireTimes.push(t);
    if (e === undefined) {
      fullRefreshes++;
      render();
      return;
    }
    const nodes = Array.isArray(e) ? e : [e];
    nodesRefreshed += nodes.length;
    for (const n of nodes) {
      provider.getTreeItem(n);
      // VS Code lists an expanded collection again when it is refreshed (the first page under a filter).
      if (n.kind === 'collection') for (const c of provider.getChildren(n)) provider.getTreeItem(c);
      if (n.kind === 'document') {
        const sent = pending.get(n.docId);
        if (sent !== undefined) {
          delays.push((t - sent) / 1000);
          pending.delete(n.docId);
        }
      }
    }
  });
  provider.onFlush = () => {
    if (measuring) flushes++;
  };

  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const session = manager.addAdHoc(url, 'bench');
  await session.connect();
  await new Promise<void>((resolve) => {
    let id = '';
    const off = session.on('subscriptions', () => {
      if (session.subscription(id)?.state !== 'ready') return;
      off();
      resolve();
    });
    void session.subscribe('bench', []).then((subId) => (id = subId));
  });
  let filterMs: number | undefined;
  if (FILTER) {
    const f0 = process.hrtime.bigint();
    model.setFilter(session.id, 'docs', FILTER);
    model.view(model.collectionNode(session.id, 'docs')); // the count: every document tested once, here
    filterMs = Number(process.hrtime.bigint() - f0) / 1e6;
  }
  render();
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const loadCpu = process.cpuUsage(cpu0);
  const docs = session.documents('docs');
  if (!docs || docs.size !== DOCS) throw new Error(`expected ${DOCS} documents, have ${docs?.size}`);
  const shown = provider.getChildren(model.collectionNode(session.id, 'docs'));
  for (const n of shown) if (n.kind === 'document') visible.add(n.docId);

  // Instrumentation only: the send time of the oldest unrefreshed change of each visible document.
  session.on('doc', ({ op, collection, id }) => {
    if (op !== 'changed' || !measuring || !visible.has(id) || pending.has(id)) return;
    pending.set(id, session.document(collection, id)?.t as number);
  });

  let cpuStart = process.cpuUsage();
  let start = 0n;
  process.on('message', (m: { type: string }) => {
    if (m.type === 'start') {
      measuring = true;
      cpuStart = process.cpuUsage();
      start = process.hrtime.bigint();
    } else if (m.type === 'stop') {
      measuring = false;
      const cpu = process.cpuUsage(cpuStart);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      let maxGap = 0;
      for (let i = 1; i < fireTimes.length; i++) maxGap = Math.max(maxGap, (fireTimes[i] - fireTimes[i - 1]) / 1000);
      let minGap = Infinity;
      for (let i = 1; i < fireTimes.length; i++) minGap = Math.min(minGap, (fireTimes[i] - fireTimes[i - 1]) / 1000);
      send({
        type: 'result',
        loadMs,
        filterMs,
        matched: FILTER
          ? Number(
              /^([\d,]+) of/
                .exec(model.view(model.collectionNode(session.id, 'docs')).description ?? '')?.[1]
                ?.replace(/,/g, ''),
            )
          : undefined,
        loadCpuMs: (loadCpu.user + loadCpu.system) / 1000,
        windowMs: ms,
        cpuMs: (cpu.user + cpu.system) / 1000,
        fires,
        flushes,
        fullRefreshes,
        nodesRefreshed,
        delays,
        unrefreshed: pending.size,
        minGapMs: Number.isFinite(minGap) ? minGap : undefined,
        maxGapMs: maxGap,
        rssMb: process.memoryUsage().rss / 1048576,
      });
      manager.dispose();
      provider.dispose();
      setTimeout(() => process.exit(0), 50);
    }
  });
  send({ type: 'ready' });
}

main().catch((err) => {
  send({ type: 'error', message: String(err?.stack ?? err) });
  process.exit(1);
});
