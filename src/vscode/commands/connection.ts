// Connect, add, remove, disconnect, reconnect, refresh, show log, status bar actions.
import * as vscode from 'vscode';
import { normalizeUrl } from '../../ddp';
import type { ConnectionConfig } from '../../core/config';
import type { Session } from '../../core/sessions';
import { actionsFor } from '../../presentation/statusText';
import { type Ctx, guarded, isActive, isNode, pickSession, recent, remember } from './context';

const RECENT_URLS = 'ddpExplorer.recentUrls';

function validateUrl(text: string, fallback?: string): string | undefined {
  if (!text.trim() && fallback) return undefined;
  try {
    normalizeUrl(text);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

async function askUrl(ctx: Ctx, title: string): Promise<string | undefined> {
  const urls = recent(ctx, RECENT_URLS);
  const last = urls[0];
  const input = await vscode.window.showInputBox({
    title,
    prompt:
      'WebSocket URL of a DDP server (ws://host:3000/websocket, wss://host, http://host:3000 or host:3000)' +
      (urls.length ? `. Recent: ${urls.slice(0, 3).join(', ')}` : ''),
    placeHolder: last ?? 'ws://localhost:3000/websocket',
    ignoreFocusOut: true,
    validateInput: (text) => validateUrl(text, last),
  });
  if (input === undefined) return undefined;
  const url = input.trim() || last;
  if (!url) return undefined;
  return normalizeUrl(url);
}

function connectSession(ctx: Ctx, session: Session): void {
  ctx.status.setCurrent(session);
  if (session.isActive) return; // already connecting or connected: keep its subscriptions
  try {
    void session.connect();
  } catch (err) {
    void vscode.window.showErrorMessage(`DDP: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function connectionsTarget(): vscode.ConfigurationTarget {
  const inspect = vscode.workspace.getConfiguration('ddpExplorer').inspect('connections');
  if (inspect?.workspaceFolderValue !== undefined) return vscode.ConfigurationTarget.WorkspaceFolder;
  if (inspect?.workspaceValue !== undefined) return vscode.ConfigurationTarget.Workspace;
  return vscode.ConfigurationTarget.Global;
}

function savedList(): unknown[] {
  const v = vscode.workspace.getConfiguration('ddpExplorer').get<unknown>('connections');
  return Array.isArray(v) ? [...v] : [];
}

export function registerConnectionCommands(ctx: Ctx): vscode.Disposable[] {
  const reg = (id: string, fn: (...args: any[]) => unknown) => vscode.commands.registerCommand(id, guarded(ctx, id, fn));
  return [
    reg('ddpExplorer.connect', async (arg?: unknown) => {
      if (isNode(arg)) {
        const s = ctx.manager.get(arg.sessionId);
        if (s) connectSession(ctx, s);
        return;
      }
      // A URL argument (from another extension or a test) skips the input box.
      const url = typeof arg === 'string' && !validateUrl(arg) ? normalizeUrl(arg) : await askUrl(ctx, 'DDP: Connect to Server');
      if (!url) return;
      await remember(ctx, RECENT_URLS, url);
      const saved = ctx.manager.list().find((s) => s.saved && s.url === url);
      const session = saved ?? ctx.manager.addAdHoc(url);
      if (!session.isActive) connectSession(ctx, session);
      else ctx.status.setCurrent(session);
      return session.name;
    }),

    reg('ddpExplorer.addConnection', async () => {
      const taken = new Set(ctx.manager.list().filter((s) => s.saved).map((s) => s.name));
      const name = await vscode.window.showInputBox({
        title: 'DDP: Add Connection (1/2)',
        prompt: 'A name for the connection',
        placeHolder: 'local',
        ignoreFocusOut: true,
        validateInput: (t) => (!t.trim() ? 'Enter a name' : taken.has(t.trim()) ? `A connection named "${t.trim()}" exists` : undefined),
      });
      if (name === undefined) return;
      const url = await askUrl(ctx, 'DDP: Add Connection (2/2)');
      if (!url) return;
      await remember(ctx, RECENT_URLS, url);
      const entry: ConnectionConfig = { name: name.trim(), url };
      await vscode.workspace.getConfiguration('ddpExplorer').update('connections', [...savedList(), entry], connectionsTarget());
      ctx.reloadSaved();
      const session = ctx.manager.findByName(entry.name);
      if (session) connectSession(ctx, session);
    }),

    reg('ddpExplorer.removeConnection', async (arg?: unknown) => {
      const session = await pickSession(ctx, arg, { placeHolder: 'Connection to remove' });
      if (!session) return;
      if (session.saved) {
        await session.forgetToken();
        const next = savedList().filter((e) => !(e && typeof e === 'object' && (e as { name?: unknown }).name === session.name));
        const list = savedList();
        // Entries without a name are named by their URL.
        const rest = next.length < list.length ? next : list.filter((e) => (e as { url?: unknown })?.url !== session.config.url);
        await vscode.workspace.getConfiguration('ddpExplorer').update('connections', rest, connectionsTarget());
        ctx.reloadSaved();
      } else {
        ctx.manager.remove(session.id);
      }
      ctx.model.forgetSession(session.id);
      ctx.status.update();
      ctx.log.info(`[${session.name}] Connection removed`);
    }),

    reg('ddpExplorer.disconnect', async (arg?: unknown) => {
      const session = await pickSession(ctx, arg, { filter: isActive, adjective: 'open', placeHolder: 'Connection to close' });
      session?.disconnect();
    }),

    reg('ddpExplorer.reconnect', async (arg?: unknown) => {
      const session = await pickSession(ctx, arg, { placeHolder: 'Connection to reconnect' });
      if (!session) return;
      if (session.client && session.isActive) {
        session.info('Reconnecting now');
        session.client.reconnectNow();
      } else {
        connectSession(ctx, session);
      }
    }),

    reg('ddpExplorer.refresh', () => {
      ctx.reloadSaved();
      ctx.tree.refreshAll();
      ctx.docs.refreshAll();
      ctx.status.update();
    }),

    reg('ddpExplorer.showLog', () => ctx.log.show()),

    reg('ddpExplorer.statusActions', async () => {
      const session = ctx.status.current;
      if (!session) {
        await vscode.commands.executeCommand('ddpExplorer.connect');
        return;
      }
      const titles: Record<string, string> = {
        'ddpExplorer.callMethod': '$(run) Call Method...',
        'ddpExplorer.subscribe': '$(rss) Subscribe...',
        'ddpExplorer.login': '$(account) Log In...',
        'ddpExplorer.logout': '$(sign-out) Log Out',
        'ddpExplorer.reconnect': '$(refresh) Reconnect Now',
        'ddpExplorer.disconnect': '$(debug-disconnect) Disconnect',
        'ddpExplorer.connect': '$(plug) Connect',
        'ddpExplorer.showLog': '$(output) Show Log',
      };
      const items = actionsFor(session.state, !!session.userId).map((id) => ({ label: titles[id] ?? id, id }));
      items.push({ label: '$(pulse) Open Inspector', id: 'ddpExplorer.openInspector' });
      if (ctx.manager.list().length > 1) items.push({ label: '$(list-selection) Switch Connection...', id: 'switch' });
      const picked = await vscode.window.showQuickPick(items, { placeHolder: `${session.name}: ${session.url}` });
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
