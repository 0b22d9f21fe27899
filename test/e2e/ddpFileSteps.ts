// E2E steps for .ddp files (issue 14): open examples/demo.ddp (copied into the workspace, pointed at the demo
// server), click "Run" above a request and see the response beside it with a passed assertion, then run the whole
// file from the Testing view.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DemoServer } from '../demo/server';
import { REPO } from '../tooling/codeserver';
import { Workbench, until } from './workbench';

export interface DdpFileHarness {
  wb: Workbench;
  demo: DemoServer;
  workspace: string;
  resultsDir: string;
  step(scenario: number, name: string, fn: () => Promise<string | void>): Promise<boolean>;
}

const clean = (s: string) => s.replace(/\u00a0/g, ' ');

/** Puts demo.ddp (with the demo server's URL) and its .env into the workspace. */
export function writeDdpFiles(workspace: string, demoUrl: string): void {
  const text = fs
    .readFileSync(path.join(REPO, 'examples', 'demo.ddp'), 'utf8')
    .replace(/^@url = .*$/m, `@url = ${demoUrl}`);
  fs.writeFileSync(path.join(workspace, 'demo.ddp'), text);
  fs.copyFileSync(path.join(REPO, 'examples', '.env'), path.join(workspace, '.env'));
}

/** The labels of every editor tab, joined. */
async function tabTexts(wb: Workbench): Promise<string> {
  const labels = await wb.page
    .locator('[role="tab"]')
    .evaluateAll((els) => els.map((e) => `${e.getAttribute('aria-label') ?? ''} ${(e as HTMLElement).innerText}`))
    .catch(() => [] as string[]);
  return clean([await wb.page.title().catch(() => ''), ...labels].join(' | '));
}

/** Text of every visible editor, top to bottom. */
async function editorsText(wb: Workbench): Promise<string> {
  const texts = await wb.page
    .locator('.editor-instance .monaco-editor .view-lines')
    .allInnerTexts()
    .catch(() => [] as string[]);
  return clean(texts.join('\n----\n'));
}

export async function ddpFileScenario(h: DdpFileHarness, n = 14): Promise<void> {
  const { wb, demo } = h;
  await h.step(n, '.ddp: open demo.ddp; CodeLens "Run All" and "Run" appear', async () => {
    await wb.runCommand('Go to File...');
    await wb.pickItem(/^demo\.ddp/, 'demo.ddp', 15_000);
    await until(async () => /demo\.ddp/.test(await tabTexts(wb)), 'the demo.ddp tab', 10_000);
    const lenses = await until(
      async () => {
        const t = await wb.page.locator('.codelens-decoration').allInnerTexts();
        return t.some((x) => /Run All/.test(x)) && t.some((x) => /^\s*\S*\s*Run\s*$/.test(clean(x))) ? t : undefined;
      },
      'the Run All and Run CodeLenses',
      30_000,
    );
    return `${lenses.length} CodeLenses`;
  });
  await h.step(
    n,
    '.ddp: click "Run" on "Add two numbers"; the response shows the result and a passed assertion',
    async () => {
      const calls = demo.calls.length;
      // The Run lens sits just above its request's ### line: pick the lens closest above that line.
      const line = wb.page.locator('.editor-instance .view-line', { hasText: '### Add two numbers' }).first();
      await line.waitFor({ timeout: 10_000 });
      const lineBox = (await line.boundingBox())!;
      const lenses = wb.page.locator('.codelens-decoration a', { hasText: /^\W*Run$/ });
      const boxes = await lenses.evaluateAll((els) =>
        els.map((e) => ({ y: e.getBoundingClientRect().top, text: (e as HTMLElement).innerText })),
      );
      let best = -1;
      boxes.forEach((b, i) => {
        if (b.y < lineBox.y && (best < 0 || b.y > boxes[best].y)) best = i;
      });
      if (best < 0) throw new Error(`no Run lens above "### Add two numbers" (lenses: ${JSON.stringify(boxes)})`);
      await lenses.nth(best).click();
      await until(
        () => demo.calls.slice(calls).some((c) => c.method === 'math.add'),
        'math.add to reach the server',
        15_000,
      );
      const text = await until(
        async () => {
          const t = await editorsText(wb);
          return /✓ result == 5/.test(t) && /PASSED/.test(t) ? t : undefined;
        },
        'the response view with "✓ result == 5"',
        15_000,
      );
      if (!/DDP Response/.test(await tabTexts(wb)))
        throw new Error(`no "DDP Response" tab (tabs: ${await tabTexts(wb)})`);
      const sent = demo.calls.slice(calls).map((c) => c.method);
      if (sent.join() !== 'math.add') throw new Error(`Run sent ${JSON.stringify(sent)}, expected only math.add`);
      const shot = path.join(h.resultsDir, 'ddp-files.png');
      await wb.page.screenshot({ path: shot });
      if (process.env.E2E_UPDATE_SCREENSHOT) fs.copyFileSync(shot, path.join(REPO, 'media', 'ddp-files.png'));
      return text
        .split('\n')
        .find((l) => /✓ result == 5/.test(l))
        ?.trim();
    },
  );
  await h.step(n, '.ddp: run the file from the Testing view; every request passes', async () => {
    const calls = demo.calls.length;
    await wb.showViewContainer('Testing', 30_000);
    await until(async () => /demo\.ddp/.test(await wb.sidebarText()), 'demo.ddp in the Test Explorer', 30_000);
    await wb.runCommand('Test: Run All Tests');
    await until(
      () => demo.calls.slice(calls).filter((c) => c.method === 'whoami').length >= 2,
      'the whole file to run (both whoami calls)',
      30_000,
    );
    // Expand the file's item and read the outcome of each request from the rows' labels.
    const labels = await until(
      async () => {
        const rows = await wb.page
          .locator('#workbench\\.parts\\.sidebar .monaco-list-row')
          .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
        const file = rows.find((l) => /demo\.ddp/.test(l));
        return file && /passed/i.test(file) ? rows : undefined;
      },
      'demo.ddp marked passed in the Test Explorer',
      30_000,
    );
    if (labels.some((l) => /failed|errored/i.test(l))) throw new Error(`failed items: ${JSON.stringify(labels)}`);
    return labels
      .filter((l) => /demo\.ddp/.test(l))
      .join(' | ')
      .slice(0, 160);
  });
}
