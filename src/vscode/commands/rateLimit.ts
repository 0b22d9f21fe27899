// A request the server's rate limiter refused (Meteor's DDPRateLimiter, `too-many-requests`): say so with the wait,
// count it down in the status bar, and offer Retry once the wait is over. VS Code cannot enable a notification's
// button later, so the Retry comes in a second notification when the time is up (at once when the wait is unknown).
import * as vscode from 'vscode';
import { rateLimitedMessage, rateLimitOverMessage, rateLimitWait, retryIn } from '../../presentation/errorMessages';
import { forStatusBar } from '../../presentation/sanitize';
import type { Session } from '../../core/sessions';
import { showInfo, showWarning, type Masker } from './notify';

/** Open countdowns, ended on deactivation (no timer outlives the extension). */
const countdowns = new Set<() => void>();

export function disposeRateLimitCountdowns(): void {
  for (const stop of [...countdowns]) stop();
}

/**
 * When `err` is a rate limit: tells the user and resolves once they chose Retry (true) or not (false); the caller
 * then repeats the request. Undefined at once when `err` is no rate limit.
 */
export function rateLimited(log: Masker, what: string, err: unknown): Promise<boolean> | undefined {
  const wait = rateLimitWait(err);
  if (wait === undefined) return undefined;
  const retry = 'Retry';
  if (wait === null || wait === 0) {
    return Promise.resolve(showWarning(log, rateLimitedMessage(what, wait), retry)).then((c) => c === retry);
  }
  void showWarning(log, rateLimitedMessage(what, wait));
  return new Promise<boolean>((resolve) => {
    const end = Date.now() + wait;
    const item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 49);
    // The icon is ours; the request's name is text (codicons escaped).
    const render = () => {
      item.text = `$(watch) ${forStatusBar(`${what}: ${retryIn(Math.max(0, end - Date.now()))}`)}`;
    };
    render();
    item.tooltip = forStatusBar(rateLimitedMessage(what, wait));
    item.show();
    const tick = setInterval(render, 1000);
    const stop = () => {
      countdowns.delete(cancel);
      clearInterval(tick);
      clearTimeout(done);
      item.dispose();
    };
    const cancel = () => {
      stop();
      resolve(false);
    };
    const done = setTimeout(() => {
      stop();
      void showInfo(log, rateLimitOverMessage(what), retry).then((c) => resolve(c === retry));
    }, wait);
    countdowns.add(cancel);
  });
}

/**
 * Follows a subscription the user made until it is ready or ends; when the server's rate limiter ended it (`nosub`
 * with `too-many-requests`), tells the user and, on Retry, subscribes again through `again` (which asks any
 * confirmation again and follows the new subscription the same way).
 */
export function followSubscription(
  log: Masker,
  session: Session,
  id: string,
  name: string,
  again: () => unknown,
): void {
  const check = () => {
    const info = session.subscription(id);
    if (info?.state === 'pending' && session.isActive) return;
    off();
    offState();
    if (info?.state !== 'error') return;
    void rateLimited(log, `subscription ${name}`, info.error)?.then((yes) => (yes ? again() : undefined));
  };
  const off = session.on('subscriptions', check);
  const offState = session.on('state', check);
  check();
}
