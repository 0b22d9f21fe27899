// DDP documents as files of a FileSystemProvider (scheme `ddp-explorer`): editable EJSON that follows the server
// while the editor is not dirty, and is saved through Meteor's `/<collection>/update` (documentSave.ts). Method
// results and the server's side of a Compare are read-only files of the same scheme. The files are `jsonc`, so that
// the state line above a stale or removed document (a comment) never becomes a Problems entry.
import * as vscode from 'vscode';
import type { ManagerChange, SessionManager } from '../../core/sessions';
import { setOwn } from '../../ddp/ejson';
import type { Fields } from '../../core/edit/modifier';
import { newDocumentText } from '../../core/edit/save';
import { exactEJSON } from '../../presentation/format';
import { documentText, type Seen } from '../../presentation/documentText';
import { RenderPacer } from '../../presentation/renderPacer';
import { forFileName } from '../../presentation/sanitize';
import { opaque, readQuery } from '../../presentation/uriQuery';
import { registerDateHints } from './dateHints';
import { createHash } from 'node:crypto';
import { saveDocument, saveNewDocument, type OpenDoc, type SaveHost, type Target } from './documentSave';
import type { Masker } from '../commands/notify';

export const SCHEME = 'ddp-explorer';
const MAX_RESULTS = 50;
/** Renderings kept per open document to recognise which version an editor holds. */
const RENDERED_KEPT = 4;
/** A rendering's key: a digest, so that a big document's versions are not kept as whole texts. */
const digest = (text: string) => createHash('sha1').update(text).digest('base64');

const segment = forFileName;

const encoder = new TextEncoder();

function snapshot(fields: Readonly<Fields>): Fields {
  const out: Fields = {};
  for (const k of Object.keys(fields)) setOwn(out, k, fields[k]);
  return out;
}

export class DocumentProvider implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  private readonly results = new Map<number, string>();
  private nextResult = 1;
  private nextNew = 1;
  /** Open document URIs by their key (session, collection, id). */
  private readonly open = new Map<string, OpenDoc>();
  private readonly pacer: RenderPacer<string>;
  private readonly disposables: vscode.Disposable[] = [];
  private clock = Date.now();
  /** Why VS Code is saving each document (Save, or auto save after a delay / on focus change). */
  private readonly saveReasons = new Map<string, vscode.TextDocumentSaveReason>();

  constructor(
    private readonly manager: SessionManager,
    private readonly log: Masker,
  ) {
    this.pacer = new RenderPacer<string>((key) => this.changed(key));
    const off = manager.onChange((c) => this.onManagerChange(c));
    const selector: vscode.DocumentSelector = { scheme: SCHEME };
    this.disposables.push(
      { dispose: off },
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme !== SCHEME) return;
        const t = this.parse(doc.uri);
        if (t?.kind === 'doc' && !t.server) {
          const key = this.key(t.s, t.c, t.d);
          this.open.delete(key);
          this.pacer.forget(key);
        }
        if (t?.kind === 'result') this.results.delete(t.r);
      }),
      // A change that came while the editor was dirty is shown once it is not (saved, reverted, undone).
      vscode.workspace.onDidSaveTextDocument((doc) => this.settle(doc)),
      vscode.workspace.onDidOpenTextDocument((doc) => this.settle(doc)),
      vscode.workspace.onWillSaveTextDocument((e) => {
        if (e.document.uri.scheme === SCHEME) this.saveReasons.set(e.document.uri.toString(), e.reason);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => this.settle(e.document)),
      ...registerDateHints(selector),
    );
  }

  private key(s: string, c: string, d: string): string {
    return JSON.stringify([s, c, d]);
  }

  /** A file time that always moves forward, so that VS Code sees every new version as newer. */
  private tick(): number {
    this.clock = Math.max(this.clock + 1, Date.now());
    return this.clock;
  }

  /** `task-1 (local).jsonc` under `/local/tasks/`: the tab names the connection, so two of them never look alike. */
  documentUri(sessionId: string, sessionName: string, collection: string, id: string): vscode.Uri {
    const uri = vscode.Uri.from({
      scheme: SCHEME,
      path: `/${segment(sessionName)}/${segment(collection)}/${segment(id)} (${segment(sessionName)}).jsonc`,
      query: opaque({ s: sessionId, c: collection, d: id }),
    });
    this.entry(sessionId, collection, id, uri);
    return uri;
  }

  /** The server's current version of a document, read-only, for the left side of a Compare. */
  serverUri(sessionId: string, sessionName: string, collection: string, id: string): vscode.Uri {
    return vscode.Uri.from({
      scheme: SCHEME,
      path: `/${segment(sessionName)}/${segment(collection)}/${segment(id)} (server, ${segment(sessionName)}).jsonc`,
      query: opaque({ s: sessionId, c: collection, d: id, server: true }),
    });
  }

  /** A new document's editor: `new-1 (local).jsonc` in the collection's folder; saving inserts it. */
  newDocumentUri(sessionId: string, sessionName: string, collection: string): vscode.Uri {
    const n = this.nextNew++;
    return vscode.Uri.from({
      scheme: SCHEME,
      path: `/${segment(sessionName)}/${segment(collection)}/new-${n} (${segment(sessionName)}).jsonc`,
      query: opaque({ s: sessionId, c: collection, n }),
    });
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
      query: opaque({ r }),
    });
  }

  parse(uri: vscode.Uri): Target | undefined {
    try {
      const q = readQuery(uri.query);
      if (typeof q.r === 'number') return { kind: 'result', r: q.r };
      if (typeof q.s === 'string' && typeof q.c === 'string' && typeof q.n === 'number')
        return { kind: 'new', s: q.s, c: q.c, n: q.n };
      if (typeof q.s === 'string' && typeof q.c === 'string' && typeof q.d === 'string')
        return q.server === true
          ? { kind: 'doc', s: q.s, c: q.c, d: q.d, server: true }
          : { kind: 'doc', s: q.s, c: q.c, d: q.d };
    } catch {
      /* not ours */
    }
    return undefined;
  }

  private entry(s: string, c: string, d: string, uri: vscode.Uri): OpenDoc {
    const key = this.key(s, c, d);
    let e = this.open.get(key);
    if (!e) {
      const mtime = this.tick();
      this.open.set(
        key,
        (e = { uri, seen: {}, mtime, loadedMtime: mtime, size: -1, pending: false, rendered: new Map() }),
      );
    }
    return e;
  }

  /** The text of a document as published now, and the fields it shows. */
  private render(t: Extract<Target, { kind: 'doc' }>, seen: Seen): { text: string; fields?: Readonly<Fields> } {
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
      seen,
      Date.now(),
    );
    return { text, fields };
  }

  private content(uri: vscode.Uri): { text: string; readonly: boolean; entry?: OpenDoc } {
    const t = this.parse(uri);
    if (!t) throw vscode.FileSystemError.FileNotFound(uri);
    if (t.kind === 'result')
      return {
        text:
          this.results.get(t.r) ?? '// This result is no longer kept (the last 50 are). Call the method again.\nnull\n',
        readonly: true,
      };
    if (t.kind === 'new') {
      const session = this.manager.get(t.s);
      return { text: newDocumentText(t.c, session?.name ?? '?'), readonly: false };
    }
    if (t.server) return { text: this.render(t, {}).text, readonly: true };
    const entry = this.entry(t.s, t.c, t.d, uri);
    return { text: '', readonly: false, entry };
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    const c = this.content(uri);
    const t = this.parse(uri);
    if (c.entry && c.entry.size < 0 && t?.kind === 'doc')
      c.entry.size = encoder.encode(this.render(t, c.entry.seen).text).length;
    const size = c.entry ? c.entry.size : encoder.encode(c.text).length;
    // While the user edits, the file's time stays the one the editor was loaded at: a save's conflict with the
    // server is decided by documentSave (field by field), not by VS Code's "the file is newer" check.
    const dirty = c.entry && this.textDocument(c.entry.uri)?.isDirty;
    return {
      type: vscode.FileType.File,
      ctime: 0,
      mtime: (dirty ? c.entry?.loadedMtime : c.entry?.mtime) ?? 0,
      size,
      permissions: c.readonly ? vscode.FilePermission.Readonly : undefined,
    };
  }

  readFile(uri: vscode.Uri): Uint8Array {
    const c = this.content(uri);
    const t = this.parse(uri);
    if (!c.entry || t?.kind !== 'doc') return encoder.encode(c.text);
    const key = this.key(t.s, t.c, t.d);
    const t0 = performance.now();
    const { text, fields } = this.render(t, c.entry.seen);
    // The version behind this text: it becomes the base of a save once the editor is seen holding the text.
    const shown = fields ?? c.entry.seen.fields;
    if (shown) {
      c.entry.rendered.set(digest(text), snapshot(shown));
      for (const old of c.entry.rendered.keys()) {
        if (c.entry.rendered.size <= RENDERED_KEPT) break;
        c.entry.rendered.delete(old);
      }
    }
    c.entry.pending = false;
    c.entry.loadedMtime = c.entry.mtime;
    const bytes = encoder.encode(text);
    c.entry.size = bytes.length;
    this.pacer.measured(key, performance.now() - t0);
    return bytes;
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const t = this.parse(uri);
    if (!t || t.kind === 'result' || (t.kind === 'doc' && t.server))
      throw vscode.FileSystemError.NoPermissions('This is a read-only view: open the document itself to edit it.');
    const reason = this.saveReasons.get(uri.toString());
    this.saveReasons.delete(uri.toString());
    // Every save is a write on the server: half-typed values must not go out because the user paused.
    if (reason !== undefined && reason !== vscode.TextDocumentSaveReason.Manual)
      throw vscode.FileSystemError.Unavailable(
        'Not saved: auto save does not write DDP documents. Save with Ctrl+S (File: Save) to send the change to the server.',
      );
    const text = new TextDecoder().decode(content);
    const host: SaveHost = { manager: this.manager, log: this.log, docs: this };
    if (t.kind === 'new') return saveNewDocument(host, uri, t, text);
    const entry = this.entry(t.s, t.c, t.d, uri);
    await saveDocument(host, uri, t, entry, text);
  }

  /** The current published fields as the base of the next save (after the user has seen them in a Compare). */
  rebase(entry: OpenDoc, fields: Readonly<Fields> | undefined): void {
    if (fields) entry.base = snapshot(fields);
  }

  /** Shows the published document in the editor again, unless the user is editing it (then once they stop). */
  private changed(key: string): void {
    const e = this.open.get(key);
    if (!e) return;
    // Pending until the editor has read this version: the editor may turn dirty before this host hears of it.
    e.pending = true;
    if (this.textDocument(e.uri)?.isDirty) return;
    e.mtime = this.tick();
    e.size = -1;
    this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri: e.uri }]);
  }

  private textDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
    const key = uri.toString();
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
  }

  /**
   * An editor of ours is not dirty: the version it holds is the base of the next save (the text VS Code shows is
   * the truth, whatever it read when), and a change that came meanwhile is shown now.
   */
  private settle(doc: vscode.TextDocument): void {
    if (doc.uri.scheme !== SCHEME || doc.isDirty) return;
    const t = this.parse(doc.uri);
    if (t?.kind !== 'doc' || t.server) return;
    const key = this.key(t.s, t.c, t.d);
    const e = this.open.get(key);
    if (!e) return;
    const base = e.rendered.get(digest(doc.getText()));
    if (base) e.base = base;
    if (e.pending) this.pacer.mark(key);
  }

  /** After a save: show what the server published (its `changed` frames may have come while the editor was dirty). */
  reloadAfterSave(entry: OpenDoc): void {
    entry.pending = true;
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

  watch(): vscode.Disposable {
    // Changes are pushed for every open document anyway.
    return new vscode.Disposable(() => undefined);
  }
  readDirectory(): [string, vscode.FileType][] {
    return [];
  }
  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions('DDP documents have no folders.');
  }
  delete(): void {
    throw vscode.FileSystemError.NoPermissions('Use "Delete Document" on the document in the DDP view.');
  }
  rename(): void {
    throw vscode.FileSystemError.NoPermissions('A document cannot be renamed: its _id is fixed.');
  }

  dispose(): void {
    this.pacer.dispose();
    for (const d of this.disposables) d.dispose();
    this.emitter.dispose();
    this.results.clear();
    this.open.clear();
  }
}
