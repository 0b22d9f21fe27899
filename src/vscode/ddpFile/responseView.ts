// The one response editor of .ddp runs: a read-only virtual document beside the file, reused by every run. Its
// text is plain (never markdown or HTML), so whatever the server sent is shown, never interpreted.
import * as vscode from 'vscode';

export const RESPONSE_SCHEME = 'ddp-response';

export class ResponseView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  readonly uri = vscode.Uri.from({ scheme: RESPONSE_SCHEME, path: '/DDP Response' });
  private text = '';
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(RESPONSE_SCHEME, this);
  }

  provideTextDocumentContent(): string {
    return this.text;
  }

  get content(): string {
    return this.text;
  }

  /** Replaces the text and shows the editor beside the active one (without taking the focus). */
  async show(text: string): Promise<void> {
    this.text = text;
    this.emitter.fire(this.uri);
    const visible = vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === this.uri.toString());
    if (visible) return;
    const doc = await vscode.workspace.openTextDocument(this.uri);
    await vscode.window.showTextDocument(doc, {
      viewColumn: vscode.ViewColumn.Beside,
      preserveFocus: true,
      preview: false,
    });
  }

  dispose(): void {
    this.registration.dispose();
    this.emitter.dispose();
  }
}
