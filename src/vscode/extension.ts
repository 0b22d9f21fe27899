// Entry point: composes sessions, the tree, commands, the log, the status bar and the document provider.
import * as vscode from 'vscode';
import { serverUrl } from '../core/connectionUrl';
import { describeProxySettings, parseConnections, readSettings } from '../core/config';
import { SessionManager, type SessionHooks, type TokenStore } from '../core/sessions';
import { TreeModel, type TreeNode } from '../presentation/tree/model';
import { textLog } from '../presentation/sessionLogText';
import { DdpTreeProvider, reconnectClock } from './tree/provider';
import { DdpLog } from './views/log';
import { StatusBar } from './views/statusBar';
import { DocumentProvider, SCHEME } from './views/documentProvider';
import type { Ctx } from './commands/context';
import { assignConnectionId, registerConnectionCommands, showConnectProblem } from './commands/connection';
import { registerSubscriptionCommands } from './commands/subscriptions';
import { registerMethodCommands } from './commands/methods';
import { registerDocumentCommands } from './commands/documents';
import { registerQueryCommands } from './commands/query';
import { registerAccountCommands } from './commands/accounts';
import { registerStreamCommands } from './commands/streams';
import { registerDdpFiles } from './ddpFile/register';
import { confirm, showWarning } from './commands/notify';
import { confirmQuestion } from '../presentation/confirmText';
import { disposeRateLimitCountdowns } from './commands/rateLimit';
import { registerInspectorFeatures } from './inspector';

const PROXY_KEYS = ['http.proxy', 'http.proxyStrictSSL', 'http.noProxy'];

let active: { manager: SessionManager; disposables: vscode.Disposable[] } | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = new DdpLog();
  const config = () => vscode.workspace.getConfiguration('ddpExplorer');
  const tokens: TokenStore = {
    get: (key) => context.secrets.get(key),
    store: (key, token) => context.secrets.store(key, token),
    delete: (key) => context.secrets.delete(key),
  };
  // Bound below, once the commands' context exists.
  const hooks: SessionHooks = {};
  const manager = new SessionManager({ log: textLog(log), tokens, hooks });
  // VS Code's own proxy settings (http.proxy, http.proxyStrictSSL, http.noProxy) go down as plain options.
  const settings = () =>
    readSettings(
      (key) => config().get(key),
      (key) => vscode.workspace.getConfiguration('http').get(key),
    );
  manager.updateSettings(settings());
  log.trace = manager.current.trace;

  let lastProblems = '';
  const reloadSaved = () => {
    const parsed = parseConnections(config().get('connections'), serverUrl);
    const problems = parsed.problems.join('; ');
    if (problems && problems !== lastProblems) {
      log.warn(`Settings: ${problems}`);
      void showWarning(
        log,
        `DDP Explorer: ${parsed.problems[0]}${parsed.problems.length > 1 ? ` (and ${parsed.problems.length - 1} more)` : ''}`,
      );
    }
    lastProblems = problems;
    manager.setSaved(parsed.connections);
  };

  // One clock for the countdowns of the tree and the status bar; it re-reads the time on every state change.
  const clock = reconnectClock(manager);
  const offClock = manager.onChange((c) => {
    if (c.type === 'sessions' || c.change.type === 'state') clock.sync();
  });
  const model = new TreeModel(
    manager,
    () => manager.current.pageSize,
    () => clock.now(),
    () => manager.current.loadAllLimit,
  );
  const tree = new DdpTreeProvider(model, manager, clock);
  const status = new StatusBar(manager, clock);
  const docs = new DocumentProvider(manager, log);
  const view = vscode.window.createTreeView<TreeNode>('ddpExplorer.connections', {
    treeDataProvider: tree,
    showCollapseAll: true,
  });
  tree.onFlush = () => status.schedule();

  const ctx: Ctx = { ext: context, manager, model, tree, log, status, docs, reloadSaved };
  hooks.connectProblem = (session, problem) => void showConnectProblem(ctx, session, problem);
  hooks.assignId = (session) => assignConnectionId(ctx, session);
  hooks.confirmRequest = (_session, request) => {
    const q = confirmQuestion(request);
    return confirm(log, q.message, q.detail, q.action);
  };
  reloadSaved();

  const disposables: vscode.Disposable[] = [
    { dispose: () => (offClock(), clock.dispose()) },
    { dispose: disposeRateLimitCountdowns },
    log,
    tree,
    view,
    status,
    docs,
    vscode.workspace.registerFileSystemProvider(SCHEME, docs, { isCaseSensitive: true }),
    view.onDidChangeSelection((e) => {
      const node = e.selection[0];
      const s = node ? manager.get(node.sessionId) : undefined;
      if (s) status.setCurrent(s);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      const proxyChanged = PROXY_KEYS.some((k) => e.affectsConfiguration(k));
      if (!e.affectsConfiguration('ddpExplorer') && !proxyChanged) return;
      const before = manager.current;
      const next = settings();
      const changed = (Object.keys(next) as Array<keyof typeof next>).filter(
        (k) => JSON.stringify(next[k]) !== JSON.stringify(before[k]),
      );
      // The proxy URL may hold a password: described with it masked.
      const shown = (k: keyof typeof next) => (k === 'proxy' ? describeProxySettings(next.proxy) : String(next[k]));
      if (changed.length) log.info(`Settings changed: ${changed.map((k) => `${k} = ${shown(k)}`).join(', ')}`);
      log.trace = next.trace;
      manager.updateSettings(next);
      if (next.pageSize !== before.pageSize) {
        model.resetPaging();
        tree.refreshAll();
      }
      if (e.affectsConfiguration('ddpExplorer.connections')) reloadSaved();
      status.update();
    }),
    { dispose: manager.onChange(() => status.schedule()) },
    ...registerConnectionCommands(ctx),
    ...registerSubscriptionCommands(ctx),
    ...registerMethodCommands(ctx),
    ...registerDocumentCommands(ctx),
    ...registerQueryCommands(ctx),
    ...registerAccountCommands(ctx),
    ...registerStreamCommands(ctx),
    ...registerDdpFiles(ctx),
    ...registerInspectorFeatures(ctx),
  ];
  active = { manager, disposables };
  // Deactivation order: clients first (they log while closing), then the views.
  context.subscriptions.push({ dispose: () => shutdown() });
}

function shutdown(): void {
  const a = active;
  active = undefined;
  if (!a) return;
  a.manager.dispose();
  for (const d of a.disposables.reverse()) {
    try {
      d.dispose();
    } catch {
      /* keep disposing the rest */
    }
  }
}

export function deactivate(): void {
  shutdown();
}
