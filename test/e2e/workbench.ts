// A small driver for the VS Code (1.139) web workbench served by code-server, on playwright-core and
// Debian's Chromium. Every wait is bounded; nothing sleeps to synchronise.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, Browser, BrowserContext, Locator, Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

const SIDEBAR = '#workbench\\.parts\\.sidebar';
const STATUSBAR = '#workbench\\.parts\\.statusbar';
const PANEL = '#workbench\\.parts\\.panel';
const QUICK_INPUT = '.quick-input-widget';

export interface WaitOpts {
  timeout?: number;
}

/** Polls `fn` until it returns a truthy value or `timeout` ms pass (then throws with `what`). */
export async function until<T>(
  fn: () => Promise<T> | T,
  what: string,
  timeout = 10_000,
  interval = 100,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? ` (last error: ${last.message.split('\n')[0]})` : '';
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${detail}`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

const clean = (s: string | null | undefined) => (s ?? '').replace(/\u00a0/g, ' ').trim();

export class Workbench {
  private shotIndex = 0;
  readonly consoleErrors: string[] = [];

  private constructor(
    readonly browser: Browser,
    readonly context: BrowserContext,
    readonly page: Page,
    readonly resultsDir: string,
  ) {
    page.on('console', (m) => {
      if (m.type() === 'error') this.consoleErrors.push(m.text());
    });
  }

  static async launch(resultsDir: string): Promise<Workbench> {
    fs.mkdirSync(resultsDir, { recursive: true });
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return new Workbench(browser, context, page, resultsDir);
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
  }

  /** Opens the workbench at `url` and waits until it is usable. */
  async open(url: string, timeout = 60_000): Promise<void> {
    await this.page.goto(url, { timeout });
    await this.page.locator('.monaco-workbench').waitFor({ timeout });
    await this.page.locator(STATUSBAR).waitFor({ timeout });
  }

  async screenshot(name: string): Promise<string> {
    this.shotIndex++;
    const file = path.join(this.resultsDir, `${String(this.shotIndex).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file }).catch(() => undefined);
    return file;
  }

  // ---- activity bar / views ----------------------------------------------------------------------

  activityIcon(title: string): Locator {
    return this.page.locator(`.activitybar .action-item .action-label[aria-label^="${title}"]`).first();
  }

  /** Shows the view container with this activity-bar title (without toggling it closed when already open). */
  async showViewContainer(title: string, timeout = 30_000): Promise<void> {
    const icon = this.activityIcon(title);
    await icon.waitFor({ timeout });
    const item = icon.locator('xpath=ancestor::li[contains(@class,"action-item")][1]');
    const checked = async () => /\bchecked\b/.test((await item.getAttribute('class')) ?? '');
    if (!(await checked())) await icon.click();
    await until(checked, `activity bar "${title}" to be active`, 5000);
    await this.page.locator(SIDEBAR).waitFor({ timeout: 5000 });
  }

  async sidebarText(): Promise<string> {
    return clean(
      await this.page
        .locator(SIDEBAR)
        .innerText()
        .catch(() => ''),
    );
  }

  /** Text of the welcome content in the side bar (empty when there is none). */
  async welcomeText(): Promise<string> {
    const w = this.page.locator(`${SIDEBAR} .welcome-view-content`);
    if ((await w.count()) === 0) return '';
    return clean(await w.first().innerText());
  }

  // ---- tree --------------------------------------------------------------------------------------

  rows(): Locator {
    return this.page.locator(`${SIDEBAR} .monaco-list-row`);
  }

  /** aria-labels of the rendered tree rows (label + description), top to bottom. */
  async rowLabels(): Promise<string[]> {
    return this.rows().evaluateAll((els) =>
      els
        .map((e) => ({
          top: parseFloat((e as HTMLElement).style.top || '0'),
          label: e.getAttribute('aria-label') ?? '',
        }))
        .sort((a, b) => a.top - b.top)
        .map((r) => r.label.replace(/\u00a0/g, ' ')),
    );
  }

  /** Rendered rows: aria-label, visible text ("label description"), level, expansion state. */
  async rowInfo(): Promise<Array<{ label: string; level: number; expanded: boolean | null; text: string }>> {
    return this.rows().evaluateAll((els) =>
      els
        .map((e) => {
          const h = e as HTMLElement;
          const exp = e.getAttribute('aria-expanded');
          return {
            top: parseFloat(h.style.top || '0'),
            label: (e.getAttribute('aria-label') ?? '').replace(/\u00a0/g, ' '),
            level: Number(e.getAttribute('aria-level') ?? 0),
            expanded: exp === null ? null : exp === 'true',
            text:
              [h.querySelector('.label-name'), h.querySelector('.label-description')]
                .map((x) =>
                  ((x as HTMLElement | null)?.innerText ?? '')
                    .replace(/\u00a0/g, ' ')
                    .replace(/\s+/g, ' ')
                    .trim(),
                )
                .filter(Boolean)
                .join(' ') ||
              (h.innerText ?? '')
                .replace(/\u00a0/g, ' ')
                .replace(/\s+/g, ' ')
                .trim(),
          };
        })
        .sort((a, b) => a.top - b.top)
        .map(({ top: _top, ...r }) => r),
    );
  }

  /** Waits for a rendered row whose aria-label (or visible text) matches, and returns its locator. */
  async waitForRow(match: RegExp, timeout = 10_000): Promise<Locator> {
    let seen: string[] = [];
    const label = await until(
      async () => {
        const rows = await this.rowInfo();
        seen = rows.map(
          (r) =>
            `${'  '.repeat(Math.max(0, r.level - 1))}${r.expanded === null ? '' : r.expanded ? 'v ' : '> '}${r.text}`,
        );
        return rows.find((r) => match.test(r.label) || match.test(r.text))?.label;
      },
      `a tree row matching ${match}`,
      timeout,
    ).catch((err: Error) => {
      // Say what the tree showed: a failure on a CI machine leaves no screenshot to look at.
      throw new Error(
        `${err.message}; rows shown: ${seen.length ? seen.slice(0, 40).join(' | ') : '(none)'}${seen.length > 40 ? ` | … ${seen.length - 40} more` : ''}`,
      );
    });
    return this.row(label);
  }

  row(label: string): Locator {
    return this.page.locator(`${SIDEBAR} .monaco-list-row[aria-label="${cssEscape(label)}"]`).first();
  }

  /** Expands the row (first match) if it is collapsed; waits until it reports expanded. */
  async expand(match: RegExp, timeout = 10_000): Promise<Locator> {
    // The row is found again on every try: its label (a countdown, a count) may change between two looks.
    return until(
      async () => {
        const row = await this.waitForRow(match, timeout);
        if ((await row.getAttribute('aria-expanded', { timeout: 2000 })) === 'true') return row;
        await row.locator('.monaco-tl-twistie').click({ timeout: 2000 });
        const expanded = await until(
          async () => (await row.getAttribute('aria-expanded', { timeout: 1000 })) === 'true',
          `row ${match} to expand`,
          3000,
        );
        return expanded ? row : undefined;
      },
      `row ${match} to expand`,
      timeout + 5000,
    );
  }

  async collapse(match: RegExp, timeout = 10_000): Promise<void> {
    const row = await this.waitForRow(match, timeout);
    if ((await row.getAttribute('aria-expanded')) === 'true') {
      await row.locator('.monaco-tl-twistie').click();
      await until(async () => (await row.getAttribute('aria-expanded')) === 'false', `row ${match} to collapse`, 5000);
    }
  }

  /** Collapses the first rendered row matching, if there is one. */
  async collapseIfShown(match: RegExp): Promise<void> {
    if ((await this.rowInfo()).some((r) => match.test(r.text) || match.test(r.label))) await this.collapse(match, 2000);
  }

  /** Clicks one of a row's inline actions (shown on hover) by its title. */
  async rowAction(match: RegExp, title: string, timeout = 10_000): Promise<void> {
    await until(
      async () => {
        const row = await this.waitForRow(match, timeout);
        await row.hover({ timeout: 2000 });
        await row
          .locator(`.action-label[aria-label^="${cssEscape(title)}"]`)
          .first()
          .click({ timeout: 2000 });
        return true;
      },
      `the "${title}" action on row ${match}`,
      timeout,
    );
  }

  /** Collapses every expanded top-level row (a connection) that does not match `keep`: frees the view for it. */
  async collapseOtherConnections(keep: RegExp): Promise<void> {
    for (const r of await this.rowInfo()) {
      if (r.level === 1 && r.expanded === true && !keep.test(r.text) && !keep.test(r.label))
        await this.collapse(new RegExp(`^${escapeRe(r.text)}$`), 2000);
    }
  }

  /** Scrolls the side bar tree until a row matches (bounded by `timeout`). */
  async scrollToRow(match: RegExp, timeout = 15_000): Promise<string> {
    const list = this.page.locator(`${SIDEBAR} .monaco-list`).first();
    const box = await list.boundingBox();
    return until(
      async () => {
        const hit = (await this.rowInfo()).find((r) => match.test(r.label) || match.test(r.text));
        if (hit) return hit.label;
        if (box) {
          await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
          await this.page.mouse.wheel(0, box.height * 0.8);
        }
        return undefined;
      },
      `a tree row matching ${match} (scrolling)`,
      timeout,
      150,
    );
  }

  // ---- status bar / notifications / output --------------------------------------------------------

  /** Texts of the status bar items (aria-label or text). */
  async statusItems(): Promise<string[]> {
    return this.page
      .locator(`${STATUSBAR} .statusbar-item`)
      .evaluateAll((els) =>
        els.map((e) =>
          ((e as HTMLElement).innerText || e.getAttribute('aria-label') || '').replace(/\u00a0/g, ' ').trim(),
        ),
      );
  }

  /** Text of the first status bar item matching `match` (e.g. /DDP/), or undefined. */
  async statusText(match: RegExp): Promise<string | undefined> {
    return (await this.statusItems()).find((t) => match.test(t));
  }

  async waitForStatus(item: RegExp, state: RegExp, timeout = 10_000): Promise<string> {
    return until(
      async () => {
        const t = await this.statusText(item);
        return t && state.test(t) ? t : undefined;
      },
      `status bar item ${item} to match ${state} (now: ${JSON.stringify(await this.statusText(item))})`,
      timeout,
    );
  }

  async notifications(): Promise<string[]> {
    return this.page
      .locator('.notifications-toasts .notification-list-item-message')
      .evaluateAll((els) => els.map((e) => ((e as HTMLElement).innerText || '').replace(/\u00a0/g, ' ').trim()));
  }

  async waitForNotification(match: RegExp, timeout = 10_000): Promise<string> {
    return until(
      async () => (await this.notifications()).find((t) => match.test(t)),
      `a notification matching ${match}`,
      timeout,
    );
  }

  /** Every link rendered inside notification toasts: its text and href (a server must never make one). */
  async notificationLinks(): Promise<Array<{ text: string; href: string }>> {
    return this.page.locator('.notifications-toasts .notification-list-item-message a').evaluateAll((els) =>
      els.map((e) => ({
        text: (e as HTMLElement).innerText,
        href: e.getAttribute('href') ?? (e as HTMLElement).dataset.href ?? '',
      })),
    );
  }

  /** The buttons of the toast whose message matches. */
  async notificationButtons(match: RegExp): Promise<string[]> {
    const items = this.page.locator('.notifications-toasts .notification-list-item');
    const n = await items.count();
    for (let i = 0; i < n; i++) {
      const item = items.nth(i);
      const text = clean(
        await item
          .locator('.notification-list-item-message')
          .innerText()
          .catch(() => ''),
      );
      if (match.test(text)) {
        return item
          .locator('.notification-list-item-buttons-container .monaco-button')
          .evaluateAll((els) => els.map((e) => ((e as HTMLElement).innerText || '').trim()));
      }
    }
    return [];
  }

  /** Clicks the button `label` of the toast whose message matches. */
  async clickNotificationButton(match: RegExp, label: string): Promise<void> {
    const item = this.page
      .locator('.notifications-toasts .notification-list-item')
      .filter({ has: this.page.locator('.notification-list-item-message', { hasText: match }) })
      .first();
    await item
      .locator('.notification-list-item-buttons-container .monaco-button', { hasText: label })
      .first()
      .click({ timeout: 5000 });
  }

  /** The message of the modal dialog on screen ('' when there is none). */
  async dialogText(): Promise<string> {
    const box = this.page.locator('.monaco-dialog-box');
    if (
      (await box.count()) === 0 ||
      !(await box
        .first()
        .isVisible()
        .catch(() => false))
    )
      return '';
    return clean(
      await box
        .first()
        .innerText()
        .catch(() => ''),
    );
  }

  /** Clicks the modal dialog's button with this label, and waits for the dialog to close. */
  async dialogButton(label: string): Promise<void> {
    await this.page.locator('.monaco-dialog-box .dialog-buttons .monaco-button', { hasText: label }).first().click();
    await until(async () => (await this.dialogText()) === '', 'the dialog to close', 5000);
  }

  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications').catch(() => undefined);
  }

  /** Visible text of the editor in the panel (the Output view), lines joined with \n. */
  async outputText(): Promise<string> {
    return this.visibleLines(`${PANEL} .view-lines .view-line`);
  }

  /** Visible text of the active editor, lines joined with \n. */
  async editorText(): Promise<string> {
    return this.visibleLines('#workbench\\.parts\\.editor .editor-instance .view-lines .view-line');
  }

  /** Monaco renders lines out of order (absolutely placed): sorted by their top, non-breaking spaces as spaces. */
  private async visibleLines(selector: string): Promise<string> {
    const lines = this.page.locator(selector);
    return lines.evaluateAll((els) =>
      els
        .map((e) => ({ top: parseFloat((e as HTMLElement).style.top || '0'), t: (e as HTMLElement).innerText }))
        .sort((a, b) => a.top - b.top)
        .map((l) => l.t.replace(/\u00a0/g, ' '))
        .join('\n'),
    );
  }

  /** Shows an output channel by name through "Output: Show Output Channels...". */
  async showOutputChannel(name: string): Promise<void> {
    await this.runCommand('Output: Show Output Channels...');
    await this.pickItem(new RegExp(`^${escapeRe(name)}$`));
    await this.page.locator(`${PANEL} .view-lines`).first().waitFor({ timeout: 10_000 });
  }

  /**
   * Waits until the visible output matches. Output lines may be soft-wrapped, so `match` is tried on the text with
   * every run of white space (line breaks included) collapsed to one space.
   */
  async waitForOutput(match: RegExp, timeout = 10_000): Promise<string> {
    return until(
      async () => {
        const t = (await this.outputText()).replace(/\s+/g, ' ');
        return match.test(t) ? t : undefined;
      },
      `output matching ${match}`,
      timeout,
    );
  }

  // ---- command palette and quick input -----------------------------------------------------------

  quickInput(): Locator {
    return this.page.locator(QUICK_INPUT);
  }

  quickInputBox(): Locator {
    return this.page.locator(`${QUICK_INPUT} .quick-input-box input`).first();
  }

  async quickInputVisible(): Promise<boolean> {
    return this.quickInput()
      .isVisible()
      .catch(() => false);
  }

  /** Runs a command by its palette title (e.g. "DDP: Connect to Server..."). */
  async runCommand(title: string, timeout = 20_000): Promise<void> {
    if (await this.quickInputVisible()) await this.page.keyboard.press('Escape');
    await until(async () => !(await this.quickInputVisible()), 'the quick input to close', 3000);
    await this.page
      .locator('.monaco-workbench')
      .click({ position: { x: 700, y: 10 } })
      .catch(() => undefined);
    await this.page.keyboard.press('F1');
    const box = this.quickInputBox();
    await box.waitFor({ state: 'visible', timeout: 15_000 });
    await box.fill(`>${title}`);
    const rowSel = `${QUICK_INPUT} .quick-input-list .monaco-list-row`;
    const labelOf = async (row: Locator) =>
      clean(
        await row
          .locator('.label-name, .monaco-highlighted-label')
          .first()
          .innerText()
          .catch(() => ''),
      );
    // Titles may share a prefix ("Subscribe..." and "Subscribe to Stream..."): the palette can rank the longer one
    // first, so the row whose label is exactly the title is the one run, focused or not.
    let exact: Locator | undefined;
    await until(
      async () => {
        const rows = this.page.locator(rowSel);
        const n = await rows.count();
        for (let i = 0; i < n; i++) {
          const row = rows.nth(i);
          if ((await labelOf(row)) === title) {
            exact = row;
            return true;
          }
        }
        const first = this.page.locator(`${rowSel}.focused`).first();
        if ((await first.count()) === 0) return false;
        return clean(await first.innerText()).startsWith(title);
      },
      `command "${title}" in the palette`,
      timeout,
    );
    if (exact && !(await exact.evaluate((el) => el.classList.contains('focused')).catch(() => false))) {
      await exact.click();
      return;
    }
    await this.page.keyboard.press('Enter');
  }

  /** Waits for an input box (not the palette) to be showing, optionally with a prompt/title/placeholder matching. */
  async waitForInputBox(prompt?: RegExp, timeout = 10_000): Promise<void> {
    await until(
      async () => {
        if (!(await this.quickInputVisible())) return false;
        const value = await this.quickInputBox()
          .inputValue()
          .catch(() => '>');
        if (value.startsWith('>')) return false;
        if (!prompt) return true;
        const text = await this.quickInputDescription();
        return prompt.test(text);
      },
      `an input box${prompt ? ` matching ${prompt}` : ''} (showing: ${JSON.stringify(await this.quickInputDescription())})`,
      timeout,
    );
  }

  /** Title, placeholder and message of the quick input, joined (for matching prompts). */
  async quickInputDescription(): Promise<string> {
    const parts = await Promise.all([
      this.page
        .locator(`${QUICK_INPUT} .quick-input-title`)
        .first()
        .innerText()
        .catch(() => ''),
      this.quickInputBox()
        .getAttribute('placeholder')
        .catch(() => ''),
      this.page
        .locator(`${QUICK_INPUT} .quick-input-message`)
        .first()
        .innerText()
        .catch(() => ''),
    ]);
    return parts.map(clean).filter(Boolean).join(' | ');
  }

  async quickInputMessage(): Promise<string> {
    return clean(
      await this.page
        .locator(`${QUICK_INPUT} .quick-input-message`)
        .first()
        .innerText()
        .catch(() => ''),
    );
  }

  /** Types into the current input box (replacing its value) and, by default, presses Enter. */
  async answer(text: string, enter = true): Promise<void> {
    const box = this.quickInputBox();
    await box.fill(text);
    if (enter) await this.page.keyboard.press('Enter');
  }

  /**
   * Answers the current input box / quick pick with `text` + Enter, and waits until it was taken: the widget closed
   * or moved on to the next question (another value or prompt).
   */
  async submit(text: string, timeout = 10_000): Promise<void> {
    const before = await this.quickInputDescription();
    await this.answer(text);
    await until(
      async () => {
        if (!(await this.quickInputVisible())) return true;
        const v = await this.quickInputBox()
          .inputValue()
          .catch(() => '');
        return v !== text || (await this.quickInputDescription()) !== before;
      },
      `"${text}" to be accepted (showing: ${JSON.stringify(before)})`,
      timeout,
    );
  }

  /** Picks the quick pick item whose label matches (types `filter` first when given). */
  async pickItem(match: RegExp, filter?: string, timeout = 10_000): Promise<void> {
    if (filter !== undefined) await this.quickInputBox().fill(filter);
    const rows = this.page.locator(`${QUICK_INPUT} .quick-input-list .monaco-list-row`);
    // The list can re-render between a look and a click (Go to File's search results arriving reorder it): the row is
    // looked at again just before the click, and a click that finds no row tries again.
    await until(
      async () => {
        const labels = await rows.evaluateAll((els) =>
          els.map((e) =>
            (((e.querySelector('.label-name') as HTMLElement | null)?.innerText ?? (e as HTMLElement).innerText) || '')
              .replace(/\u00a0/g, ' ')
              .trim(),
          ),
        );
        const i = labels.findIndex((l) => match.test(l));
        if (i < 0) return false;
        const row = rows.nth(i);
        const now = await row
          .evaluate(
            (e) =>
              (
                ((e.querySelector('.label-name') as HTMLElement | null)?.innerText ?? (e as HTMLElement).innerText) ||
                ''
              )
                .replace(/\u00a0/g, ' ')
                .trim(),
            undefined,
            { timeout: 1000 },
          )
          .catch(() => '');
        if (!match.test(now)) return false;
        return row.click({ timeout: 2000 }).then(
          () => true,
          () => false,
        );
      },
      `a quick pick item matching ${match}`,
      timeout,
    );
  }

  async quickPickLabels(): Promise<string[]> {
    return this.page.locator(`${QUICK_INPUT} .quick-input-list .monaco-list-row`).evaluateAll((els) =>
      els.map((e) =>
        ((e as HTMLElement).innerText || '')
          .replace(/\u00a0/g, ' ')
          .replace(/\s+/g, ' ')
          .trim(),
      ),
    );
  }

  async escape(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await until(async () => !(await this.quickInputVisible()), 'the quick input to close', 3000);
  }
}

function cssEscape(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}
export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
