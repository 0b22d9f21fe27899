// What every command group needs, and the shared "which connection?" question.
import * as vscode from 'vscode';
import type { Session, SessionManager } from '../../core/sessions';
import { isSessionError } from '../../core/sessionError';
import type { TreeModel, TreeNode } from '../../presentation/tree/model';
import type { DdpTreeProvider } from '../tree/provider';
import type { DdpLog } from '../views/log';
import type { StatusBar } from '../views/statusBar';
import type { DocumentProvider } from '../views/documentProvider';
import { stateText } from '../../presentation/statusText';
import { readRecent, pushRecent } from '../../core/recent';
import { pickItem, showError, showWarning } from './notify';
import { forPlainInput } from '../../presentation/sanitize';
import { errorMessage } from '../../presentation/errorMessages';
import { COMMANDS, type CommandId } from '../../presentation/commands';

export interface Ctx {
  ext: vscode.ExtensionContext;
  manager: SessionManager;
  model: TreeModel;
  tree: DdpTreeProvider;
  log: DdpLog;
  status: StatusBar;
  docs: DocumentProvider;
  /** Re-reads the `connections` setting. */
  reloadSaved(): void;
}

export function isNode(arg: unknown): arg is TreeNode {
  return (
    !!arg &&
    typeof arg === 'object' &&
    typeof (arg as TreeNode).kind === 'string' &&
    typeof (arg as TreeNode).sessionId === 'string'
  );
}

export interface PickOptions {
  /** Which sessions qualify (default: all). */
  filter?: (s: Session) => boolean;
  /** Used in messages: "connected", "logged-in", ... */
  adjective?: string;
  placeHolder?: string;
}

/**
 * The session a command acts on: the tree node's, else the only one, else the user's choice.
 * Says clearly when there is none.
 */
export async function pickSession(ctx: Ctx, arg: unknown, options: PickOptions = {}): Promise<Session | undefined> {
  if (isNode(arg)) {
    const s = ctx.manager.get(arg.sessionId);
    if (s) return s;
  }
  const all = ctx.manager.list();
  const candidates = options.filter ? all.filter(options.filter) : all;
  if (candidates.length === 0) {
    const what = options.adjective ? `${options.adjective} DDP connection` : 'DDP connection';
    const action = 'Connect to Server...';
    void showWarning(ctx.log, `There is no ${what}.`, action).then((choice) => {
      if (choice === action) void vscode.commands.executeCommand(COMMANDS.connect);
    });
    return undefined;
  }
  if (candidates.length === 1) return candidates[0];
  const current = ctx.status.current;
  const items = candidates.map((s) =>
    pickItem(s, s.name, stateText({ state: s.state, reconnectAt: s.nextReconnect?.at }, ctx.tree.clock.now()), s.url),
  );
  items.sort((a, b) => (a.value === current ? -1 : b.value === current ? 1 : 0));
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: forPlainInput(options.placeHolder ?? 'Choose a DDP connection'),
    matchOnDetail: true,
  });
  return picked?.value;
}

export const isActive = (s: Session): boolean => s.isActive;
export const isConnected = (s: Session): boolean => s.state === 'connected';

export function recent(ctx: Ctx, key: string): string[] {
  return readRecent(ctx.ext.globalState.get(key));
}

export async function remember(ctx: Ctx, key: string, value: string): Promise<void> {
  await ctx.ext.globalState.update(key, pushRecent(recent(ctx, key), value));
}

/** Registers a command of the map; its body runs `guarded`. */
export function register(ctx: Ctx, id: CommandId, fn: (...args: unknown[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, guarded(ctx, id, fn));
}

/** Runs a command body; an unexpected error becomes a notification and a log line, never an unhandled rejection. */
export function guarded<A extends unknown[]>(
  ctx: Ctx,
  name: string,
  fn: (...args: A) => unknown,
): (...args: A) => Promise<unknown> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (err) {
      // "Cancel" at a connection's confirmation: nothing was sent, the log says so, nothing more to tell.
      if (isSessionError(err) && err.code === 'CANCELLED') return undefined;
      const message = ctx.log.mask(errorMessage(err));
      ctx.log.error(`${name}: ${message}`);
      void showError(ctx.log, `DDP: ${message}`);
      return undefined;
    }
  };
}
