// End-to-end steps for safety on production (issue 15), run by test/e2e/run.ts as scenario 17
// (`E2E_ONLY=17 npm run test:e2e`): a saved connection "PRODUCTION" to the demo server with `confirm: "writes"` and
// `color: "red"`, set in the workspace's settings; Call Method math.add asks a modal first, Cancel sends nothing,
// Call sends it (5 in the DDP log); then `readOnly: true` refuses the call outright.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DemoServer } from '../demo/server';
import { type Workbench, until } from './workbench';

export interface SafetyHarness {
  wb: Workbench;
  demo: DemoServer;
  workspace: string;
  step(scenario: number, name: string, fn: () => Promise<string | void>): Promise<boolean>;
}

const PROD = /^PRODUCTION\b/;

/** Sets ddpExplorer.connections in the workspace's .vscode/settings.json, keeping its other settings. */
function setConnections(workspace: string, connections: unknown[]): void {
  const file = path.join(workspace, '.vscode', 'settings.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let settings: Record<string, unknown> = {};
  try {
    settings = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    /* none yet */
  }
  settings['ddpExplorer.connections'] = connections;
  fs.writeFileSync(file, JSON.stringify(settings, null, 2));
}

export async function safetyScenario(h: SafetyHarness, n: number): Promise<void> {
  // The workspace is kept between runs and shared with the other scenarios: leave its settings as they were.
  const file = path.join(h.workspace, '.vscode', 'settings.json');
  const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  try {
    await steps(h, n);
  } finally {
    if (before === undefined) fs.rmSync(file, { force: true });
    else fs.writeFileSync(file, before);
  }
}

async function steps(h: SafetyHarness, n: number): Promise<void> {
  const { wb, demo, workspace } = h;
  const adds = () => demo.calls.filter((c) => c.method === 'math.add').length;
  const production = { name: 'PRODUCTION', url: demo.url, color: 'red', confirm: 'writes' };

  /** Call Method on PRODUCTION with math.add [2, 3], up to the point where the connection answers. */
  const callAdd = async () => {
    await wb.runCommand('DDP: Call Method...');
    // Scenario 1's connection is open too, so the command asks which connection first (the palette's own list may
    // still be on screen for a moment: wait for the connections).
    await wb.pickItem(PROD, undefined, 15_000);
    await wb.waitForInputBox(undefined, 15_000);
    await wb.submit('math.add');
    await wb.waitForInputBox(undefined, 15_000);
    await wb.submit('[2, 3]');
  };
  const question = () =>
    until(
      async () => {
        const t = await wb.dialogText();
        return /Call math\.add on PRODUCTION\?/.test(t) ? t : undefined;
      },
      'the confirmation "Call math.add on PRODUCTION?"',
      10_000,
    );

  await h.step(n, 'A confirm: "writes" connection set in the settings shows its guard and connects', async () => {
    setConnections(workspace, [production]);
    await wb.collapseIfShown(/^127\.0\.0\.1:/);
    await wb.waitForRow(/^PRODUCTION\b.*confirms writes/, 20_000);
    await wb.runCommand('DDP: Connect to Server...');
    await wb.waitForInputBox(undefined, 15_000);
    await wb.submit(demo.url);
    await wb.waitForRow(/^PRODUCTION\b.*connected.*confirms writes/i, 20_000);
    // A fresh locator by the row's label: the row re-renders as its description changes.
    const info = (await wb.rowInfo()).find((r) => PROD.test(r.label) || PROD.test(r.text));
    if (!info) throw new Error('the PRODUCTION row went away');
    const row = wb.row(info.label);
    // The row's icon wears the connection's colour: a ThemeColor renders as a CSS variable on the codicon.
    const { colors, red } = await row.locator('[class*="codicon-"]').evaluateAll((els) => {
      const probe = document.createElement('span');
      probe.style.color = 'var(--vscode-charts-red)';
      // The theme's variables are set on the workbench, not on <body>: probe inside the row.
      (els[0]?.parentElement ?? document.body).appendChild(probe);
      const red = getComputedStyle(probe).color;
      probe.remove();
      return { colors: els.map((e) => getComputedStyle(e).color), red };
    });
    if (!colors.includes(red)) throw new Error(`the row's icon is not charts.red (${red}): ${JSON.stringify(colors)}`);
    return `row: ${info.text}; icon colour ${red}`;
  });

  await h.step(n, 'Call Method math.add asks "Call math.add on PRODUCTION?"; Cancel sends nothing', async () => {
    const before = adds();
    await wb.showOutputChannel('DDP');
    await callAdd();
    const text = await question();
    await wb.dialogButton('Cancel');
    await wb.waitForOutput(/Not sent: call of math\.add \(not confirmed\)/, 10_000);
    if (adds() !== before) throw new Error('math.add reached the server after Cancel');
    return `dialog: "${text.replace(/\s+/g, ' ').slice(0, 160)}"; server calls unchanged (${before})`;
  });

  await h.step(n, 'The same call, confirmed with Call, reaches the server: math.add → 5 in the DDP log', async () => {
    const before = adds();
    await callAdd();
    await question();
    await wb.dialogButton('Call');
    await until(() => adds() === before + 1, 'math.add to reach the server', 10_000);
    await wb.showOutputChannel('DDP');
    const out = await wb.waitForOutput(/\[PRODUCTION\] math\.add → 5/, 10_000);
    return (out.match(/\[PRODUCTION\] math\.add → 5[^\n]*/) ?? [''])[0];
  });

  await h.step(n, 'readOnly: true refuses the call outright: a plain notification, nothing sent', async () => {
    setConnections(workspace, [{ ...production, readOnly: true }]);
    await wb.waitForRow(/^PRODUCTION\b.*read-only/, 20_000);
    await wb.clearNotifications();
    const before = adds();
    await callAdd();
    const text = await wb.waitForNotification(/"PRODUCTION" is read-only: math\.add was not called/, 10_000);
    if ((await wb.dialogText()) !== '') throw new Error('a confirmation was asked on a read-only connection');
    if (adds() !== before) throw new Error('math.add reached the server on a read-only connection');
    return `notification: "${text}"`;
  });
}
