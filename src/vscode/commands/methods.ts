// Call Method...: recent methods or a new name, params as EJSON, result in the log and an editor.
import * as vscode from 'vscode';
import { parseParams, validateName, validateParams } from '../../core/params';
import { callErrorNotification } from '../../presentation/logFormat';
import { formatDuration, formatValue } from '../../presentation/format';
import type { Session } from '../../core/sessions';
import { type Ctx, guarded, isActive, pickSession, recent, remember } from './context';

const RECENT_METHODS = 'ddpExplorer.recentMethods';
const LAST_PARAMS = 'ddpExplorer.lastParams';

/** A quick pick of recent methods that also accepts a new name typed into it. */
function pickMethod(recentMethods: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick();
    qp.title = 'DDP: Call Method (1/2)';
    qp.placeholder = 'Method name (type a new one or pick a recent one)';
    qp.ignoreFocusOut = true;
    const base = recentMethods.map((m) => ({ label: m, description: 'recent' }));
    qp.items = base;
    let done = false;
    const finish = (value: string | undefined) => {
      if (done) return;
      done = true;
      resolve(value);
      qp.dispose();
    };
    qp.onDidChangeValue((value) => {
      const v = value.trim();
      qp.items = v && !recentMethods.includes(v) ? [{ label: v, description: 'call this method' }, ...base] : base;
    });
    qp.onDidAccept(() => {
      const picked = qp.selectedItems[0]?.label ?? qp.activeItems[0]?.label ?? qp.value.trim();
      if (validateName(picked ?? '', 'method')) return;
      finish(picked);
    });
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}

export function registerMethodCommands(ctx: Ctx): vscode.Disposable[] {
  const reg = (id: string, fn: (...args: any[]) => unknown) => vscode.commands.registerCommand(id, guarded(ctx, id, fn));
  return [
    reg('ddpExplorer.callMethod', async (arg?: unknown) => {
      const session = await pickSession(ctx, arg, { filter: isActive, adjective: 'open', placeHolder: 'Call on which connection?' });
      if (!session) return;
      const method = await pickMethod(recent(ctx, RECENT_METHODS));
      if (!method) return;
      const lastParams = (ctx.ext.globalState.get<Record<string, string>>(LAST_PARAMS) ?? {})[method];
      const text = await vscode.window.showInputBox({
        title: `DDP: Call ${method} (2/2)`,
        prompt: 'Params as an EJSON array, e.g. [2, 3] or [{"$date": 0}] (empty for none; a single value is one argument)',
        placeHolder: '[]',
        value: typeof lastParams === 'string' ? lastParams : undefined,
        ignoreFocusOut: true,
        validateInput: (t) => validateParams(t, { allowSingle: true }),
      });
      if (text === undefined) return;
      const parsed = parseParams(text, { allowSingle: true });
      if (!parsed.ok) return;
      await remember(ctx, RECENT_METHODS, method);
      const all = ctx.ext.globalState.get<Record<string, string>>(LAST_PARAMS) ?? {};
      if (method !== 'login') await ctx.ext.globalState.update(LAST_PARAMS, { ...all, [method]: text });
      ctx.status.setCurrent(session);
      return runCall(ctx, session, method, parsed.params);
    }),
  ];
}

async function runCall(ctx: Ctx, session: Session, method: string, params: unknown[]): Promise<unknown> {
  try {
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `DDP: calling ${method}` },
      () => session.call(method, params),
    );
    const open = 'Open Result';
    const log = 'Show Log';
    void vscode.window
      .showInformationMessage(`${method} → ${formatValue(outcome.result, 80)} (${formatDuration(outcome.ms)})`, open, log)
      .then(async (choice) => {
        if (choice === open) {
          const doc = await vscode.workspace.openTextDocument(ctx.docs.resultUri(method, outcome.result));
          await vscode.languages.setTextDocumentLanguage(doc, 'json').then(
            (d) => vscode.window.showTextDocument(d, { preview: true }),
            () => vscode.window.showTextDocument(doc, { preview: true }),
          );
        } else if (choice === log) ctx.log.show();
      });
    return outcome.result;
  } catch (err) {
    const log = 'Show Log';
    void vscode.window.showErrorMessage(ctx.log.mask(callErrorNotification(method, err)), log).then((c) => {
      if (c === log) ctx.log.show();
    });
    return undefined;
  }
}
