// Saving a DDP document editor: the user's changes become one `/<collection>/update` (or, for a new document, one
// `/<collection>/insert`) sent through Session.call, so the connection's safety policy and the log apply. The
// server's answer is a notification; a refusal throws, which leaves the editor dirty. When the server changed the
// same fields since the editor was loaded, the user chooses: Compare (server's version beside theirs) or Overwrite.
import * as vscode from 'vscode';
import type { SessionManager, Session } from '../../core/sessions';
import { planInsert, planUpdate, type MethodCall, type SavePlan } from '../../core/edit/save';
import { parseDocumentText } from '../../core/edit/documentText';
import { idStringify } from '../../core/edit/ids';
import { errorMessage } from '../../presentation/errorMessages';
import { formatDuration, formatValue } from '../../presentation/format';
import { forFileName, forNotification } from '../../presentation/sanitize';
import { ask, flash, showError, showInfo, showWarning, type Masker } from '../commands/notify';
import type { Fields } from '../../core/edit/modifier';
import type { Seen } from '../../presentation/documentText';

/** What a `ddp-explorer:` file stands for (its URI's query). */
export type Target =
  | { kind: 'doc'; s: string; c: string; d: string; server?: true }
  | { kind: 'new'; s: string; c: string; n: number }
  | { kind: 'result'; r: number };

/** An open document: what was last shown, the version the editor was loaded from, and its file time. */
export interface OpenDoc {
  uri: vscode.Uri;
  seen: Seen;
  /** The published fields behind the text the editor was last seen holding unmodified (what a save diffs against). */
  base?: Fields;
  /** Recent renderings (digest of the text → the fields it shows), to tell which version an editor holds. */
  rendered: Map<string, Fields>;
  mtime: number;
  /** The file time of the version the editor last read (what stat reports while the editor is dirty). */
  loadedMtime: number;
  size: number;
  /** The server changed it while the editor was dirty (or it was just saved): reload once it is not dirty. */
  pending: boolean;
}

/** What a save needs of the provider. */
export interface SaveHost {
  manager: SessionManager;
  log: Masker;
  docs: {
    rebase(entry: OpenDoc, fields: Readonly<Fields> | undefined): void;
    reloadAfterSave(entry: OpenDoc): void;
    serverUri(sessionId: string, sessionName: string, collection: string, id: string): vscode.Uri;
    documentUri(sessionId: string, sessionName: string, collection: string, id: string): vscode.Uri;
  };
}

const quote = (s: string) => JSON.stringify(s);

/** The error VS Code shows as "Failed to save": the editor stays dirty. Its text is a notification's. */
function notSaved(host: SaveHost, message: string): vscode.FileSystemError {
  return new vscode.FileSystemError(forNotification(host.log.mask(message)));
}

function sessionOf(host: SaveHost, id: string): Session {
  const session = host.manager.get(id);
  if (!session) throw notSaved(host, 'Not saved: the connection of this document was removed.');
  return session;
}

/** Sends the call; a refusal is shown (with the server's reason) and thrown, so the editor stays dirty. */
async function send(host: SaveHost, session: Session, call: MethodCall, what: string): Promise<unknown> {
  try {
    const { result, ms } = await session.call(call.method, call.params);
    void showInfo(host.log, `${call.method} ${what} → ${formatValue(result, 80)} (${formatDuration(ms)})`);
    return result;
  } catch (err) {
    const message = `Not saved: ${call.method} ${what}: ${errorMessage(err, 'call')}`;
    void showError(host.log, message);
    throw notSaved(host, message);
  }
}

export async function saveDocument(
  host: SaveHost,
  uri: vscode.Uri,
  t: Extract<Target, { kind: 'doc' }>,
  entry: OpenDoc,
  text: string,
): Promise<void> {
  const session = sessionOf(host, t.s);
  const target = { collection: t.c, id: t.d };
  let plan: SavePlan = planUpdate(target, entry.base, session.document(t.c, t.d), text);
  if (plan.kind === 'conflict') {
    const compare = 'Compare';
    const overwrite = 'Overwrite';
    const choice = await ask(
      host.log,
      `${quote(t.d)} in ${quote(t.c)} changed on the server since you opened it (${plan.paths.join(', ')}).`,
      'Compare: the server\u2019s current version beside yours; merge, then save again.\nOverwrite: the server\u2019s document becomes exactly what your editor shows.',
      compare,
      overwrite,
    );
    if (choice === compare) {
      // The user has now seen the server's version: the next save diffs against it.
      host.docs.rebase(entry, session.document(t.c, t.d));
      const left = host.docs.serverUri(t.s, session.name, t.c, t.d);
      const title = `${forFileName(t.d)}: server \u2194 yours (${forFileName(session.name)})`;
      await vscode.commands.executeCommand('vscode.diff', left, uri, title);
      throw notSaved(host, 'Not saved: compare with the server\u2019s version, then save again.');
    }
    if (choice !== overwrite) throw notSaved(host, 'Not saved (cancelled).');
    plan = planUpdate(target, entry.base, session.document(t.c, t.d), text, true);
  }
  if (plan.kind === 'refused') {
    void showError(host.log, `Not saved: ${plan.reason}`);
    throw notSaved(host, plan.reason);
  }
  if (plan.kind === 'conflict') throw notSaved(host, 'Not saved: the document keeps changing on the server.');
  if (plan.kind === 'unchanged') {
    flash('DDP: nothing changed, nothing sent');
    host.docs.reloadAfterSave(entry);
    return;
  }
  const result = await send(host, session, plan.call, quote(t.d));
  if (result === 0)
    void showWarning(host.log, `${plan.call.method} changed no document: ${quote(t.d)} may have been removed.`);
  // The server took this text: it is the base of the next save, even before the editor has read the published
  // version back (a second save right after the first is not a conflict with the first).
  const saved = parseDocumentText(text);
  if (saved.ok) {
    const { _id: _ignored, ...fields } = saved.doc;
    host.docs.rebase(entry, fields);
  }
  // The editor shows what the server published, once VS Code has finished the save.
  host.docs.reloadAfterSave(entry);
}

export async function saveNewDocument(
  host: SaveHost,
  uri: vscode.Uri,
  t: Extract<Target, { kind: 'new' }>,
  text: string,
): Promise<void> {
  const session = sessionOf(host, t.s);
  const plan = planInsert(t.c, text);
  if (plan.kind === 'refused') {
    void showError(host.log, `Not inserted: ${plan.reason}`);
    throw notSaved(host, plan.reason);
  }
  if (plan.kind !== 'call') return;
  const result = await send(host, session, plan.call, 'a new document');
  const id = idStringify(result);
  if (id === undefined) return;
  // Once VS Code has finished this save: the template's tab closes and the new document opens in its place.
  const off = vscode.workspace.onDidSaveTextDocument((d) => {
    if (d.uri.toString() !== uri.toString()) return;
    off.dispose();
    void (async () => {
      const tabs = vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .filter((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === uri.toString());
      await vscode.window.tabGroups.close(tabs);
      const doc = await vscode.workspace.openTextDocument(host.docs.documentUri(t.s, session.name, t.c, id));
      await vscode.window.showTextDocument(doc, { preview: false });
    })();
  });
}
