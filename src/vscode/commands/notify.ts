// The only door to VS Code's notifications and quick picks for text that may hold server data: every message goes
// through the sink's helper in views/sanitize.ts (no command links, no codicons, no control characters, no
// credentials) and the log's secret masker. test/unit/explorer-sinks.test.ts keeps other files from calling
// showErrorMessage / showWarningMessage / showInformationMessage directly.
import * as vscode from 'vscode';
import { forNotification, forQuickInput, forStatusBar } from '../../presentation/sanitize';

/** Masks known secret values (the log's masker). */
export interface Masker {
  mask(text: string): string;
}

const text = (log: Masker, message: string) => forNotification(log.mask(message));

export function showInfo<T extends string>(log: Masker, message: string, ...actions: T[]): Thenable<T | undefined> {
  return vscode.window.showInformationMessage(text(log, message), ...actions);
}

export function showWarning<T extends string>(log: Masker, message: string, ...actions: T[]): Thenable<T | undefined> {
  return vscode.window.showWarningMessage(text(log, message), ...actions);
}

export function showError<T extends string>(log: Masker, message: string, ...actions: T[]): Thenable<T | undefined> {
  return vscode.window.showErrorMessage(text(log, message), ...actions);
}

/** A modal question: resolves true only when the user chose `action`. */
export async function confirm(log: Masker, message: string, detail: string, action: string): Promise<boolean> {
  // The detail of a modal keeps its own line breaks; each line is sanitised.
  const lines = detail
    .split('\n')
    .map((line) => text(log, line))
    .join('\n');
  const choice = await vscode.window.showWarningMessage(text(log, message), { modal: true, detail: lines }, action);
  return choice === action;
}

/** A quick pick item whose texts are shown as text (codicons and links neutralised); `value` is what it stands for. */
export function pickItem<V>(
  value: V,
  label: string,
  description?: string,
  detail?: string,
): vscode.QuickPickItem & { value: V } {
  const item: vscode.QuickPickItem & { value: V } = { label: forQuickInput(label), value };
  if (description !== undefined) item.description = forQuickInput(description);
  if (detail !== undefined) item.detail = forQuickInput(detail);
  return item;
}

/** A transient status bar message (codicons in it would render). */
export function flash(message: string, ms = 3000): vscode.Disposable {
  return vscode.window.setStatusBarMessage(forStatusBar(message), ms);
}

/** An input box's validation message is rendered with links and codicons: it must make none of the text it quotes. */
export function validationMessage(message: string | undefined): string | undefined {
  return message === undefined ? undefined : forQuickInput(message);
}

/** A modal question with several answers: resolves the one chosen, or undefined for Cancel (Escape). */
export async function ask<T extends string>(
  log: Masker,
  message: string,
  detail: string,
  ...actions: T[]
): Promise<T | undefined> {
  const lines = detail
    .split('\n')
    .map((line) => text(log, line))
    .join('\n');
  return vscode.window.showWarningMessage(text(log, message), { modal: true, detail: lines }, ...actions);
}
