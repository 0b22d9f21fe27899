// The inspector's commands (DDP: Open Inspector, DDP: Open Capture...), one panel per source, and the serializer
// that reopens panels after a window reload.
import * as vscode from 'vscode';
import { Capture, clampMaxFrames } from '../../core/capture';
import { parseJsonLines } from '../../core/captureFile';
import type { Ctx } from '../commands/context';
import { pickSession, register } from '../commands/context';
import { COMMANDS } from '../../presentation/commands';
import { showError } from '../commands/notify';
import { askTwoFactorCode } from '../commands/twoFactor';
import { INSPECTOR_VIEW_TYPE, InspectorPanel, type PanelEnv } from './panel';
import { FileSource, SessionSource, sessionKey, type FrameSource } from './sources';

export class Inspectors implements vscode.Disposable {
  private readonly panels = new Map<string, InspectorPanel>();
  readonly env: PanelEnv;

  constructor(private readonly ctx: Ctx) {
    this.env = {
      extensionUri: ctx.ext.extensionUri,
      mask: (text) => ctx.log.mask(text),
      maskValues: (batch) => ctx.log.maskValuesIn(batch),
      askTwoFactorCode: (what, request) => askTwoFactorCode(ctx, what, request),
      maxFrames: () => clampMaxFrames(vscode.workspace.getConfiguration('ddpExplorer').get('inspector.maxFrames')),
    };
  }

  /** Reveals the panel of `key`, or opens one on the source `make` builds. */
  open(key: string, make: () => FrameSource, panel?: vscode.WebviewPanel): InspectorPanel {
    const existing = this.panels.get(key);
    if (existing) {
      if (panel) panel.dispose();
      existing.reveal();
      return existing;
    }
    const source = make();
    const webviewPanel =
      panel ??
      vscode.window.createWebviewPanel(INSPECTOR_VIEW_TYPE, 'DDP Inspector', vscode.ViewColumn.Active, {
        enableScripts: true,
        // 100,000 frames are expensive to send again: keep the page while its tab is hidden.
        retainContextWhenHidden: true,
      });
    const inspector = new InspectorPanel(webviewPanel, source, this.env);
    this.panels.set(key, inspector);
    inspector.onDispose(() => {
      if (this.panels.get(key) === inspector) this.panels.delete(key);
    });
    return inspector;
  }

  openSession(sessionId: string, panel?: vscode.WebviewPanel): InspectorPanel | undefined {
    const session = this.ctx.manager.get(sessionId);
    if (!session) return undefined;
    return this.open(sessionKey(session), () => new SessionSource(session, this.env.maxFrames()), panel);
  }

  async openFile(uri: vscode.Uri, panel?: vscode.WebviewPanel): Promise<InspectorPanel | undefined> {
    const bytes = await vscode.workspace.fs.readFile(uri);
    const parsed = parseJsonLines(Buffer.from(bytes).toString('utf8'));
    if (parsed.frames.length === 0) {
      panel?.dispose();
      void showError(
        this.ctx.log,
        `DDP: ${uri.fsPath} has no DDP capture frames${parsed.problems.length ? ` (${parsed.problems[0]})` : ''}.`,
      );
      return undefined;
    }
    const key = `file:${uri.fsPath}`;
    return this.open(
      key,
      () => {
        const capture = new Capture(Math.max(parsed.frames.length, 100));
        for (const f of parsed.frames) capture.record(f.dir, f.text, f.at);
        const note = parsed.skipped ? `${parsed.skipped} lines skipped (${parsed.problems.join('; ')})` : '';
        return new FileSource(uri.fsPath, capture, note);
      },
      panel,
    );
  }

  /** `ddpExplorer.inspector.maxFrames` changed: open inspectors apply it at once. */
  applyMaxFrames(): void {
    const maxFrames = this.env.maxFrames();
    for (const p of this.panels.values()) p.setMaxFrames(maxFrames);
  }

  /** Frames of sources that are not sessions or files (tap clients). */
  openSource(source: FrameSource): InspectorPanel {
    return this.open(source.key, () => source);
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    this.panels.clear();
  }
}

interface PanelState {
  key?: unknown;
}

export function registerInspector(ctx: Ctx): { inspectors: Inspectors; disposables: vscode.Disposable[] } {
  const inspectors = new Inspectors(ctx);
  const disposables: vscode.Disposable[] = [
    inspectors,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('ddpExplorer.inspector.maxFrames')) inspectors.applyMaxFrames();
    }),
    register(ctx, COMMANDS.openInspector, async (arg?: unknown) => {
      const session = await pickSession(ctx, arg, { placeHolder: 'Inspect which connection?' });
      if (!session) return;
      ctx.status.setCurrent(session);
      inspectors.openSession(session.id);
    }),
    register(ctx, COMMANDS.openCapture, async () => {
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: false,
        filters: { 'DDP capture (JSON Lines)': ['jsonl', 'ndjson', 'txt'] },
        openLabel: 'Open Capture',
      });
      if (!picked?.[0]) return;
      await inspectors.openFile(picked[0]);
    }),
    vscode.window.registerWebviewPanelSerializer(INSPECTOR_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        const key =
          typeof (state as PanelState | undefined)?.key === 'string' ? ((state as PanelState).key as string) : '';
        if (key.startsWith('session:') && inspectors.openSession(key.slice('session:'.length), panel)) return;
        if (
          key.startsWith('file:') &&
          (await inspectors.openFile(vscode.Uri.file(key.slice('file:'.length)), panel).catch(() => undefined))
        )
          return;
        // A tap client (or a connection that is gone) does not survive a reload: close its old panel.
        panel.dispose();
      },
    }),
  ];
  return { inspectors, disposables };
}
