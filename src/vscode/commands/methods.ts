// Call Method...: recent methods or a new name, params as EJSON, result in the log and an editor.
import * as vscode from 'vscode';
import { parseParams, validateName, validateParams } from '../../core/params';
import { callErrorNotification } from '../../presentation/errorMessages';
import { formatDuration, formatValue, redactSecrets } from '../../presentation/format';
import { isSecretKey as isSecretKeyName } from '../../core/secretKeys';
import { readParamsHistory, rememberParams, type ParamsHistory } from '../../core/paramsHistory';
import { forPlainInput, forQuickInput, forStatusBar } from '../../presentation/sanitize';
import type { Session } from '../../core/sessions';
import { type Ctx, register, isActive, pickSession, recent, remember } from './context';
import { COMMANDS } from '../../presentation/commands';
import { showError, showInfo, validationMessage } from './notify';
import { callWithTwoFactor, TWO_FACTOR_CANCELLED } from '../../core/twoFactor';
import { askTwoFactorCode } from './twoFactor';
import { rateLimited } from './rateLimit';
import { isSessionError } from '../../core/sessionError';

const RECENT_METHODS = 'ddpExplorer.recentMethods';
const LAST_PARAMS = 'ddpExplorer.lastParams';

/** A quick pick of recent methods that also accepts a new name typed into it. */
function pickMethod(recentMethods: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { name: string }>();
    qp.title = 'DDP: Call Method (1/2)';
    qp.placeholder = 'Method name (type a new one or pick a recent one)';
    qp.ignoreFocusOut = true;
    // Labels are escaped (codicons); `name` is the method itself.
    const item = (name: string, description: string) => ({ label: forQuickInput(name), description, name });
    const base = recentMethods.map((m) => item(m, 'recent'));
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
      qp.items = v && !recentMethods.includes(v) ? [item(v, 'call this method'), ...base] : base;
    });
    qp.onDidAccept(() => {
      const picked = qp.selectedItems[0]?.name ?? qp.activeItems[0]?.name ?? qp.value.trim();
      if (validateName(picked ?? '', 'method')) return;
      finish(picked);
    });
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}

export function registerMethodCommands(ctx: Ctx): vscode.Disposable[] {
  return [
    register(ctx, COMMANDS.callMethod, async (arg?: unknown) => {
      const session = await pickSession(ctx, arg, {
        filter: isActive,
        adjective: 'open',
        placeHolder: 'Call on which connection?',
      });
      if (!session) return;
      const method = await pickMethod(recent(ctx, RECENT_METHODS));
      if (!method) return;
      const lastParams = storedParams(ctx)[method];
      const text = await vscode.window.showInputBox({
        title: forPlainInput(`DDP: Call ${method} (2/2)`),
        prompt:
          'Params as an EJSON array, e.g. [2, 3] or [{"$date": 0}] (empty for none; a single value is one argument)',
        placeHolder: '[]',
        value: typeof lastParams === 'string' ? lastParams : undefined,
        ignoreFocusOut: true,
        validateInput: (t) => validationMessage(validateParams(t, { allowSingle: true })),
      });
      if (text === undefined) return;
      const parsed = parseParams(text, { allowSingle: true });
      if (!parsed.ok) return;
      await remember(ctx, RECENT_METHODS, method);
      await rememberMethodParams(ctx, method, text, parsed.params);
      ctx.status.setCurrent(session);
      return runCall(ctx, session, method, parsed.params);
    }),
  ];
}

async function runCall(ctx: Ctx, session: Session, method: string, params: unknown[]): Promise<unknown> {
  try {
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: forStatusBar(`DDP: calling ${method}`) },
      // Rocket.Chat's `totp-required`: ask for the code and call once more with it (src/core/twoFactor.ts).
      () =>
        callWithTwoFactor(session, method, params, (request) =>
          askTwoFactorCode(ctx, `${method} on ${session.name}`, request),
        ),
    );
    if (outcome === TWO_FACTOR_CANCELLED) return undefined;
    const open = 'Open Result';
    const log = 'Show Log';
    // A login result carries a resume token: never in clear in a notification, nor later in the log.
    maskTokens(ctx, outcome.result);
    void showInfo(
      ctx.log,
      `${method} → ${formatValue(redactSecrets(outcome.result), 80)} (${formatDuration(outcome.ms)})`,
      open,
      log,
    ).then(async (choice) => {
      if (choice === open) {
        // A tab of its own (not a preview, which would replace the preview tab open now), exact EJSON, jsonc.
        const doc = await vscode.workspace.openTextDocument(ctx.docs.resultUri(method, outcome.result));
        await vscode.window.showTextDocument(doc, { preview: false });
      } else if (choice === log) ctx.log.show();
    });
    return outcome.result;
  } catch (err) {
    // "Cancel" at the connection's confirmation: nothing was sent and the log says so.
    if (isSessionError(err) && err.code === 'CANCELLED') return undefined;
    const retry = rateLimited(ctx.log, method, err);
    if (retry) {
      // The retry goes through the same path: the confirmation (if any) asks again, its result is shown as usual.
      void retry.then((yes) => (yes ? runCall(ctx, session, method, params) : undefined));
      return undefined;
    }
    const log = 'Show Log';
    void showError(ctx.log, callErrorNotification(method, err), log).then((c) => {
      if (c === log) ctx.log.show();
    });
    return undefined;
  }
}

/** The last params typed per method; entries older versions kept with secrets in them are deleted on the way. */
function storedParams(ctx: Ctx): ParamsHistory {
  const { history, dropped } = readParamsHistory(ctx.ext.globalState.get<unknown>(LAST_PARAMS));
  if (dropped) void ctx.ext.globalState.update(LAST_PARAMS, history);
  return history;
}

async function rememberMethodParams(ctx: Ctx, method: string, text: string, params: unknown[]): Promise<void> {
  const next = rememberParams(storedParams(ctx), method, text, params);
  if (next) await ctx.ext.globalState.update(LAST_PARAMS, next);
}

/** Registers every string under a secret key of a result (a login's token) with the log's masker. */
function maskTokens(ctx: Ctx, value: unknown, depth = 0): void {
  if (depth > 20 || value === null || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string' && isSecretKeyName(k)) ctx.log.addSecret(v);
    else maskTokens(ctx, v, depth + 1);
  }
}
