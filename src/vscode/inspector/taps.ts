// DDP: Start Tap... / Stop Tap and the "Taps" view: each app connection through a tap is a live row that opens
// its inspector. Rows are plain text: addresses and close reasons come from the network.
import * as vscode from 'vscode';
import { normalizeUrl } from '../../ddp';
import { Tap, type TapClient } from '../../core/tap';
import { clientOptions } from '../../core/config';
import type { Capture } from '../../core/capture';
import type { SourceInfo } from '../../presentation/inspector/protocol';
import type { Ctx } from '../commands/context';
import { register } from '../commands/context';
import { COMMANDS } from '../../presentation/commands';
import { pickItem, showInfo, validationMessage } from '../commands/notify';
import type { Inspectors } from './register';
import type { FrameSource } from './sources';

type TapNode = { kind: 'tap'; tap: Tap } | { kind: 'client'; tap: Tap; client: TapClient };

class TapClientSource implements FrameSource {
  readonly key: string;
  constructor(
    private readonly tap: Tap,
    private readonly client: TapClient,
  ) {
    this.key = `tap:${tap.port}:${client.id}`;
  }
  get capture(): Capture {
    return this.client.capture;
  }
  info(): SourceInfo {
    const c = this.client;
    const state = c.state === 'closed' ? `closed: ${c.closeReason ?? ''}` : c.state;
    return {
      title: `tap #${c.id}`,
      detail: `${c.remote} → ${this.tap.target} · ${state}`,
      live: c.state !== 'closed',
      canResend: false,
    };
  }
  onInfoChange(listener: () => void): () => void {
    return this.tap.onChange((c) => {
      if (!c || c === this.client) listener();
    });
  }
  /** The capture belongs to the tap: closing the panel does not stop it. */
  dispose(): void {}
}

export class TapsView implements vscode.TreeDataProvider<TapNode>, vscode.Disposable {
  readonly taps: Tap[] = [];
  private readonly changed = new vscode.EventEmitter<TapNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly ticker: NodeJS.Timeout;

  constructor() {
    // Frame counts move all the time: one refresh a second while a tap runs is enough for a row's description.
    this.ticker = setInterval(() => {
      if (this.taps.length) this.changed.fire(undefined);
    }, 1000);
  }

  add(tap: Tap): void {
    this.taps.push(tap);
    tap.onChange(() => this.changed.fire(undefined));
    this.changed.fire(undefined);
  }

  async stop(tap: Tap): Promise<void> {
    const i = this.taps.indexOf(tap);
    if (i >= 0) this.taps.splice(i, 1);
    await tap.stop();
    this.changed.fire(undefined);
  }

  getChildren(node?: TapNode): TapNode[] {
    if (!node) return this.taps.map((tap) => ({ kind: 'tap', tap }));
    if (node.kind === 'tap') return node.tap.clients.map((client) => ({ kind: 'client', tap: node.tap, client }));
    return [];
  }

  getTreeItem(node: TapNode): vscode.TreeItem {
    if (node.kind === 'tap') {
      const item = new vscode.TreeItem(
        `${node.tap.url} → ${node.tap.target}`,
        vscode.TreeItemCollapsibleState.Expanded,
      );
      const open = node.tap.clients.filter((c) => c.state !== 'closed').length;
      item.description = `${open} connected`;
      item.tooltip = `Tap listening on ${node.tap.url}, forwarding to ${node.tap.target}. Point your app at the first URL.`;
      item.iconPath = new vscode.ThemeIcon('radio-tower');
      item.contextValue = 'tap';
      item.id = `tap:${node.tap.port}`;
      return item;
    }
    const c = node.client;
    const item = new vscode.TreeItem(`#${c.id} ${c.remote}`, vscode.TreeItemCollapsibleState.None);
    const frames = c.capture.totals.framesIn + c.capture.totals.framesOut;
    item.description = `${c.state} · ${frames.toLocaleString('en-US')} frames`;
    item.tooltip = `${c.remote} → ${node.tap.target}\n${c.state}${c.closeReason ? `: ${c.closeReason}` : ''}\nsince ${new Date(c.startedAt).toLocaleTimeString()}`;
    item.accessibilityInformation = { label: `${item.label as string} ${item.description}` };
    item.iconPath = new vscode.ThemeIcon(c.state === 'closed' ? 'debug-disconnect' : 'pulse');
    item.contextValue = 'tapClient';
    item.id = `tap:${node.tap.port}:${c.id}`;
    item.command = { command: COMMANDS.inspectTapClient, title: 'Open Inspector', arguments: [node] };
    return item;
  }

  dispose(): void {
    clearInterval(this.ticker);
    for (const tap of this.taps.splice(0)) void tap.stop();
    this.changed.dispose();
  }
}

export function registerTaps(ctx: Ctx, inspectors: Inspectors): vscode.Disposable[] {
  const view = new TapsView();
  const isTapNode = (x: unknown): x is TapNode =>
    !!x && typeof x === 'object' && 'tap' in x && (x as TapNode).tap instanceof Tap;
  return [
    view,
    vscode.window.registerTreeDataProvider('ddpExplorer.taps', view),
    // Every tap client's capture follows the setting at once, inspected or not (open inspectors: register.ts).
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('ddpExplorer.inspector.maxFrames')) return;
      const maxFrames = inspectors.env.maxFrames();
      for (const tap of view.taps) tap.setMaxFrames(maxFrames);
    }),
    register(ctx, COMMANDS.startTap, async () => {
      const current = ctx.status.current?.url;
      const target = await vscode.window.showInputBox({
        title: 'DDP: Start Tap (1/2)',
        prompt: 'The DDP server your app talks to (the tap forwards to it)',
        placeHolder: current ?? 'ws://localhost:3000/websocket',
        value: current,
        ignoreFocusOut: true,
        validateInput: (t) => {
          try {
            normalizeUrl(t.trim());
            return undefined;
          } catch (err) {
            return validationMessage((err as Error).message);
          }
        },
      });
      if (target === undefined) return;
      const portText = await vscode.window.showInputBox({
        title: 'DDP: Start Tap (2/2)',
        prompt: 'Port on 127.0.0.1 for your app to connect to (empty: any free port)',
        placeHolder: 'any free port',
        ignoreFocusOut: true,
        validateInput: (t) =>
          t.trim() === '' || (/^\d+$/.test(t.trim()) && Number(t) > 0 && Number(t) < 65536)
            ? undefined
            : 'A port number from 1 to 65535, or empty',
      });
      if (portText === undefined) return;
      const maxFrames = inspectors.env.maxFrames();
      let tap: Tap;
      try {
        const url = normalizeUrl(target.trim());
        // The server is reached as the explorer's own connections reach it: http.proxy, http.noProxy, strictSSL.
        const { proxy, noProxy, rejectUnauthorized } = clientOptions(ctx.manager.current, undefined, url);
        tap = await Tap.start({
          target: url,
          port: portText.trim() ? Number(portText) : 0,
          maxFrames,
          network: {
            ...(proxy !== undefined ? { proxy } : {}),
            ...(noProxy !== undefined ? { noProxy } : {}),
            ...(rejectUnauthorized !== undefined ? { rejectUnauthorized } : {}),
          },
        });
      } catch (err) {
        const e = err as Error & { code?: string };
        throw new Error(e.code === 'EADDRINUSE' ? `Port ${portText.trim()} on 127.0.0.1 is already in use` : e.message);
      }
      view.add(tap);
      ctx.log.info(
        `Tap listening on ${tap.url}, forwarding to ${tap.target}${tap.proxy ? ` through the proxy at ${tap.proxy}` : ''}`,
      );
      void vscode.commands.executeCommand('ddpExplorer.taps.focus');
      const copy = 'Copy URL';
      void showInfo(ctx.log, `Tap listening on ${tap.url} → ${tap.target}. Point your app at it.`, copy).then(
        async (c) => {
          if (c === copy) await vscode.env.clipboard.writeText(tap.url);
        },
      );
    }),
    register(ctx, COMMANDS.stopTap, async (arg?: unknown) => {
      let tap = isTapNode(arg) ? arg.tap : undefined;
      if (!tap) {
        if (view.taps.length === 0) {
          void showInfo(ctx.log, 'No tap is running.');
          return;
        }
        const picked =
          view.taps.length === 1
            ? { tap: view.taps[0] }
            : await vscode.window.showQuickPick(
                view.taps.map((t) => ({ ...pickItem(t, t.url, `→ ${t.target}`), tap: t })),
                { placeHolder: 'Stop which tap?' },
              );
        tap = picked?.tap;
      }
      if (!tap) return;
      await view.stop(tap);
      ctx.log.info(`Tap on ${tap.url} stopped`);
    }),
    register(ctx, COMMANDS.copyTapUrl, async (arg?: unknown) => {
      if (isTapNode(arg)) await vscode.env.clipboard.writeText(arg.tap.url);
    }),
    register(ctx, COMMANDS.inspectTapClient, (arg?: unknown) => {
      if (isTapNode(arg) && arg.kind === 'client') inspectors.openSource(new TapClientSource(arg.tap, arg.client));
    }),
  ];
}
