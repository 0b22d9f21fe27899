// End-to-end steps for the DDP Inspector and the tap (issue 13), run by test/e2e/run.ts as scenario 13
// (`E2E_ONLY=13 npm run test:e2e`). They need scenario 1's connection to the demo server.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { DdpClient } from '../../src/ddp';
import type { DemoServer } from '../demo/server';
import { REPO } from '../tooling/codeserver';
import { type Workbench, until } from './workbench';

export interface InspectorHarness {
  wb: Workbench;
  demo: DemoServer;
  resultsDir: string;
  step(name: string, fn: () => Promise<string | void>): Promise<boolean>;
}

/** The inspector page of the webview panel whose title matches (webviews are two iframes deep). */
function inspectorFrame(wb: Workbench, index: number): FrameLocator {
  return wb.page
    .locator('iframe.webview.ready')
    .nth(index)
    .contentFrame()
    .locator('iframe#active-frame')
    .contentFrame();
}

/** Finds the inspector whose header title matches among the webviews on the page. */
async function findInspector(wb: Workbench, title: RegExp, timeout = 20_000): Promise<FrameLocator> {
  return until(
    async () => {
      const n = await wb.page.locator('iframe.webview.ready').count();
      for (let i = n - 1; i >= 0; i--) {
        const f = inspectorFrame(wb, i);
        const t = await f
          .locator('header .title')
          .innerText({ timeout: 500 })
          .catch(() => '');
        if (
          title.test(t) &&
          (await f
            .locator('header .title')
            .isVisible()
            .catch(() => false))
        )
          return f;
      }
      return undefined;
    },
    `an inspector titled ${title}`,
    timeout,
  );
}

const rowTexts = (f: FrameLocator) =>
  f
    .locator('.viewport .row:not([hidden])')
    .evaluateAll((els) => els.map((e) => [...e.children].map((c) => c.textContent ?? '').join(' | ')));

async function command(wb: Workbench, title: string, answers: string[]): Promise<void> {
  await wb.runCommand(title);
  for (const a of answers) {
    await wb.waitForInputBox(undefined, 15_000);
    await wb.submit(a);
  }
}

export async function inspectorScenario(h: InspectorHarness): Promise<void> {
  const { wb, demo } = h;
  let inspector: FrameLocator | undefined;
  const framesShown = async () =>
    Number(((await inspector!.locator('footer').innerText()).match(/^([\d,]+) frames/)?.[1] ?? '0').replace(/,/g, ''));

  await h.step("DDP: Open Inspector shows the connection's frames arriving live", async () => {
    await wb.runCommand('DDP: Open Inspector');
    // Earlier scenarios may leave other connections in the list (a failed first connect stays, marked failed): then
    // the command asks which one; pick the demo server's.
    const host = new URL(demo.url).host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await wb.pickItem(new RegExp(`^${host}\\b`), undefined, 3000).catch(() => undefined);
    inspector = await findInspector(wb, /127\.0\.0\.1/);
    await command(wb, 'DDP: Subscribe...', ['tasks', '']);
    await until(async () => (await framesShown()) > 0, 'frames in the inspector', 10_000);
    const first = await framesShown();
    // tasks changes every 1.5 s on the demo server: more frames must arrive without anything being done.
    const later = await until(
      async () => {
        const n = await framesShown();
        return n > first ? n : undefined;
      },
      'more frames to arrive live',
      10_000,
    );
    const rows = await rowTexts(inspector);
    if (!rows.some((r) => / ready /.test(r) && /← tasks/.test(r)))
      throw new Error(`no ready row linked to tasks: ${rows.slice(-5).join('\n')}`);
    return `${first} frames, then ${later}; the ready row names its subscription`;
  });

  let resultText = '';
  await h.step('Filter to method frames; math.add shows its result linked with the duration', async () => {
    await inspector!.locator('.chips button[data-type="method"]').click();
    await command(wb, 'DDP: Call Method...', ['math.add', '[2, 3]']);
    const row = await until(
      async () => (await rowTexts(inspector!)).find((r) => /math\.add/.test(r) && /→ result \d+ ms/.test(r)),
      'the math.add row with its result time',
      10_000,
    );
    const rows = await rowTexts(inspector!);
    if (rows.some((r) => !/\| method \|/.test(r))) throw new Error(`rows other than method shown: ${rows.join('\n')}`);
    await inspector!.locator('.viewport .row', { hasText: 'math.add' }).last().click();
    const linkButton = inspector!.locator('.detail-pane .partners button', { hasText: /^result #/ });
    await linkButton.first().waitFor({ timeout: 5000 });
    resultText = await inspector!.locator('.detail-pane pre').innerText();
    if (!/"method": "math.add"/.test(resultText)) throw new Error(`detail shows ${resultText}`);
    return row;
  });

  await h.step('Resend sends math.add again; its new result is linked too', async () => {
    const before = demo.calls.filter((c) => c.method === 'math.add').length;
    const rowsBefore = (await rowTexts(inspector!)).filter((r) => /math\.add/.test(r)).length;
    await inspector!.locator('.detail-pane button', { hasText: /^Resend$/ }).click();
    await until(
      () => demo.calls.filter((c) => c.method === 'math.add').length > before,
      'math.add to reach the server again',
      10_000,
    );
    const rows = await until(
      async () => {
        const r = (await rowTexts(inspector!)).filter((x) => /math\.add/.test(x));
        return r.length > rowsBefore && /→ result \d+ ms/.test(r[r.length - 1]) ? r : undefined;
      },
      'a second math.add row with its result',
      10_000,
    );
    await wb.clearNotifications();
    await wb.page.screenshot({ path: path.join(h.resultsDir, 'inspector.png') });
    if (process.env.E2E_UPDATE_SCREENSHOT)
      fs.copyFileSync(path.join(h.resultsDir, 'inspector.png'), path.join(REPO, 'media', 'inspector.png'));
    return rows[rows.length - 1];
  });

  await h.step('The timing view shows the subscription and both calls as bars with their times', async () => {
    await inspector!.locator('.filters button', { hasText: /^Timing$/ }).click();
    const spans = await until(
      async () => {
        const t = await inspector!
          .locator('.timing .span')
          .evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
        return t.filter((x) => /^method math\.add\d+ ms/.test(x)).length >= 2 &&
          t.some((x) => /^sub tasks\d+ ms/.test(x))
          ? t
          : undefined;
      },
      'bars for tasks and the two math.add calls',
      10_000,
    );
    await wb.screenshot('s13-timing-view');
    await inspector!.locator('.filters button', { hasText: /^Timing$/ }).click();
    return spans.join('; ');
  });

  await h.step(
    'A rate-limited Resend says the wait and offers Retry when it is over; Retry sends it again',
    async () => {
      await command(wb, 'DDP: Call Method...', ['limited', '']);
      await until(
        async () => (await rowTexts(inspector!)).find((r) => /\blimited\b/.test(r) && /→ result \d+ ms/.test(r)),
        'the limited row with its result',
        10_000,
      );
      await wb.clearNotifications();
      const calls = () => demo.calls.filter((c) => c.method === 'limited').length;
      const before = calls();
      await inspector!.locator('.viewport .row', { hasText: 'limited' }).last().click();
      await inspector!.locator('.detail-pane button', { hasText: /^Resend$/ }).click();
      const said = await wb.waitForNotification(/^limited was rate limited by the server: retry in \d s/, 10_000);
      const over = /^limited can be retried now/;
      await wb.waitForNotification(over, 10_000);
      await wb.clickNotificationButton(over, 'Retry');
      await until(() => calls() >= before + 2, 'the Retry to reach the server', 10_000);
      const results = await until(
        async () => {
          const rows = (await rowTexts(inspector!)).filter((r) => /\blimited\b/.test(r) && /→ result/.test(r));
          return rows.length >= 3 ? rows : undefined;
        },
        'three limited rows with results (the call, the refused resend, the retry)',
        10_000,
      );
      await wb.clearNotifications();
      return `${said}; then ${results.length} limited rows`;
    },
  );

  const exported = path.join(REPO, 'test-results', 'e2e-workspace', 'capture.jsonl');
  await h.step('Export the capture and open it again offline', async () => {
    fs.rmSync(exported, { force: true });
    await inspector!.locator('.chips button', { hasText: /^all/ }).click();
    await inspector!.locator('.filters button', { hasText: /^Export/ }).click();
    await wb.waitForInputBox(undefined, 10_000);
    await wb.submit(exported);
    await until(() => fs.existsSync(exported) && fs.statSync(exported).size > 0, 'the exported file', 10_000);
    const lines = fs.readFileSync(exported, 'utf8').trim().split('\n');
    if (!lines.some((l) => l.includes('math.add'))) throw new Error('math.add is not in the export');
    await wb.runCommand('DDP: Open Capture...');
    await wb.waitForInputBox(undefined, 10_000);
    // The simple file dialog fills in its folder a moment later; a path typed before that would be overwritten.
    await until(
      async () =>
        (
          await wb
            .quickInputBox()
            .inputValue()
            .catch(() => '')
        ).endsWith('/'),
      'the file dialog to show its folder',
      10_000,
    );
    await wb.submit(exported);
    const offline = await findInspector(wb, /capture\.jsonl/);
    const text = await until(
      async () => {
        const t = await offline.locator('footer').innerText();
        return new RegExp(`^${lines.length.toLocaleString('en-US')} frames`).test(t) ? t : undefined;
      },
      `the ${lines.length} exported frames in the offline inspector`,
      10_000,
    );
    return `${lines.length} frames exported and reopened: "${text}"`;
  });

  await h.step('DDP: Start Tap...; a plain DdpClient through it appears with its frames', async () => {
    await command(wb, 'DDP: Start Tap...', [demo.url, '']);
    const note = await wb.waitForNotification(/Tap listening on ws:\/\/127\.0\.0\.1:\d+\/websocket/, 10_000);
    const url = note.match(/ws:\/\/127\.0\.0\.1:\d+\/websocket/)![0];
    const client = new DdpClient(url, { autoReconnect: false });
    try {
      await client.connect();
      if ((await client.call('math.add', [20, 22])) !== 42) throw new Error('wrong answer through the tap');
      const row = wb.page.locator('.monaco-list-row', { hasText: /#1 127\.0\.0\.1:\d+/ }).first();
      await row.waitFor({ timeout: 10_000 });
      await row.click();
      const tapInspector = await findInspector(wb, /^tap #1$/);
      const rows = await until(
        async () => {
          const r = await rowTexts(tapInspector);
          return r.some((x) => /math\.add/.test(x) && /→ result \d+ ms/.test(x)) ? r : undefined;
        },
        'the tapped math.add with its result',
        10_000,
      );
      await wb.runCommand('DDP: Stop Tap');
      await until(() => client.status !== 'connected', "the tap to close the client's socket", 5000);
      return `${rows.length} rows through ${url}; stopping the tap closed the client (${client.status})`;
    } finally {
      client.close();
    }
  });
}
