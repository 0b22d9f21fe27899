// End-to-end tests: DDP Explorer packaged as a .vsix, installed into a fresh code-server (VS Code 1.139 in the
// browser), driven through Debian's Chromium with playwright-core, against the demo DDP server started here.
//
//   npm run test:e2e            (packages the .vsix first, then runs this)
//   E2E_ONLY=1,3 npm run test:e2e   run some scenarios only (1 always runs: it connects)
//   E2E_KEEP=1                  keep code-server and the demo server running at the end (prints the URL)
//   E2E_UPDATE_SCREENSHOT=1     copy the final showcase screenshot to media/screenshot.png
//
// Screenshots of every step go to test-results/e2e/. Waits are bounded; nothing sleeps to synchronise.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { DemoServer, startDemoServer } from '../demo/server';
import {
  REPO,
  ensureCodeServer,
  freePort,
  installVsix,
  makeProfile,
  packageVsix,
  startCodeServer,
  vsixPath,
  RunningCodeServer,
} from '../tooling/codeserver';
import { Workbench, escapeRe, until } from './workbench';
import { ddpFileScenario, writeDdpFiles } from './ddpFileSteps';
import { inspectorScenario } from './inspector';
import { proxyScenario } from './proxy';
import { queryScenario } from './query';
import { streamsScenario } from './streams';
import { editScenario } from './edit';
import { safetyScenario } from './safety';
import { sockJsScenario } from './sockjs';

const RESULTS = path.join(REPO, 'test-results', 'e2e');
const DDP_STATUS = /DDP/;
const CONNECTED = /(^|[^a-z])connected/i; // not "disconnected"
const only = (process.env.E2E_ONLY ?? '').split(',').filter(Boolean).map(Number);
const want = (n: number) => only.length === 0 || n === 1 || only.includes(n);

interface StepResult {
  scenario: number;
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
  screenshot?: string;
  note?: string;
}
const results: StepResult[] = [];
const failedScenarios = new Set<number>();

let wb: Workbench;
let demo: DemoServer;
let cs: RunningCodeServer | undefined;
let connLabel: RegExp;

function log(msg: string): void {
  console.log(`[e2e ${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

/** Runs one step; after a failure the rest of that scenario is skipped. Screenshots every step. */
async function step(scenario: number, name: string, fn: () => Promise<string | void>): Promise<boolean> {
  if (failedScenarios.has(scenario)) {
    results.push({ scenario, name, ok: false, ms: 0, error: 'skipped (earlier step failed)' });
    return false;
  }
  const t = Date.now();
  try {
    const note = (await fn()) ?? undefined;
    const shot = await wb.screenshot(`s${scenario}-${slug(name)}`);
    results.push({ scenario, name, ok: true, ms: Date.now() - t, screenshot: rel(shot), note });
    log(`ok   ${scenario}. ${name} (${Date.now() - t} ms)${note ? ` — ${note}` : ''}`);
    return true;
  } catch (err) {
    const shot = await wb.screenshot(`s${scenario}-${slug(name)}-FAILED`);
    const msg = err instanceof Error ? err.message : String(err);
    failedScenarios.add(scenario);
    results.push({ scenario, name, ok: false, ms: Date.now() - t, error: msg, screenshot: rel(shot) });
    log(`FAIL ${scenario}. ${name}: ${msg}`);
    log(
      `     tree: ${JSON.stringify((await wb.rowInfo().catch(() => [])).map((r) => `${'  '.repeat(Math.max(0, r.level - 1))}${r.text}`))}`,
    );
    log(`     status: ${JSON.stringify(await wb.statusText(DDP_STATUS).catch(() => undefined))}`);
    log(`     notifications: ${JSON.stringify(await wb.notifications().catch(() => []))}`);
    return false;
  }
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 50);
const rel = (p: string) => path.relative(REPO, p);

/** Level (aria-level) of the first rendered row matching. */
/** Visible texts ("label description") of the rendered children of the first row whose text matches `parent`. */
async function childrenOf(parent: RegExp): Promise<string[]> {
  const rows = await wb.rowInfo();
  const i = rows.findIndex((r) => parent.test(r.text));
  if (i < 0) return [];
  const out: string[] = [];
  for (let j = i + 1; j < rows.length && rows[j].level > rows[i].level; j++) {
    if (rows[j].level === rows[i].level + 1) out.push(rows[j].text);
  }
  return out;
}

/** Answers the params input box (if the command asks for params) with `params`. */
async function answerParams(params: string): Promise<void> {
  await wb.waitForInputBox(undefined, 15_000);
  await wb.submit(params);
}

async function subscribe(name: string, params = ''): Promise<void> {
  await wb.runCommand('DDP: Subscribe...');
  await wb.waitForInputBox(undefined, 15_000);
  await wb.submit(name);
  await answerParams(params);
}

async function callMethod(name: string, params: string): Promise<void> {
  await wb.runCommand('DDP: Call Method...');
  await until(() => wb.quickInputVisible(), 'the method picker', 5000);
  await wb.waitForInputBox(undefined, 15_000);
  await wb.submit(name);
  await answerParams(params);
}

async function scenario1(): Promise<void> {
  await step(1, 'DDP view shows the welcome content', async () => {
    await wb.showViewContainer('DDP', 60_000);
    const text = await until(
      async () => {
        const t = await wb.welcomeText();
        return /Connect to a DDP Server/i.test(t) ? t : undefined;
      },
      'the welcome content with "Connect to a DDP Server"',
      60_000,
    );
    return text.replace(/\s+/g, ' ').slice(0, 120);
  });
  await step(1, 'Connect to Server... connects; status bar says connected', async () => {
    await wb.runCommand('DDP: Connect to Server...');
    await wb.waitForInputBox(undefined, 15_000);
    await wb.submit(demo.url);
    const status = await wb.waitForStatus(DDP_STATUS, CONNECTED, 30_000);
    await wb.waitForRow(new RegExp(`^${connLabel.source}.*connected`, 'i'), 5000).catch(async () => {
      await wb.waitForRow(connLabel, 5000);
    });
    return `status bar: "${status}"`;
  });
}

async function scenario2(): Promise<void> {
  const count = () => demo.data.tasks.docs.size;
  await step(2, 'Subscribe to tasks shows the collection, its count and documents', async () => {
    await subscribe('tasks');
    await wb.expand(connLabel);
    await wb.expand(/^Collections/);
    const tasksRow = new RegExp(`^tasks\\b.*\\b${count()} documents?`);
    await wb.waitForRow(tasksRow, 10_000);
    await wb.expand(tasksRow);
    await wb.waitForRow(/^task-1\b/, 5000);
    const docs = await childrenOf(tasksRow);
    if (docs.length !== count())
      throw new Error(`expected ${count()} document rows under tasks, saw ${docs.length}: ${docs}`);
    return `${docs.length} document rows`;
  });
  let latency = -1;
  await step(2, 'A server change appears within 2 s; the expanded document stays expanded', async () => {
    await wb.expand(/^task-1\b/);
    const before = await until(
      async () => {
        const c = await childrenOf(/^task-1\b/);
        return c.length ? c : undefined;
      },
      'the field rows of task-1',
      5000,
    );
    const title = `Changed on the server ${Date.now() % 100000}`;
    const t0 = Date.now();
    demo.data.tasks.update('task-1', { title });
    await wb.waitForRow(new RegExp(escapeRe(title)), 2000);
    latency = Date.now() - t0;
    const row = wb.row((await wb.rowInfo()).find((r) => /^task-1\b/.test(r.text))!.label);
    if ((await row.getAttribute('aria-expanded')) !== 'true') throw new Error('task-1 collapsed after the change');
    return `change visible after ${latency} ms; task-1 still expanded (${before.length} field rows)`;
  });
}

async function scenario3(): Promise<void> {
  await step(3, 'Call Method math.add [2, 3] writes 5 to the DDP output channel', async () => {
    await callMethod('math.add', '[2, 3]');
    await until(() => demo.calls.some((c) => c.method === 'math.add'), 'math.add to reach the server', 5000);
    // Show the channel (the extension may already have); read the visible lines.
    await wb.runCommand('DDP: Show Log').catch(() => wb.showOutputChannel('DDP'));
    const text = await wb.waitForOutput(/math\.add\b.*?(→|->|=>|result).*?\b5\b/, 10_000).catch(async () => {
      await wb.showOutputChannel('DDP');
      return wb.waitForOutput(/math\.add\b.*?(→|->|=>|result).*?\b5\b/, 5000);
    });
    const line = text.match(/[^\n]{0,40}math\.add[^\n]{0,60}/)?.[0];
    return `output: ${line?.trim()}`;
  });
  await step(3, 'fail shows its error reason in a notification', async () => {
    await callMethod('fail', '[]');
    const n = await wb.waitForNotification(/always fails/i, 10_000);
    return `notification: "${n}"`;
  });
  await step(3, 'Invalid EJSON shows a validation message and sends nothing', async () => {
    const sent = demo.calls.length;
    await wb.runCommand('DDP: Call Method...');
    await wb.waitForInputBox(undefined, 15_000);
    await wb.submit('math.add');
    await wb.waitForInputBox(undefined, 15_000);
    const prompt = await wb.quickInputMessage();
    await wb.answer('[2, ', false);
    const message = await until(
      async () => {
        const m = await wb.quickInputMessage();
        return m && m !== prompt ? m : undefined;
      },
      'a validation message for "[2, "',
      5000,
    );
    await wb.screenshot('s3-invalid-ejson-message');
    await wb.page.keyboard.press('Enter');
    // The box must stay open with the invalid value (Enter is refused).
    if (!(await wb.quickInputVisible())) throw new Error('the input box closed on Enter with invalid EJSON');
    const value = await wb.quickInputBox().inputValue();
    if (value !== '[2, ') throw new Error(`input value changed to ${JSON.stringify(value)}`);
    await wb.escape();
    // Nothing reached the server: DDP keeps a connection's method calls in order, so once a marker call sent after
    // this arrives, anything the invalid input had sent would have arrived before it.
    const marker = `marker-${Date.now()}`;
    await callMethod('echo', JSON.stringify([marker]));
    await until(() => demo.calls.some((c) => c.method === 'echo' && c.params[0] === marker), 'the marker call', 5000);
    const extra = demo.calls.slice(sent).filter((c) => !(c.method === 'echo' && c.params[0] === marker));
    if (extra.length) throw new Error(`sent ${JSON.stringify(extra)} despite invalid params`);
    return `validation message: "${message}"`;
  });
}

async function scenario4(): Promise<void> {
  const count = () => demo.data.tasks.docs.size;
  await step(4, 'Stopping the server turns the status bar to reconnecting', async () => {
    await demo.stop();
    const s = await wb.waitForStatus(DDP_STATUS, /reconnecting/i, 15_000);
    return `status bar: "${s}"`;
  });
  await step(
    4,
    'Starting it again on the same port reconnects; same subscription and documents, no duplicates',
    async () => {
      const restartedAt = Date.now();
      await demo.start();
      const s = await wb.waitForStatus(DDP_STATUS, CONNECTED, 30_000);
      await until(
        () => demo.subscriptions.some((x) => x.name === 'tasks' && x.at >= restartedAt),
        'the extension to subscribe to tasks again on the restarted server',
        10_000,
      );
      await wb.expand(connLabel);
      await wb.expand(/^Subscriptions/);
      const subs = await until(
        async () => {
          const c = await childrenOf(/^Subscriptions/);
          return c.length ? c : undefined;
        },
        'subscription rows',
        5000,
      );
      const taskSubs = subs.filter((l) => /^tasks\b/.test(l));
      if (taskSubs.length !== 1) throw new Error(`expected one tasks subscription row, saw ${JSON.stringify(subs)}`);
      await wb.expand(/^Collections/);
      const tasksRow = new RegExp(`^tasks\\b.*\\b${count()} documents?`);
      await wb.waitForRow(tasksRow, 10_000);
      await wb.expand(tasksRow);
      const docs = await until(
        async () => {
          const d = await childrenOf(/^tasks\b.*documents?/);
          return d.length ? d : undefined;
        },
        'task document rows',
        5000,
      );
      const ids = docs.map((l) => l.split(/\s/)[0]);
      const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
      if (dupes.length) throw new Error(`duplicate document rows: ${dupes}`);
      if (ids.length !== count()) throw new Error(`expected ${count()} documents, saw ${ids.length}`);
      // And the data is live again.
      const title = `After the restart ${Date.now() % 100000}`;
      demo.data.tasks.update('task-2', { title });
      await wb.waitForRow(new RegExp(escapeRe(title)), 2000);
      return `status bar: "${s}"; subscriptions: ${JSON.stringify(subs)}; ${ids.length} documents, no duplicates`;
    },
  );
}

async function scenario5(): Promise<void> {
  await step(5, 'big shows the first page and a "Load more" item', async () => {
    // Collapse the others so big's rows are easy to reach.
    await wb.collapseIfShown(/^tasks\b.*documents?/);
    await wb.collapseIfShown(/^Subscriptions/);
    await subscribe('big');
    const bigRow = /^big\b.*\b20,?000 documents?/;
    await wb.expand(/^Collections/);
    await wb.waitForRow(bigRow, 90_000);
    await wb.expand(bigRow);
    await wb.waitForRow(/^big-0*1\b/, 10_000);
    const first = (await childrenOf(bigRow)).filter((l) => /^big-/.test(l));
    const more = await wb.scrollToRow(/Load more/i, 20_000);
    const moreText = (await wb.rowInfo()).find((r) => /Load more/i.test(r.text))?.text ?? more;
    return `first rows: ${first[0]?.split(' ')[0]}..., then "${moreText}"`;
  });
}

/** The status bar's Problems item (its id is "status.problems"): its aria-label, or undefined when it is not there. */
async function problemsItem(): Promise<{ aria: string; text: string } | undefined> {
  const items = await wb.page.locator('#workbench\\.parts\\.statusbar .statusbar-item').evaluateAll((els) =>
    els.map((e) => ({
      id: e.id,
      aria: e.getAttribute('aria-label') ?? e.querySelector('[aria-label]')?.getAttribute('aria-label') ?? '',
      text: (e as HTMLElement).innerText,
    })),
  );
  const hit = items.find((i) => i.id === 'status.problems');
  if (!hit) throw new Error(`no Problems item in the status bar: ${JSON.stringify(items.map((i) => [i.id, i.aria]))}`);
  return hit;
}

/** Errors + warnings shown by the status bar's Problems item ("No Problems", or its numbers). */
async function problemCount(): Promise<number> {
  const item = await problemsItem();
  if (!item) return -1;
  if (/no problems/i.test(item.aria)) return 0;
  const nums = (item.aria.match(/\d+/g) ?? item.text.match(/\d+/g) ?? []).map(Number);
  return nums.reduce((a, b) => a + b, 0);
}

/** Issue 11, the data as it is: a document that disappears leaves Problems empty and its tab says what happened. */
async function scenarioDocumentGone(): Promise<void> {
  await step(
    7,
    'A document open in an editor that is removed on the server leaves Problems empty; the tab says so',
    async () => {
      if (!demo.subscriptions.some((x) => x.name === 'tasks')) await subscribe('tasks');
      // Earlier scenarios may leave the tree scrolled down a long collection: back to the top, big collapsed.
      const list = await wb.page.locator('#workbench\\.parts\\.sidebar .monaco-list').first().boundingBox();
      if (list) {
        await wb.page.mouse.move(list.x + list.width / 2, list.y + list.height / 2);
        await wb.page.mouse.wheel(0, -1_000_000);
      }
      await wb.collapseIfShown(/^big\b.*documents?/);
      const id = demo.data.addTask('Short-lived task');
      await wb.expand(/^Collections/);
      await wb.waitForRow(new RegExp(`^tasks\\b.*\\b${demo.data.tasks.docs.size} documents?`), 10_000);
      await wb.runCommand('DDP: Open Document');
      await wb.pickItem(/^tasks$/);
      // Type the id first: the list changes while the server edits tasks, and a click by position could land on another row.
      await wb.pickItem(new RegExp(`^${escapeRe(id)}$`), id);
      const tab = `${id} (127.0.0.1:${demo.port}).jsonc`;
      const tabText = async () =>
        [
          await wb.page.title(),
          await wb.page
            .locator('.tabs-container')
            .first()
            .innerText()
            .catch(() => ''),
        ]
          .join(' ')
          .replace(/\u00a0/g, ' ');
      await until(async () => (await tabText()).includes(tab), `the tab "${tab}"`, 10_000);
      await until(async () => /Short-lived task/.test(await wb.editorText()), 'the document in the editor', 10_000);
      const mode = await until(async () => wb.statusText(/^JSON/), 'the language mode in the status bar', 10_000);
      if (!/JSON with Comments/.test(mode)) throw new Error(`the document editor is "${mode}", not JSON with Comments`);
      demo.data.tasks.remove(id);
      const text = await until(
        async () => {
          const t = await wb.editorText();
          return /\/\/ Removed: /.test(t) ? t : undefined;
        },
        'the editor to say the document was removed',
        10_000,
      );
      if (!/Short-lived task/.test(text))
        throw new Error('the last version received is not shown under the state line');
      // The JSON language service validates within a second or so of a change; watch Problems well past that.
      const t0 = Date.now();
      while (Date.now() - t0 < 3000) {
        const n = await problemCount();
        if (n !== 0) throw new Error(`Problems shows ${n} after the removal`);
        await new Promise((r) => setTimeout(r, 250));
      }
      // Open the Problems panel (the status bar item toggles it; a DOM click, the item may be partly covered).
      await wb.page
        .locator('#workbench\\.parts\\.statusbar [id="status.problems"]')
        .first()
        .evaluate((e) => {
          const target = (e.querySelector('a, [role="button"]') as HTMLElement | null) ?? (e as HTMLElement);
          target.click();
        });
      const panel = await until(
        async () => {
          const t = await wb.page
            .locator('#workbench\\.parts\\.panel')
            .innerText()
            .catch(() => '');
          return /No problems have been detected/i.test(t) ? t : undefined;
        },
        'the Problems panel to say there are none',
        10_000,
      );
      return `tab "${tab}"; editor: "${text.split('\n')[0].slice(0, 90)}"; Problems: "${panel.match(/No problems[^\n]*/i)?.[0]}"`;
    },
  );

  await step(
    7,
    'While the server is down, subscriptions say stale and resubscribing; ready again after the catch-up',
    async () => {
      await wb.collapseIfShown(/^Collections/);
      await wb.expand(/^Subscriptions/);
      await demo.stop();
      const stale = await wb.waitForRow(/^tasks\b.*stale · resubscribing \(last ready \d\d:\d\d:\d\d\)/, 15_000);
      const staleText = await stale.getAttribute('aria-label');
      await demo.start();
      await wb.waitForStatus(DDP_STATUS, CONNECTED, 30_000);
      await wb.waitForRow(/^tasks\b.*ready in \d/, 15_000);
      return `while down: "${staleText}"`;
    },
  );

  await step(7, 'After Disconnect the subscriptions stay listed as stopped; Connect makes them again', async () => {
    await wb.runCommand('DDP: Disconnect');
    await wb.waitForStatus(DDP_STATUS, /disconnected/i, 10_000);
    const row = await wb.waitForRow(/^tasks\b.*stopped · resumes on connect/, 10_000);
    const stoppedText = await row.getAttribute('aria-label');
    await wb.runCommand('DDP: Connect to Server...');
    await wb.waitForInputBox(undefined, 15_000);
    await wb.submit(demo.url);
    await wb.waitForStatus(DDP_STATUS, CONNECTED, 30_000);
    await wb.waitForRow(/^tasks\b.*ready in \d/, 15_000);
    await wb.expand(/^Collections/); // as the scenarios after this one expect
    return `after Disconnect: "${stoppedText}"`;
  });
}

/** Not one of the issue's scenarios: a tidy view of everything for media/screenshot.png. */
async function showcase(): Promise<void> {
  await step(6, 'Showcase: live tree, an open document and the DDP log', async () => {
    await wb.collapseIfShown(/^big\b.*documents?/);
    // Undo the test edits so the picture shows the demo data.
    demo.data.tasks.update('task-1', { title: 'Write the release notes' });
    demo.data.tasks.update('task-2', { title: 'Review pull request #42' });
    await subscribe('messages');
    await callMethod('math.add', '[2, 3]');
    // Widen the side bar by dragging its sash.
    const sidebar = await wb.page.locator('#workbench\\.parts\\.sidebar').boundingBox();
    if (sidebar) {
      const x = sidebar.x + sidebar.width + 1;
      const y = sidebar.y + sidebar.height / 2;
      await wb.page.mouse.move(x, y);
      await wb.page.mouse.down();
      await wb.page.mouse.move(x + 160, y, { steps: 8 });
      await wb.page.mouse.up();
    }
    // A picture, not a timing test: after the reconnect of scenario 7 a slow machine may still be taking big's
    // 20,000 documents again, and the tree follows them.
    await wb.expand(/^Subscriptions/, 30_000);
    await wb.expand(/^Collections/, 30_000);
    const tasksRow = /^tasks\b.*documents?/;
    await wb.expand(tasksRow, 30_000);
    await wb.expand(/^task-1\b/, 30_000);
    await wb.runCommand('DDP: Open Document');
    await wb.pickItem(/^tasks$/);
    await wb.pickItem(/^task-1$/);
    await until(
      async () =>
        /task-1/.test(
          await wb.page
            .locator('.tabs-container')
            .innerText()
            .catch(() => ''),
        ),
      'the task-1 editor tab',
      10_000,
    );
    await wb.runCommand('DDP: Show Log');
    await wb.page.locator('#workbench\\.parts\\.panel .view-lines').first().waitFor({ timeout: 10_000 });
    await wb.clearNotifications();
    const file = path.join(RESULTS, 'showcase.png');
    await wb.page.screenshot({ path: file });
    if (process.env.E2E_UPDATE_SCREENSHOT) fs.copyFileSync(file, path.join(REPO, 'media', 'screenshot.png'));
    return rel(file);
  });
}

/** Issue 11: a hostile method error renders no link at all in its notification (no command: href to click). */
async function stepHostileError(): Promise<void> {
  await step(10, 'A hostile method error shows as text: no command: link in the notification', async () => {
    await wb.clearNotifications();
    await callMethod('hostile', '[]');
    const text = await wb.waitForNotification(/Open Settings/, 10_000);
    const links = await wb.notificationLinks();
    const commandLinks = links.filter((l) => /^\s*command:/i.test(l.href));
    if (commandLinks.length) throw new Error(`command links in the notification: ${JSON.stringify(commandLinks)}`);
    if (links.length) throw new Error(`links in the notification: ${JSON.stringify(links)}`);
    if (/\n/.test(text) && /\[info\] \[demo\] Logged in/.test(text.split('\n').slice(1).join('\n')))
      throw new Error('the forged line became a line');
    return `notification: "${text}" (0 links)`;
  });
}

/** Issue 11: a first connect that cannot succeed says why in a notification, with Retry, Edit URL, Show Log. */
async function stepFirstConnectFailures(): Promise<void> {
  const closed = await freePort(0);
  // Keep the new rows in view: the demo connection's expanded tree comes first.
  await wb.collapseIfShown(connLabel);
  await step(8, 'First connect to a closed port: "Nothing is listening on 127.0.0.1:<port>"', async () => {
    await wb.clearNotifications();
    await wb.runCommand('DDP: Connect to Server...');
    await wb.waitForInputBox(undefined, 15_000);
    await wb.submit(`ws://127.0.0.1:${closed}/websocket`);
    const match = new RegExp(`Nothing is listening on 127\\.0\\.0\\.1:${closed}`);
    const text = await wb.waitForNotification(match, 10_000);
    const buttons = await wb.notificationButtons(match);
    for (const b of ['Retry', 'Edit URL', 'Show Log'])
      if (!buttons.includes(b)) throw new Error(`no ${b} button: ${JSON.stringify(buttons)}`);
    await wb.waitForRow(new RegExp(`^127\\.0\\.0\\.1:${closed}\\b.*failed`), 10_000);
    return `"${text}" [${buttons.join(', ')}]`;
  });
  const server = http.createServer((_q, r) => {
    r.writeHead(404, { 'content-type': 'text/plain' });
    r.end('not here');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  try {
    await step(8, 'First connect to an HTTP server answering 404: "is this a Meteor/DDP server?"', async () => {
      await wb.runCommand('DDP: Connect to Server...');
      await wb.waitForInputBox(undefined, 15_000);
      await wb.submit(`ws://127.0.0.1:${port}/websocket`);
      const text = await wb.waitForNotification(
        /HTTP 404: is this a Meteor\/DDP server\? Meteor serves DDP at \/websocket/,
        10_000,
      );
      // Only URLs that connected become the Enter-to-reuse default: still the demo's, not the two that failed.
      await wb.runCommand('DDP: Connect to Server...');
      await wb.waitForInputBox(undefined, 15_000);
      const placeholder = (await wb.quickInputBox().getAttribute('placeholder')) ?? '';
      await wb.escape();
      if (placeholder !== demo.url)
        throw new Error(`the default URL is ${JSON.stringify(placeholder)}, not the demo's ${demo.url}`);
      return `"${text}"; default URL still ${placeholder}`;
    });
    await step(9, 'Remove Connection asks for confirmation first; Cancel keeps it, Remove removes it', async () => {
      const row = new RegExp(`^127\\.0\\.0\\.1:${port}\\b`);
      const remove = async () => {
        await wb.runCommand('DDP: Remove Connection');
        await wb.pickItem(row);
        return until(
          async () => {
            const t = await wb.dialogText();
            return /Remove the connection/.test(t) ? t : undefined;
          },
          'the confirmation dialog',
          10_000,
        );
      };
      const question = await remove();
      await wb.dialogButton('Cancel');
      await wb.waitForRow(row, 5000);
      await remove();
      await wb.dialogButton('Remove');
      await until(
        async () => !(await wb.rowInfo()).some((r) => row.test(r.label) || row.test(r.text)),
        'the connection row to go',
        10_000,
      );
      return `dialog: "${question.replace(/\s+/g, ' ').slice(0, 120)}"`;
    });
  } finally {
    server.closeAllConnections?.();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

async function main(): Promise<void> {
  const tStart = Date.now();
  fs.rmSync(RESULTS, { recursive: true, force: true });
  fs.mkdirSync(RESULTS, { recursive: true });

  const tInstall = Date.now();
  const launcher = ensureCodeServer();
  log(`code-server ready (${Date.now() - tInstall} ms)`);
  const vsix = fs.existsSync(vsixPath()) && process.env.npm_lifecycle_event === 'test:e2e' ? vsixPath() : packageVsix();
  log(`extension: ${rel(vsix)} (${fs.statSync(vsix).size} bytes)`);

  demo = await startDemoServer({ port: await freePort(0) });
  connLabel = new RegExp(escapeRe(`127.0.0.1:${demo.port}`));
  log(`demo server: ${demo.url}`);

  const workspace = path.join(REPO, 'test-results', 'e2e-workspace');
  fs.mkdirSync(workspace, { recursive: true });
  fs.writeFileSync(path.join(workspace, 'README.md'), '# e2e workspace\n');
  writeDdpFiles(workspace, demo.url);
  const profile = makeProfile(path.join(REPO, 'test-results', 'e2e-profile'), {
    '[log]': { 'editor.wordWrap': 'off' },
  });
  installVsix(launcher, profile, vsix);
  cs = await startCodeServer(launcher, profile, await freePort(0));
  log(`code-server: ${cs.url}`);

  wb = await Workbench.launch(RESULTS);
  let exitCode = 0;
  try {
    const tOpen = Date.now();
    await wb.open(cs.folderUrl(workspace), 120_000);
    log(`workbench open (${Date.now() - tOpen} ms)`);
    await scenario1();
    if (want(2) || want(4)) await scenario2();
    if (want(3)) await scenario3();
    if (want(4)) await scenario4();
    if (want(5)) await scenario5();
    if (want(7)) await scenarioDocumentGone();
    if (want(6)) await showcase();
    if (want(10)) await stepHostileError();
    if (want(8) || want(9)) await stepFirstConnectFailures();
    if (want(13)) await inspectorScenario({ wb, demo, resultsDir: RESULTS, step: (name, fn) => step(13, name, fn) });
    if (want(14)) await ddpFileScenario({ wb, demo, workspace, resultsDir: RESULTS, step }, 14);
    // Each scenario below starts from the DDP view (the .ddp scenario leaves the Testing view open).
    const fromDdpView = async (n: number, run: () => Promise<void>) => {
      if (!want(n)) return;
      await wb.showViewContainer('DDP', 30_000);
      // Scenarios 8 and 9 leave failed connections above the demo's: their groups must not pass for the demo's.
      for (const r of await wb.rowInfo())
        if (/^127\.0\.0\.1:\d+\s+failed/.test(r.text) && !connLabel.test(r.text))
          await wb.collapseIfShown(new RegExp(`^${escapeRe(r.label)}`)).catch(() => undefined);
      await wb.expand(connLabel).catch(() => undefined);
      await run();
    };
    await fromDdpView(18, () => queryScenario({ wb, demo, step: (name, fn) => step(18, name, fn) }));
    await fromDdpView(19, () => editScenario({ wb, demo, step: (name, fn) => step(19, name, fn) }));
    await fromDdpView(16, () => streamsScenario({ wb, step: (name, fn) => step(16, name, fn) }));
    await fromDdpView(15, () => sockJsScenario({ wb, demo, step: (name, fn) => step(15, name, fn) }));
    await fromDdpView(17, () => safetyScenario({ wb, demo, workspace, step }, 17));
    // Opt-in (E2E_ONLY=20): it depends on code-server noticing a settings file written behind its back, which it
    // does not always do within the step's time; the proxy itself is covered by client-proxy / explorer-proxy tests.
    if (only.includes(20))
      await fromDdpView(20, () => proxyScenario({ wb, demo, profile, step: (name, fn) => step(20, name, fn) }));
  } catch (err) {
    log(`harness error: ${err instanceof Error ? err.stack : err}`);
    await wb.screenshot('harness-error');
    exitCode = 2;
  } finally {
    fs.writeFileSync(path.join(RESULTS, 'results.json'), JSON.stringify(results, null, 2));
    fs.writeFileSync(path.join(RESULTS, 'code-server.log'), cs.log());
    fs.writeFileSync(path.join(RESULTS, 'browser-console-errors.txt'), wb.consoleErrors.join('\n'));
    if (process.env.E2E_KEEP) {
      log(`E2E_KEEP: code-server stays at ${cs.folderUrl(workspace)} — Ctrl+C to stop`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
    await wb.close();
    await cs.stop();
    await demo.stop();
  }
  const failed = results.filter((r) => !r.ok);
  console.log(
    '\n' +
      results
        .map((r) => `${r.ok ? 'PASS' : 'FAIL'}  ${r.scenario}. ${r.name}${r.ok ? '' : `\n        ${r.error}`}`)
        .join('\n'),
  );
  console.log(
    `\n${results.length - failed.length}/${results.length} steps passed in ${((Date.now() - tStart) / 1000).toFixed(1)} s; screenshots in ${rel(RESULTS)}/`,
  );
  if (failed.length && !exitCode) exitCode = 1;
  process.exit(exitCode);
}

main().catch(async (err) => {
  console.error(err instanceof Error ? err.stack : err);
  await cs?.stop().catch(() => undefined);
  await demo?.stop().catch(() => undefined);
  process.exit(2);
});
