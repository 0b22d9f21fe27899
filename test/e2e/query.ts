// End-to-end steps for queries on live data (issue 16, "Query the live data"), run by test/e2e/run.ts as scenario 18
// (`E2E_ONLY=18 npm run test:e2e`). They need scenario 1's connection to the demo server.
import type { DemoServer } from '../demo/server';
import { type Workbench, escapeRe, until } from './workbench';

export interface QueryHarness {
  wb: Workbench;
  demo: DemoServer;
  step(name: string, fn: () => Promise<string | void>): Promise<boolean>;
}

const QUERY = '{ done: false, priority: { $gte: 2 } }, { sort: { priority: -1, _id: 1 } }';
/** The input box's placeholder (the recent-queries pick has another). */
const BOX_PLACEHOLDER = /\{ done: false \}, \{ sort: \{ priority: -1 \} \}/;
const RECENT_PLACEHOLDER = /A recent query of this collection/;

/** The demo's tasks the query matches, in its order, from the server's own data. */
function expectedIds(demo: DemoServer): string[] {
  const docs = [...demo.data.tasks.docs.values()] as Array<Record<string, unknown>>;
  return docs
    .filter((d) => d.done === false && typeof d.priority === 'number' && d.priority >= 2)
    .sort((a, b) => (b.priority as number) - (a.priority as number) || (a._id! < b._id! ? -1 : 1))
    .map((d) => String(d._id));
}

/** Labels of the rendered rows right under the first row whose text matches `parent`. */
async function childLabels(wb: Workbench, parent: RegExp): Promise<string[]> {
  const rows = await wb.rowInfo();
  const i = rows.findIndex((r) => parent.test(r.text));
  if (i < 0) return [];
  const out: string[] = [];
  for (let j = i + 1; j < rows.length && rows[j].level > rows[i].level; j++)
    if (rows[j].level === rows[i].level + 1) out.push(rows[j].text.split(/\s/)[0]);
  return out;
}

/** Runs Filter Collection... on tasks and gets to its input box (past the recent queries, when there are some). */
async function openFilterBox(wb: Workbench): Promise<{ recent: string[] }> {
  await wb.runCommand('DDP: Filter Collection...');
  await wb.pickItem(/^tasks$/);
  const shown = await until(
    async () => {
      const d = await wb.quickInputDescription();
      return BOX_PLACEHOLDER.test(d) ? 'box' : RECENT_PLACEHOLDER.test(d) ? 'recent' : undefined;
    },
    'the filter input box or the recent queries',
    10_000,
  );
  if (shown === 'box') return { recent: [] };
  const recent = await wb.quickPickLabels();
  await wb.pickItem(/^Type a filter or query/);
  await wb.waitForInputBox(BOX_PLACEHOLDER, 10_000);
  return { recent };
}

export async function queryScenario(h: QueryHarness): Promise<void> {
  const { wb, demo } = h;
  const tasksRow = /^tasks\b.*documents?/;
  const queried = /^tasks\b.*\d+ of \d+ documents · query \{ done: false/;

  await h.step("Filter Collection... refuses an invalid selector inline with mingo's message", async () => {
    if (!demo.subscriptions.some((x) => x.name === 'tasks')) {
      await wb.runCommand('DDP: Subscribe...');
      await wb.waitForInputBox(undefined, 15_000);
      await wb.submit('tasks');
      await wb.waitForInputBox(undefined, 15_000);
      await wb.submit('');
    }
    await wb.collapseIfShown(/^big\b.*documents?/);
    await wb.collapseIfShown(/^Subscriptions/);
    await wb.expand(/^Collections/);
    await wb.expand(tasksRow);
    await openFilterBox(wb);
    await wb.answer('{ done: { $nope: 1 } }', false);
    const message = await until(
      async () => {
        const m = await wb.quickInputMessage();
        return /unknown query operator \$nope/.test(m) ? m : undefined;
      },
      'the validation message for $nope',
      5000,
    );
    await wb.page.keyboard.press('Enter');
    if (!(await wb.quickInputVisible())) throw new Error('the input box closed on Enter with an invalid selector');
    return `validation message: "${message}"`;
  });

  await h.step('A selector with a sort shows only the matching tasks, in order, with the count', async () => {
    const expected = expectedIds(demo);
    await wb.submit(QUERY);
    const row = await wb.waitForRow(queried, 10_000);
    const text = (await row.getAttribute('aria-label')) ?? '';
    const count = new RegExp(`${expected.length} of ${demo.data.tasks.docs.size} documents`);
    await until(
      async () => count.test((await wb.rowInfo()).find((r) => queried.test(r.text))?.text ?? ''),
      `${count}`,
      5000,
    );
    const ids = await until(
      async () => {
        const c = await childLabels(wb, queried);
        return c.join() === expected.join() ? c : undefined;
      },
      `the rows ${expected.join(', ')} (showing ${JSON.stringify(await childLabels(wb, queried))})`,
      10_000,
    );
    return `row: "${text}"; rows: ${ids.join(', ')}`;
  });

  await h.step('A task changed on the server so that it stops matching leaves; changed back, it returns', async () => {
    const first = expectedIds(demo)[0];
    demo.data.toggleTask(first); // done: true
    const left = expectedIds(demo);
    await until(
      async () => (await childLabels(wb, queried)).join() === left.join(),
      `${first} to leave the results`,
      5000,
    );
    await wb.waitForRow(new RegExp(`^tasks\\b.*${left.length} of \\d+ documents · query`), 5000);
    demo.data.toggleTask(first); // done: false again
    const back = expectedIds(demo);
    await until(
      async () => (await childLabels(wb, queried)).join() === back.join(),
      `${first} to come back first`,
      5000,
    );
    return `${first} left (${left.length} rows) and came back (${back.length} rows)`;
  });

  await h.step('Open Results as JSON opens the matching documents with a count line', async () => {
    const expected = expectedIds(demo);
    await wb.runCommand('DDP: Open Results as JSON');
    await wb.pickItem(/^tasks$/);
    const head = new RegExp(`^// ${expected.length} of ${expected.length} matching documents in "tasks"`);
    const text = await until(
      async () => {
        const t = await wb.editorText();
        return head.test(t) ? t : undefined;
      },
      'the results editor with its count line',
      10_000,
    );
    const firstId = new RegExp(`"_id": "${escapeRe(expected[0])}"`);
    if (!firstId.test(text)) throw new Error(`the first result is not ${expected[0]}: ${text.slice(0, 400)}`);
    return text.split('\n')[0];
  });

  await h.step('The query is offered again from the recent queries; an empty filter shows everything', async () => {
    const { recent } = await openFilterBox(wb);
    if (!recent.some((l) => l.includes(QUERY))) throw new Error(`recent queries: ${JSON.stringify(recent)}`);
    await wb.submit('');
    const all = new RegExp(`^tasks\\b.*\\b${demo.data.tasks.docs.size} documents?$`);
    await until(
      async () => (await wb.rowInfo()).some((r) => all.test(r.text.trim())),
      'the tasks row without the query',
      5000,
    );
    return `recent: ${JSON.stringify(recent)}`;
  });
}
