// Read-only virtual JSON documents: DDP documents (updated live) and method results.
import * as vscode from 'vscode';
import type { ManagerChange, SessionManager } from '../../core/sessions';
import { Coalescer } from '../../presentation/coalescer';
import { prettyEJSON } from '../../presentation/logFormat';

export const SCHEME = 'ddp-explorer';
const MAX_RESULTS = 50;

type Target = { kind: 'doc'; s: string; c: string; d: string } | { kind: 'result'; r: number };

function segment(text: string): string {
  return text.replace(/[\\/?#%]/g, '_').slice(0, 80) || '_';
}

export class DocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly results = new Map<number, string>();
  private nextResult = 1;
  /** Open document URIs by their key (session, collection, id). */
  private readonly open = new Map<string, vscode.Uri>();
  private readonly coalescer: Coalescer<string>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly manager: SessionManager) {
    this.coalescer = new Coalescer<string>((keys) => this.flush(keys), 200);
    const off = manager.onChange((c) => this.onManagerChange(c));
    this.disposables.push(
      { dispose: off },
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme !== SCHEME) return;
        const t = this.parse(doc.uri);
        if (t?.kind === 'doc') this.open.delete(this.key(t.s, t.c, t.d));
        if (t?.kind === 'result') this.results.delete(t.r);
      }),
    );
  }

  private key(s: string, c: string, d: string): string {
    return JSON.stringify([s, c, d]);
  }

  documentUri(sessionId: string, sessionName: string, collection: string, id: string): vscode.Uri {
    const uri = vscode.Uri.from({
      scheme: SCHEME,
      path: `/${segment(sessionName)}/${segment(collection)}/${segment(id)}.json`,
      query: JSON.stringify({ s: sessionId, c: collection, d: id }),
    });
    this.open.set(this.key(sessionId, collection, id), uri);
    return uri;
  }

  resultUri(method: string, value: unknown): vscode.Uri {
    const r = this.nextResult++;
    this.results.set(r, prettyEJSON(value) + '\n');
    for (const old of this.results.keys()) {
      if (this.results.size <= MAX_RESULTS) break;
      this.results.delete(old);
    }
    return vscode.Uri.from({ scheme: SCHEME, path: `/results/${segment(method)}-${r}.json`, query: JSON.stringify({ r }) });
  }

  private parse(uri: vscode.Uri): Target | undefined {
    try {
      const q = JSON.parse(uri.query) as Record<string, unknown>;
      if (typeof q.r === 'number') return { kind: 'result', r: q.r };
      if (typeof q.s === 'string' && typeof q.c === 'string' && typeof q.d === 'string') return { kind: 'doc', s: q.s, c: q.c, d: q.d };
    } catch {
      /* not ours */
    }
    return undefined;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const t = this.parse(uri);
    if (!t) return '// Unknown DDP Explorer document\n';
    if (t.kind === 'result') return this.results.get(t.r) ?? '// This result is no longer available\n';
    const session = this.manager.get(t.s);
    const fields = session?.client?.collections.get(t.c)?.get(t.d);
    if (!fields) {
      const where = session ? `${session.name} / ${t.c}` : t.c;
      return `// Document ${JSON.stringify(t.d)} is not in ${where} (removed, or not subscribed)\n`;
    }
    return prettyEJSON({ _id: t.d, ...fields }) + '\n';
  }

  private onManagerChange(c: ManagerChange): void {
    if (this.open.size === 0) return;
    if (c.type === 'sessions') {
      this.coalescer.markAll();
      return;
    }
    const ch = c.change;
    if (ch.type === 'collections') {
      for (const k of this.open.keys()) if ((JSON.parse(k) as string[])[0] === c.session.id) this.coalescer.mark(k);
    } else if (ch.type === 'doc') {
      const k = this.key(c.session.id, ch.collection, ch.id);
      if (this.open.has(k)) this.coalescer.mark(k);
    }
  }

  private flush(keys: string[] | 'all'): void {
    const list = keys === 'all' ? [...this.open.keys()] : keys;
    for (const k of list) {
      const uri = this.open.get(k);
      if (uri) this.emitter.fire(uri);
    }
  }

  /** Re-renders every open document. */
  refreshAll(): void {
    this.coalescer.markAll();
  }

  dispose(): void {
    this.coalescer.dispose();
    for (const d of this.disposables) d.dispose();
    this.emitter.dispose();
    this.results.clear();
    this.open.clear();
  }
}
