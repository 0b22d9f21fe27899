// Read-only virtual documents: DDP documents (updated live) and method results, as exact EJSON. They are `jsonc`, so
// that the state lines written above a document that is stale or gone (comments) never become Problems entries.
import * as vscode from 'vscode';
import type { ManagerChange, SessionManager } from '../../core/sessions';
import { exactEJSON } from '../../presentation/format';
import { findEjsonDates } from '../../presentation/dateHints';
import { documentText, type Seen } from '../../presentation/documentText';
import { RenderPacer } from '../../presentation/renderPacer';
import { forFileName, forMarkdown } from '../../presentation/sanitize';

export const SCHEME = 'ddp-explorer';
const MAX_RESULTS = 50;

type Target = { kind: 'doc'; s: string; c: string; d: string } | { kind: 'result'; r: number };

const segment = forFileName;

export class DocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly results = new Map<number, string>();
  private nextResult = 1;
  /** Open document URIs by their key (session, collection, id), with what was last shown of them. */
  private readonly open = new Map<string, { uri: vscode.Uri; seen: Seen }>();
  private readonly pacer: RenderPacer<string>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly manager: SessionManager) {
    this.pacer = new RenderPacer<string>((key) => {
      const o = this.open.get(key);
      if (o) this.emitter.fire(o.uri);
    });
    const off = manager.onChange((c) => this.onManagerChange(c));
    const selector: vscode.DocumentSelector = { scheme: SCHEME };
    this.disposables.push(
      { dispose: off },
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme !== SCHEME) return;
        const t = this.parse(doc.uri);
        if (t?.kind === 'doc') {
          const key = this.key(t.s, t.c, t.d);
          this.open.delete(key);
          this.pacer.forget(key);
        }
        if (t?.kind === 'result') this.results.delete(t.r);
      }),
      vscode.languages.registerInlayHintsProvider(selector, {
        provideInlayHints: (doc, range) => {
          // Only the visible range: a multi-megabyte document is not copied whole on every scroll.
          const base = doc.offsetAt(range.start);
          return findEjsonDates(doc.getText(range)).map((d) => {
            const hint = new vscode.InlayHint(doc.positionAt(base + d.end), d.iso, vscode.InlayHintKind.Type);
            hint.paddingLeft = true;
            hint.tooltip = 'The EJSON date as ISO 8601 (UTC); the text stays EJSON.';
            return hint;
          });
        },
      }),
      vscode.languages.registerHoverProvider(selector, {
        provideHover: (doc, pos) => {
          const line = doc.lineAt(pos.line);
          const base = doc.offsetAt(line.range.start);
          const at = doc.offsetAt(pos);
          const d = findEjsonDates(doc.getText(line.range)).find((x) => base + x.start <= at && at <= base + x.end);
          if (!d) return undefined;
          const range = new vscode.Range(doc.positionAt(base + d.start), doc.positionAt(base + d.end));
          return new vscode.Hover(new vscode.MarkdownString(forMarkdown(`Date ${d.iso}`)), range);
        },
      }),
    );
  }

  private key(s: string, c: string, d: string): string {
    return JSON.stringify([s, c, d]);
  }

  /** `task-1 (local).jsonc` under `/local/tasks/`: the tab names the connection, so two of them never look alike. */
  documentUri(sessionId: string, sessionName: string, collection: string, id: string): vscode.Uri {
    const uri = vscode.Uri.from({
      scheme: SCHEME,
      path: `/${segment(sessionName)}/${segment(collection)}/${segment(id)} (${segment(sessionName)}).jsonc`,
      query: JSON.stringify({ s: sessionId, c: collection, d: id }),
    });
    const key = this.key(sessionId, collection, id);
    if (!this.open.has(key)) this.open.set(key, { uri, seen: {} });
    return uri;
  }

  resultUri(method: string, value: unknown): vscode.Uri {
    return this.textUri(
      method,
      value === undefined ? '// The method returned no result.\nnull\n' : exactEJSON(value) + '\n',
    );
  }

  /** A read-only tab of prepared JSON text (query results), kept like method results. */
  textUri(name: string, text: string): vscode.Uri {
    const r = this.nextResult++;
    this.results.set(r, text);
    for (const old of this.results.keys()) {
      if (this.results.size <= MAX_RESULTS) break;
      this.results.delete(old);
    }
    return vscode.Uri.from({
      scheme: SCHEME,
      path: `/results/${segment(name)}-${r}.jsonc`,
      query: JSON.stringify({ r }),
    });
  }

  private parse(uri: vscode.Uri): Target | undefined {
    try {
      const q = JSON.parse(uri.query) as Record<string, unknown>;
      if (typeof q.r === 'number') return { kind: 'result', r: q.r };
      if (typeof q.s === 'string' && typeof q.c === 'string' && typeof q.d === 'string')
        return { kind: 'doc', s: q.s, c: q.c, d: q.d };
    } catch {
      /* not ours */
    }
    return undefined;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const t = this.parse(uri);
    if (!t) return '// Not a DDP Explorer document.\nnull\n';
    if (t.kind === 'result')
      return (
        this.results.get(t.r) ?? '// This result is no longer kept (the last 50 are). Call the method again.\nnull\n'
      );
    const key = this.key(t.s, t.c, t.d);
    let entry = this.open.get(key);
    if (!entry) this.open.set(key, (entry = { uri, seen: {} }));
    const t0 = performance.now();
    const session = this.manager.get(t.s);
    const fields = session?.document(t.c, t.d);
    const { text } = documentText(
      {
        session: session && {
          name: session.name,
          connected: session.isActive,
          staleSince: session.freshness.staleSince,
        },
        collection: t.c,
        id: t.d,
      },
      fields,
      entry.seen,
      Date.now(),
    );
    this.pacer.measured(key, performance.now() - t0);
    return text;
  }

  private onManagerChange(c: ManagerChange): void {
    if (this.open.size === 0) return;
    if (c.type === 'sessions') {
      for (const k of this.open.keys()) this.pacer.mark(k);
      return;
    }
    const ch = c.change;
    if (ch.type === 'collections' || ch.type === 'freshness') {
      for (const k of this.open.keys()) if ((JSON.parse(k) as string[])[0] === c.session.id) this.pacer.mark(k);
    } else if (ch.type === 'doc') {
      const k = this.key(c.session.id, ch.collection, ch.id);
      if (this.open.has(k)) this.pacer.mark(k);
    }
  }

  /** Re-renders every open document. */
  refreshAll(): void {
    for (const k of this.open.keys()) this.pacer.mark(k);
  }

  dispose(): void {
    this.pacer.dispose();
    for (const d of this.disposables) d.dispose();
    this.emitter.dispose();
    this.results.clear();
    this.open.clear();
  }
}
