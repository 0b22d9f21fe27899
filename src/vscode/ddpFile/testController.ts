// The Test Explorer for .ddp files: each file is a test item, each request a test. Runs go through the same
// run service as CodeLens (same connections, same results); failed assertions show expected vs actual.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseDdp } from '../../core/ddpFile/parser';
import { requestLabel, type DdpFile } from '../../core/ddpFile/ast';
import type { RequestReport } from '../../core/ddpFile/runner';
import { requestSection } from '../../presentation/ddpFile/responseText';
import { SecretMasker } from '../../presentation/masker';
import { forLog } from '../../presentation/sanitize';
import type { DdpRunService } from './runService';

export const TEST_CONTROLLER_ID = 'ddpExplorer.ddpFiles';

export class DdpTestController implements vscode.Disposable {
  readonly controller: vscode.TestController;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly requestIndex = new WeakMap<vscode.TestItem, number>();

  constructor(private readonly runner: DdpRunService) {
    this.controller = vscode.tests.createTestController(TEST_CONTROLLER_ID, '.ddp files');
    this.controller.resolveHandler = async (item) => {
      if (!item) await this.discover();
      else if (item.uri) await this.refreshFromDisk(item.uri);
    };
    this.controller.refreshHandler = () => this.discover();
    this.controller.createRunProfile(
      'Run',
      vscode.TestRunProfileKind.Run,
      (request, token) => this.runTests(request, token),
      true,
    );
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.ddp');
    this.disposables.push(
      this.controller,
      watcher,
      watcher.onDidCreate((uri) => void this.refreshFromDisk(uri)),
      watcher.onDidChange((uri) => void this.refreshFromDisk(uri)),
      watcher.onDidDelete((uri) => this.controller.items.delete(uri.toString())),
      vscode.workspace.onDidOpenTextDocument((d) => this.refreshFromDocument(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.refreshFromDocument(e.document)),
    );
    for (const d of vscode.workspace.textDocuments) this.refreshFromDocument(d);
  }

  private async discover(): Promise<void> {
    const uris = await vscode.workspace.findFiles('**/*.ddp', '**/node_modules/**', 2000);
    await Promise.all(uris.map((u) => this.refreshFromDisk(u)));
  }

  private async refreshFromDisk(uri: vscode.Uri): Promise<void> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return this.refreshFromDocument(open);
    try {
      const bytes = await vscode.workspace.fs.readFile(uri);
      this.refresh(uri, parseDdp(new TextDecoder().decode(bytes)));
    } catch {
      this.controller.items.delete(uri.toString());
    }
  }

  private refreshFromDocument(document: vscode.TextDocument): void {
    if (document.languageId !== 'ddp' || document.uri.scheme === 'git') return;
    this.refresh(document.uri, parseDdp(document.getText()));
  }

  private fileItem(uri: vscode.Uri): vscode.TestItem {
    const id = uri.toString();
    let item = this.controller.items.get(id);
    if (!item) {
      item = this.controller.createTestItem(id, path.posix.basename(uri.path), uri);
      this.controller.items.add(item);
    }
    return item;
  }

  private refresh(uri: vscode.Uri, file: DdpFile): vscode.TestItem {
    const item = this.fileItem(uri);
    item.error = file.problems.length
      ? `${file.problems.length} problem(s); line ${file.problems[0].line}: ${file.problems[0].message}`
      : undefined;
    const children = file.requests.map((r, index) => {
      const child = this.controller.createTestItem(`${uri.toString()}#${index}`, requestLabel(r), uri);
      child.range = new vscode.Range(r.line - 1, 0, r.endLine - 1, 0);
      this.requestIndex.set(child, index);
      return child;
    });
    item.children.replace(children);
    return item;
  }

  private async runTests(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    const run = this.controller.createTestRun(request);
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort());
    try {
      const byFile = new Map<string, { file: vscode.TestItem; requests: vscode.TestItem[] }>();
      const roots: vscode.TestItem[] = [];
      if (request.include) roots.push(...request.include);
      else this.controller.items.forEach((i) => roots.push(i));
      const excluded = new Set((request.exclude ?? []).map((i) => i.id));
      for (const item of roots) {
        if (excluded.has(item.id)) continue;
        const fileItem = item.parent ?? item;
        if (!fileItem.uri) continue;
        const entry = byFile.get(fileItem.id) ?? { file: fileItem, requests: [] };
        byFile.set(fileItem.id, entry);
        if (item.parent) entry.requests.push(item);
        else item.children.forEach((c) => void (excluded.has(c.id) ? undefined : entry.requests.push(c)));
      }
      for (const { file, requests } of byFile.values()) {
        if (abort.signal.aborted) break;
        await this.runFileItem(run, file, requests, abort.signal);
      }
    } finally {
      cancel.dispose();
      run.end();
    }
  }

  private async runFileItem(
    run: vscode.TestRun,
    fileItem: vscode.TestItem,
    requests: vscode.TestItem[],
    signal: AbortSignal,
  ): Promise<void> {
    const uri = fileItem.uri!;
    const document = await vscode.workspace.openTextDocument(uri);
    const file = this.refresh(uri, parseDdp(document.getText()));
    // The refresh made new items: map the chosen ones onto them by index.
    const wanted = new Set(requests.map((r) => this.requestIndex.get(r) ?? -1));
    const items = new Map<number, vscode.TestItem>();
    file.children.forEach((c) => {
      const i = this.requestIndex.get(c);
      if (i !== undefined && (wanted.size === 0 || wanted.has(i))) items.set(i, c);
    });
    for (const item of items.values()) run.enqueued(item);
    const name = this.runner.displayName(uri);
    const result = await this.runner.run(document, {
      only: [...items.keys()].sort((a, b) => a - b),
      signal,
      show: false,
      onStart: (index) => {
        const item = items.get(index);
        if (item) run.started(item);
      },
      onReport: (r) => {
        const item = items.get(r.index);
        if (!item) return;
        this.output(run, r, name, item);
        if (r.status === 'passed') run.passed(item, r.outcome?.duration);
        else if (r.status === 'skipped') run.skipped(item);
        else run.failed(item, this.messages(r, uri), r.outcome?.duration);
      },
    });
    if (!result.report) {
      const messages = result.file.problems.map((p) => {
        const m = new vscode.TestMessage(`line ${p.line}: ${p.message}`);
        m.location = new vscode.Location(uri, new vscode.Position(p.line - 1, 0));
        return m;
      });
      for (const item of items.values()) run.errored(item, messages);
      run.errored(fileItem, messages);
    } else if (result.report.connectionError) {
      const message = new vscode.TestMessage(result.report.connectionError);
      for (const item of items.values()) run.errored(item, message);
    }
  }

  private output(run: vscode.TestRun, r: RequestReport, file: string, item: vscode.TestItem): void {
    const masker = new SecretMasker();
    for (const s of r.secrets) masker.add(s);
    const text = requestSection(r, { file }, masker).join('\r\n');
    run.appendOutput(`${text}\r\n\r\n`, undefined, item);
  }

  private messages(r: RequestReport, uri: vscode.Uri): vscode.TestMessage[] {
    const secrets = new SecretMasker();
    for (const s of r.secrets) secrets.add(s);
    // Plain-text messages, with the server's control characters made visible.
    const masker = { mask: (text: string) => forLog(secrets.mask(text)) };
    const out: vscode.TestMessage[] = [];
    if (r.failure) {
      const m = new vscode.TestMessage(masker.mask(r.failure));
      m.location = new vscode.Location(uri, new vscode.Position(r.request.commandLine - 1, 0));
      out.push(m);
    }
    for (const a of r.assertions) {
      if (a.pass) continue;
      const m = vscode.TestMessage.diff(
        `expect ${a.text}${a.message ? ` (${masker.mask(a.message)})` : ''}`,
        masker.mask(a.expected),
        masker.mask(a.actual),
      );
      m.location = new vscode.Location(uri, new vscode.Position(a.line - 1, 0));
      out.push(m);
    }
    return out;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
