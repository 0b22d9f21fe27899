// One inspector panel: a webview over a FrameSource. The host keeps the exact frames; the webview gets them masked,
// in batches at most ten times a second, and asks the host for anything exact (copy, resend, export).
import * as vscode from 'vscode';
import type { CapturedFrame } from '../../core/capture';
import { toJsonLines } from '../../core/captureFile';
import { paramsText, replayOf } from '../../core/replay';
import { validateParams, parseParams } from '../../core/params';
import { describeError } from '../../presentation/logFormat';
import type { FrameBatch } from '../../presentation/inspector/batch';
import { FrameFeed } from '../../presentation/inspector/feed';
import { prettyFrame } from '../../presentation/inspector/frames';
import { parseViewMessage, type HostMessage, type ViewMessage } from '../../presentation/inspector/protocol';
import { flash, showError, validationMessage } from '../commands/notify';
import { followSubscription, rateLimited } from '../commands/rateLimit';
import type { Session } from '../../core/sessions';
import { isSessionError } from '../../core/sessionError';
import { callWithTwoFactor, type TwoFactorRequest } from '../../core/twoFactor';
import { inspectorHtml } from './html';
import type { FrameSource } from './sources';

export const INSPECTOR_VIEW_TYPE = 'ddpExplorer.inspector';

export interface PanelEnv {
  extensionUri: vscode.Uri;
  /** The log's masking: the same secrets, patterns and values, as the "DDP" output channel (for exports). */
  mask(text: string): string;
  /** The same secret values masked in a batch for the webview (which masks the secret fields itself). */
  maskValues(batch: FrameBatch): FrameBatch;
  maxFrames(): number;
  /** Rocket.Chat's `totp-required` answer to a resent method: the code, or undefined when the user cancels. */
  askTwoFactorCode(what: string, request: TwoFactorRequest): Promise<string | undefined>;
}

export class InspectorPanel implements vscode.Disposable {
  private readonly feed: FrameFeed;
  private ready = false;
  private disposed = false;
  private readonly subscriptions: Array<() => void> = [];
  private readonly onDisposeListeners = new Set<() => void>();

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly source: FrameSource,
    private readonly env: PanelEnv,
  ) {
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(env.extensionUri, 'dist', 'webview')],
    };
    panel.title = `DDP Inspector: ${source.info().title}`;
    panel.iconPath = vscode.Uri.joinPath(env.extensionUri, 'media', 'ddp.svg');
    panel.webview.html = inspectorHtml(panel.webview, env.extensionUri);
    const received = panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m));
    const disposed = panel.onDidDispose(() => this.dispose());
    // Batches drained before the webview is ready are not lost: it gets the whole capture when it says ready.
    this.feed = new FrameFeed(
      source.capture,
      (batch) => env.maskValues(batch),
      (batches) => this.post({ type: 'frames', batches }),
    );
    this.subscriptions.push(
      () => void received.dispose(),
      () => void disposed.dispose(),
      () => this.feed.dispose(),
      source.onInfoChange(() => this.post({ type: 'source', source: source.info() })),
    );
  }

  onDispose(listener: () => void): void {
    this.onDisposeListeners.add(listener);
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** A new maxFrames for a live source: its capture keeps the newest frames that fit, and so does the webview. */
  setMaxFrames(maxFrames: number): void {
    if (this.source.key.startsWith('file:')) return; // an opened capture file shows all its frames
    this.source.capture.resize(maxFrames);
    this.post({ type: 'maxFrames', maxFrames });
  }

  private post(message: HostMessage): void {
    if (this.disposed || !this.ready) return;
    void this.panel.webview.postMessage(message);
  }

  private sendAll(): void {
    const c = this.source.capture;
    this.post({
      type: 'init',
      key: this.source.key,
      source: this.source.info(),
      paused: c.paused,
      maxFrames: c.ring.capacity,
    });
    this.feed.sendAll();
  }

  private onMessage(raw: unknown): void {
    const m = parseViewMessage(raw);
    if (!m) return;
    void this.handle(m).catch((err: unknown) => {
      void showError(this.env, `DDP Inspector: ${describeError(err)}`);
    });
  }

  private async handle(m: ViewMessage): Promise<void> {
    const capture = this.source.capture;
    switch (m.type) {
      case 'ready':
        // Also after the webview was reloaded: it starts empty, so it gets everything again.
        this.ready = true;
        this.sendAll();
        return;
      case 'pause':
        capture.paused = m.paused;
        this.post({ type: 'paused', paused: m.paused });
        return;
      case 'clear':
        capture.clear();
        this.post({ type: 'cleared' });
        return;
      case 'copy': {
        const f = capture.ring.get(m.seq);
        if (!f) throw new Error('That frame is no longer in the capture');
        // Copied data is exact, like Copy Document: masking is for what is shown and exported.
        await vscode.env.clipboard.writeText(prettyFrame(f.text));
        flash('DDP: frame copied');
        return;
      }
      case 'resend':
        return this.resend(m.seq, m.edit);
      case 'export':
        return this.export(m.seqs);
    }
  }

  private async resend(seq: number, edit: boolean): Promise<void> {
    const session = this.source.session;
    const f = this.source.capture.ring.get(seq);
    if (!f) throw new Error('That frame is no longer in the capture');
    const replay = f.dir === 'out' ? replayOf(f.text) : undefined;
    if (!replay) throw new Error('Only an outgoing method or sub frame can be sent again');
    if (!session || session.state !== 'connected') throw new Error('Resend needs the connection to be connected');
    let params = replay.params;
    if (edit) {
      const text = await vscode.window.showInputBox({
        title: `DDP: Edit and resend ${replay.kind === 'method' ? 'method' : 'subscription'} ${replay.name}`,
        prompt: 'Params as an EJSON array, e.g. [2, 3] or [{"$date": 0}] (empty for none)',
        value: paramsText(params),
        ignoreFocusOut: true,
        validateInput: (t) => validationMessage(validateParams(t)),
      });
      if (text === undefined) return;
      const parsed = parseParams(text);
      if (!parsed.ok) return;
      params = parsed.params;
    }
    await this.sendAgain(session, replay.kind, replay.name, params);
  }

  /**
   * The answer shows up in the inspector, linked to the new request; a failure is an answer too. A server that asks
   * for a two-factor code (Rocket.Chat) gets the same call once more with it, and a rate limiter's refusal is said
   * with its wait and a Retry once it is over, as from Call Method and Subscribe.
   */
  private async sendAgain(session: Session, kind: 'method' | 'sub', name: string, params: unknown[]): Promise<void> {
    const again = () => {
      const retried =
        session.state === 'connected'
          ? this.sendAgain(session, kind, name, params)
          : Promise.reject(new Error('Resend needs the connection to be connected'));
      void retried.catch((err: unknown) => void showError(this.env, `DDP Inspector: ${describeError(err)}`));
    };
    if (kind === 'sub') {
      const id = await session.subscribe(name, params).catch(notSentOnPurpose);
      if (id !== undefined) followSubscription(this.env, session, id, name, again);
      return;
    }
    await callWithTwoFactor(session, name, params, (request) =>
      this.env.askTwoFactorCode(`${name} on ${session.name}`, request),
    ).catch((err: unknown) => {
      const retry = rateLimited(this.env, name, err);
      if (retry) return void retry.then((yes) => (yes ? again() : undefined));
      notSentOnPurpose(err);
    });
  }

  private async export(seqs: number[] | null): Promise<void> {
    const ring = this.source.capture.ring;
    let frames: CapturedFrame[] = ring.range(ring.firstSeq);
    if (seqs) {
      const shown = `The ${seqs.length.toLocaleString('en-US')} frames shown`;
      const all = `All ${frames.length.toLocaleString('en-US')} frames`;
      const pick = await vscode.window.showQuickPick([shown, all], { placeHolder: 'Export which frames?' });
      if (!pick) return;
      if (pick === shown) frames = seqs.map((s) => ring.get(s)).filter((f): f is CapturedFrame => f !== undefined);
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    const name = `ddp-capture-${this.source.info().title.replace(/[^\w.-]+/g, '_')}-${stamp}.jsonl`;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: { 'DDP capture (JSON Lines)': ['jsonl'] },
      saveLabel: 'Export Capture',
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(
      target,
      Buffer.from(
        toJsonLines(frames, (text) => this.env.mask(text)),
        'utf8',
      ),
    );
    flash(`DDP: ${frames.length} frames exported to ${target.fsPath}`, 5000);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.subscriptions.splice(0)) d();
    this.source.dispose();
    this.panel.dispose();
    for (const l of [...this.onDisposeListeners]) l();
  }
}

/**
 * What a resend's failure means here: the server's answer (or its absence) is in the capture already, and a "No" to
 * the connection's confirmation settles quietly; only a read-only connection's refusal, which leaves no frame, is
 * shown (thrown to the caller's error notification).
 */
function notSentOnPurpose(err: unknown): void {
  if (isSessionError(err) && err.code === 'READ_ONLY') throw err;
}
