// End-to-end steps for editing documents through Meteor (issue 16), run by test/e2e/run.ts as scenario 19
// (`E2E_ONLY=1,19 npm run test:e2e`). They need scenario 1's connection to the demo server.
import type { DemoServer } from '../demo/server';
import { DEMO_USER } from '../demo/server';
import { type Workbench, escapeRe, until } from './workbench';

export interface EditHarness {
  wb: Workbench;
  demo: DemoServer;
  step(name: string, fn: () => Promise<string | void>): Promise<boolean>;
}

export async function editScenario(h: EditHarness): Promise<void> {
  const { wb, demo } = h;
  const host = new URL(demo.url).host;
  const id = 'task-5';
  const tab = `${id} (${host}).jsonc`;
  const pickConnection = () => wb.pickItem(new RegExp(`^${escapeRe(host)}\\b`), undefined, 3000).catch(() => undefined);
  /** Is the document's tab marked dirty (unsaved changes)? */
  const tabDirty = () =>
    wb.page
      .locator('.tabs-container .tab')
      .evaluateAll(
        (els, name) =>
          els.some(
            (e) => (e.textContent ?? '').replace(/\u00a0/g, ' ').includes(name) && e.classList.contains('dirty'),
          ),
        tab,
      );
  /** Selects the first match of `word` in the editor (Find, then close the widget: the match stays selected). */
  const select = async (word: string) => {
    await wb.page.locator('#workbench\\.parts\\.editor .editor-instance .view-lines').first().click();
    await wb.page.keyboard.press('Control+f');
    const find = wb.page.locator('.find-widget textarea, .find-widget input').first();
    await find.waitFor({ state: 'visible', timeout: 15_000 });
    await find.fill(word);
    await until(
      async () =>
        /1 of/.test(
          await wb.page
            .locator('.find-widget .matchesCount')
            .first()
            .innerText()
            .catch(() => ''),
        ),
      `"${word}" found in the editor`,
      15_000,
    );
    // Escape closes the widget and leaves the match selected in the editor (which then has the focus).
    await until(
      async () => {
        await find.press('Escape').catch(() => undefined);
        return (await wb.page.locator('.find-widget.visible').count()) === 0;
      },
      'the find widget to close',
      15_000,
    );
  };

  await h.step('Logged in as the demo user, a task edited in the editor and saved shows in the tree', async () => {
    if (!demo.subscriptions.some((x) => x.name === 'tasks')) {
      await wb.runCommand('DDP: Subscribe...');
      await pickConnection();
      await wb.waitForInputBox(undefined, 15_000);
      await wb.submit('tasks');
      await wb.waitForInputBox(undefined, 15_000);
      await wb.submit('');
    }
    await wb.runCommand('DDP: Log In...');
    await pickConnection();
    await wb.waitForInputBox(/User name/i, 15_000);
    await wb.submit(DEMO_USER.username);
    await wb.waitForInputBox(/Password/i, 15_000);
    await wb.submit(DEMO_USER.password);
    await wb.waitForRow(new RegExp(`${escapeRe(host)}.*user ${escapeRe(DEMO_USER.id)}`), 15_000);

    await wb.runCommand('DDP: Open Document');
    await pickConnection();
    await wb.pickItem(/^tasks$/);
    await wb.pickItem(new RegExp(`^${escapeRe(id)}$`), id);
    await until(async () => /Update dependencies/.test(await wb.editorText()), 'the task in the editor', 10_000);
    await select('dependencies');
    await wb.page.keyboard.type('libraries');
    await until(() => tabDirty(), 'the tab to be dirty after typing', 15_000);
    await wb.clearNotifications();
    await wb.page.keyboard.press('Control+s');
    const note = await wb.waitForNotification(/\/tasks\/update "task-5" → 1/, 15_000);
    await until(
      async () => demo.data.tasks.get(id)?.title === 'Update libraries',
      'the server to have the new title',
      10_000,
    );
    await wb.expand(/^Collections/).catch(() => undefined);
    await wb.expand(/^tasks\b.*documents?/).catch(() => undefined);
    await wb.scrollToRow(new RegExp(`^${escapeRe(id)}\\b.*Update libraries`), 15_000);
    await until(async () => !(await tabDirty()), 'the editor to be saved (not dirty)', 10_000);
    await until(
      async () => /Update libraries/.test(await wb.editorText()),
      'the published document in the editor',
      10_000,
    );
    return `notification: "${note}"; tree row shows "Update libraries"`;
  });

  await h.step('Logged out, a save is refused: the reason in a notification, the editor stays dirty', async () => {
    await wb.runCommand('DDP: Log Out');
    await pickConnection();
    await until(
      async () => !(await wb.rowLabels()).some((l) => l.includes(`user ${DEMO_USER.id}`)),
      'the connection row without the user',
      15_000,
    );
    // Back to the document's editor (the tree has the focus now).
    await wb.page.locator('.tabs-container .tab', { hasText: id }).first().click();
    await select('libraries');
    await wb.page.keyboard.type('modules');
    await until(() => tabDirty(), 'the tab to be dirty after typing', 15_000);
    await wb.clearNotifications();
    await wb.page.keyboard.press('Control+s');
    const note = await wb.waitForNotification(/Access denied \[403\]/, 15_000);
    // The save failed: the editor keeps the user's text and stays dirty; the server kept its title.
    await until(() => tabDirty(), 'the editor to stay dirty', 15_000);
    if (!/Update modules/.test(await wb.editorText())) throw new Error('the editor lost the unsaved text');
    if (demo.data.tasks.get(id)?.title !== 'Update libraries') throw new Error('the server changed the task');
    // Leave a clean window for later scenarios.
    await wb.runCommand('File: Revert File');
    await until(async () => !(await tabDirty()), 'the editor to be reverted', 10_000);
    return `notification: "${note}"`;
  });
}
