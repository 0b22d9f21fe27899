// Connect, add, remove, disconnect, reconnect, refresh, show log, status bar actions.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { ConnectionConfig } from '../../core/config';
import { hasCredentials, serverUrl } from '../../core/connectionUrl';
import type { Session } from '../../core/sessions';
import { connectProblemSentence, type ConnectProblem } from '../../presentation/connectProblem';
import { forPlainInput, forQuickInput } from '../../presentation/sanitize';
import { actionsFor } from '../../presentation/statusText';
import { type Ctx, register, isActive, isNode, pickSession, recent, remember } from './context';
import { COMMANDS, type CommandId } from '../../presentation/commands';
import { confirm, showError, validationMessage } from './notify';

const RECENT_URLS = 'ddpExplorer.recentUrls';

function validateUrl(text: string, fallback?: string): string | undefined {
  if (!text.trim() && fallback) return undefined;
  try {
    serverUrl(text);
    return undefined;
  } catch (err) {
    return forQuickInput(err instanceof Error ? err.message : String(err));
  }
}

/** URLs that connected, newest first (never one with credentials, even if an older version stored it). */
function recentUrls(ctx: Ctx): string[] {
  return recent(ctx, RECENT_URLS).filter((u) => !hasCredentials(u));
}

async function askUrl(ctx: Ctx, title: string, value?: string): Promise<string | undefined> {
  const urls = recentUrls(ctx);
  const last = value === undefined ? urls[0] : undefined;
  const input = await vscode.window.showInputBox({
    title: forPlainInput(title),
    prompt: forQuickInput(
      'WebSocket URL of a DDP server (ws://host:3000/websocket, wss://host, http://host:3000 or host:3000)' +
        (urls.length ? `. Recent: ${urls.slice(0, 3).join(', ')}` : ''),
    ),
    placeHolder: forPlainInput(last ?? 'ws://localhost:3000/websocket'),
    value,
    ignoreFocusOut: true,
    validateInput: (text) => validateUrl(text, last),
  });
  if (input === undefined) return undefined;
  const url = input.trim() || last;
  if (!url) return undefined;
  return serverUrl(url);
}

/** Only a URL that connected becomes a recent one (and the Enter-to-reuse default). */
function rememberWhenConnected(ctx: Ctx, session: Session): void {
  const check = () => {
    if (session.state === 'connected') {
      off();
      void remember(ctx, RECENT_URLS, session.url);
    } else if (session.state === 'failed') {
      off(); // a new connect (Retry) listens again
    }
  };
  const off = session.onChange((c) => {
    if (c.type === 'state') check();
  });
}

function connectSession(ctx: Ctx, session: Session): void {
  ctx.status.setCurrent(session);
  if (session.isActive) return; // already connecting or connected: keep its subscriptions
  rememberWhenConnected(ctx, session);
  void session.connect();
}

/** Index of the session's entry in the setting: by id, else by name, else (unnamed entries) by URL. */
function entryIndex(list: unknown[], session: Session): number {
  const field = (e: unknown, k: string) => (e && typeof e === 'object' ? (e as Record<string, unknown>)[k] : undefined);
  if (session.config.id) {
    const i = list.findIndex((e) => field(e, 'id') === session.config.id);
    if (i >= 0) return i;
  }
  const i = list.findIndex(
    (e) => typeof field(e, 'name') === 'string' && (field(e, 'name') as string).trim() === session.name,
  );
  if (i >= 0) return i;
  return list.findIndex(
    (e) => typeof field(e, 'url') === 'string' && (field(e, 'url') as string).trim() === session.config.url,
  );
}

async function updateEntry(
  ctx: Ctx,
  session: Session,
  change: (entry: Record<string, unknown>) => void,
): Promise<boolean> {
  const list = savedList();
  const i = entryIndex(list, session);
  if (i < 0 || !list[i] || typeof list[i] !== 'object') return false;
  const entry = { ...(list[i] as Record<string, unknown>) };
  change(entry);
  list[i] = entry;
  await vscode.workspace.getConfiguration('ddpExplorer').update('connections', list, connectionsTarget());
  ctx.reloadSaved();
  return true;
}

export const newConnectionId = (): string => randomUUID();

/** Writes a stable id into a saved connection's settings entry (the key of its stored login). */
export async function assignConnectionId(ctx: Ctx, session: Session): Promise<string | undefined> {
  const id = newConnectionId();
  return (await updateEntry(ctx, session, (e) => (e.id = id))) ? id : undefined;
}

/** Says why a first connect failed, with what can be done about it. */
export async function showConnectProblem(ctx: Ctx, session: Session, problem: ConnectProblem): Promise<void> {
  const retry = 'Retry';
  const edit = 'Edit URL';
  const log = 'Show Log';
  const choice = await showError(ctx.log, `DDP: ${session.name}: ${connectProblemSentence(problem)}`, retry, edit, log);
  if (choice === retry) connectSession(ctx, session);
  else if (choice === log) ctx.log.show();
  else if (choice === edit) await editUrl(ctx, session);
}

async function editUrl(ctx: Ctx, session: Session): Promise<void> {
  const url = await askUrl(ctx, `DDP: URL of ${session.name}`, session.url);
  if (!url) return;
  if (session.saved) {
    if (!(await updateEntry(ctx, session, (e) => (e.url = url)))) return;
    const updated = ctx.manager.get(session.id);
    if (updated) connectSession(ctx, updated);
    return;
  }
  ctx.manager.remove(session.id);
  ctx.model.forgetSession(session.id);
  connectSession(ctx, ctx.manager.addAdHoc(url));
}

function connectionsTarget(): vscode.ConfigurationTarget {
  const inspect = vscode.workspace.getConfiguration('ddpExplorer').inspect('connections');
  if (inspect?.workspaceFolderValue !== undefined) return vscode.ConfigurationTarget.WorkspaceFolder;
  if (inspect?.workspaceValue !== undefined) return vscode.ConfigurationTarget.Workspace;
  return vscode.ConfigurationTarget.Global;
}

/** Where Add Connection saves: asked when a folder is open (User or Workspace settings), else User settings. */
async function chooseTarget(): Promise<vscode.ConfigurationTarget | undefined> {
  if (!vscode.workspace.workspaceFolders?.length) return vscode.ConfigurationTarget.Global;
  const items = [
    { label: 'User settings', detail: 'In every window', target: vscode.ConfigurationTarget.Global },
    {
      label: 'Workspace settings',
      detail: 'Only in this workspace (.vscode/settings.json, shareable with the project)',
      target: vscode.ConfigurationTarget.Workspace,
    },
  ];
  const current = connectionsTarget() === vscode.ConfigurationTarget.Global ? 0 : 1;
  const picked = await vscode.window.showQuickPick([items[current], items[1 - current]], {
    title: 'DDP: Add Connection: save it in',
    ignoreFocusOut: true,
  });
  return picked?.target;
}

/** The list to extend at `target`: its own when it has one, else the list in effect (so that none disappears). */
function listAt(target: vscode.ConfigurationTarget): unknown[] {
  const i = vscode.workspace.getConfiguration('ddpExplorer').inspect<unknown>('connections');
  const own =
    target === vscode.ConfigurationTarget.Global
      ? i?.globalValue
      : target === vscode.ConfigurationTarget.Workspace
        ? i?.workspaceValue
        : i?.workspaceFolderValue;
  return Array.isArray(own) ? [...(own as unknown[])] : savedList();
}

function savedList(): unknown[] {
  const v = vscode.workspace.getConfiguration('ddpExplorer').get<unknown>('connections');
  return Array.isArray(v) ? [...(v as unknown[])] : [];
}

export function registerConnectionCommands(ctx: Ctx): vscode.Disposable[] {
  return [
    register(ctx, COMMANDS.connect, async (arg?: unknown) => {
      if (isNode(arg)) {
        const s = ctx.manager.get(arg.sessionId);
        if (s) connectSession(ctx, s);
        return;
      }
      // A URL argument (from another extension or a test) skips the input box.
      const url =
        typeof arg === 'string' && !validateUrl(arg) ? serverUrl(arg) : await askUrl(ctx, 'DDP: Connect to Server');
      if (!url) return;
      const saved = ctx.manager.list().find((s) => s.saved && s.url === url);
      const session = saved ?? ctx.manager.addAdHoc(url);
      connectSession(ctx, session);
      return session.name;
    }),

    register(ctx, COMMANDS.addConnection, async () => {
      const taken = new Set(
        ctx.manager
          .list()
          .filter((s) => s.saved)
          .map((s) => s.name),
      );
      const name = await vscode.window.showInputBox({
        title: 'DDP: Add Connection (1/2)',
        prompt: 'A name for the connection',
        placeHolder: 'local',
        ignoreFocusOut: true,
        validateInput: (t) =>
          validationMessage(
            !t.trim() ? 'Enter a name' : taken.has(t.trim()) ? `A connection named "${t.trim()}" exists` : undefined,
          ),
      });
      if (name === undefined) return;
      const url = await askUrl(ctx, 'DDP: Add Connection (2/2)');
      if (!url) return;
      const entry: ConnectionConfig = { id: newConnectionId(), name: name.trim(), url };
      const target = await chooseTarget();
      if (target === undefined) return;
      await vscode.workspace.getConfiguration('ddpExplorer').update('connections', [...listAt(target), entry], target);
      ctx.reloadSaved();
      const session = ctx.manager.findByName(entry.name);
      if (session) connectSession(ctx, session);
    }),

    register(ctx, COMMANDS.removeConnection, async (arg?: unknown) => {
      const session = await pickSession(ctx, arg, { placeHolder: 'Connection to remove' });
      if (!session) return;
      const ok = await confirm(
        ctx.log,
        `Remove the connection "${session.name}"?`,
        session.saved
          ? `${session.url}\n\nIt is deleted from the ddpExplorer.connections setting, with its stored login.`
          : `${session.url}\n\nIt is closed and leaves the list.`,
        'Remove',
      );
      if (!ok) return;
      await session.forgetToken();
      if (session.saved) {
        const list = savedList();
        const i = entryIndex(list, session);
        if (i >= 0) list.splice(i, 1);
        await vscode.workspace.getConfiguration('ddpExplorer').update('connections', list, connectionsTarget());
        ctx.reloadSaved();
      } else {
        ctx.manager.remove(session.id);
      }
      ctx.model.forgetSession(session.id);
      ctx.status.update();
      ctx.log.info(`[${session.name}] Connection removed`);
    }),

    register(ctx, COMMANDS.disconnect, async (arg?: unknown) => {
      const session = await pickSession(ctx, arg, {
        filter: isActive,
        adjective: 'open',
        placeHolder: 'Connection to close',
      });
      session?.disconnect();
    }),

    register(ctx, COMMANDS.reconnect, async (arg?: unknown) => {
      const session = await pickSession(ctx, arg, { placeHolder: 'Connection to reconnect' });
      if (!session) return;
      if (!session.reconnectNow()) connectSession(ctx, session);
    }),

    register(ctx, COMMANDS.refresh, () => {
      ctx.reloadSaved();
      ctx.tree.refreshAll();
      ctx.docs.refreshAll();
      ctx.status.update();
    }),

    register(ctx, COMMANDS.showLog, () => ctx.log.show()),

    register(ctx, COMMANDS.statusActions, async () => {
      const session = ctx.status.current;
      if (!session) {
        await vscode.commands.executeCommand(COMMANDS.connect);
        return;
      }
      const titles: Partial<Record<CommandId, string>> = {
        [COMMANDS.callMethod]: '$(run) Call Method...',
        [COMMANDS.subscribe]: '$(rss) Subscribe...',
        [COMMANDS.login]: '$(account) Log In...',
        [COMMANDS.logout]: '$(sign-out) Log Out',
        [COMMANDS.reconnect]: '$(refresh) Reconnect Now',
        [COMMANDS.disconnect]: '$(debug-disconnect) Disconnect',
        [COMMANDS.connect]: '$(plug) Connect',
        [COMMANDS.showLog]: '$(output) Show Log',
      };
      const items: Array<{ label: string; id: CommandId | 'switch' }> = actionsFor(session.state, !!session.userId).map(
        (id) => ({ label: titles[id] ?? id, id }),
      );
      items.push({ label: '$(pulse) Open Inspector', id: COMMANDS.openInspector });
      if (ctx.manager.list().length > 1) items.push({ label: '$(list-selection) Switch Connection...', id: 'switch' });
      const picked = await vscode.window.showQuickPick(items, {
        placeHolder: forPlainInput(`${session.name}: ${session.url}`),
      });
      if (!picked) return;
      if (picked.id === 'switch') {
        const other = await pickSession(ctx, undefined, { placeHolder: 'Connection to show in the status bar' });
        if (other) ctx.status.setCurrent(other);
        return;
      }
      await vscode.commands.executeCommand(picked.id, ctx.model.connectionNode(session.id));
    }),
  ];
}
