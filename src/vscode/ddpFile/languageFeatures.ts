// Editing .ddp files: diagnostics as you type (syntax problems, unknown variables), completions (method and
// publication names from the workspace's Meteor code and from history, variables, assertion subjects) and hovers
// showing a variable's current value (secrets masked). Hovers are plain text: values may come from a server.
import * as vscode from 'vscode';
import { parseDdp } from '../../core/ddpFile/parser';
import { findReferences, asText } from '../../core/ddpFile/template';
import { knownReference, looksSecret, fileVariables, Resolver } from '../../core/ddpFile/variables';
import { meteorNames, type MeteorNames } from '../../core/ddpFile/meteorNames';
import { show } from '../../core/ddpFile/assertions';
import { forMarkdown } from '../../presentation/sanitize';
import { recent, type Ctx } from '../commands/context';
import type { DdpRunService } from './runService';
import type { EnvironmentSwitcher } from './environments';

const SELECTOR: vscode.DocumentSelector = { language: 'ddp' };
const RECENT_METHODS = 'ddpExplorer.recentMethods';
const RECENT_PUBS = 'ddpExplorer.recentPublications';
const DYNAMIC = ['$guid', '$timestamp', '$randomInt 1 100', '$dotenv NAME', '$processEnv NAME'];

/**
 * Method and publication names found in the workspace's JavaScript/TypeScript. Each file is read once and again only
 * after it changes, so completions after an edit cost one file, not the workspace.
 */
class WorkspaceNames implements vscode.Disposable {
  private readonly byFile = new Map<string, MeteorNames>();
  private listed: Promise<vscode.Uri[]> | undefined;
  private readonly watcher = vscode.workspace.createFileSystemWatcher('**/*.{js,jsx,ts,tsx,mjs,cjs}');
  constructor() {
    this.watcher.onDidChange((uri) => this.byFile.delete(uri.toString()));
    this.watcher.onDidCreate(() => (this.listed = undefined));
    this.watcher.onDidDelete((uri) => {
      this.byFile.delete(uri.toString());
      this.listed = undefined;
    });
  }
  async get(): Promise<MeteorNames> {
    this.listed ??= Promise.resolve(
      vscode.workspace.findFiles(
        '**/*.{js,jsx,ts,tsx,mjs,cjs}',
        '{**/node_modules/**,**/.meteor/**,**/dist/**,**/build/**}',
        3000,
      ),
    );
    const files = await this.listed;
    const methods = new Set<string>();
    const publications = new Set<string>();
    for (const uri of files) {
      const key = uri.toString();
      let names = this.byFile.get(key);
      if (!names) {
        names = await this.read(uri);
        this.byFile.set(key, names);
      }
      names.methods.forEach((m) => methods.add(m));
      names.publications.forEach((p) => publications.add(p));
    }
    return { methods: [...methods], publications: [...publications] };
  }
  private async read(uri: vscode.Uri): Promise<MeteorNames> {
    try {
      const bytes = await vscode.workspace.fs.readFile(uri);
      if (bytes.length > 1_000_000) return { methods: [], publications: [] };
      const text = new TextDecoder().decode(bytes);
      if (!text.includes('Meteor.') && !text.includes('ValidatedMethod')) return { methods: [], publications: [] };
      return meteorNames(text);
    } catch {
      return { methods: [], publications: [] };
    }
  }
  dispose(): void {
    this.watcher.dispose();
  }
}

export function registerLanguageFeatures(
  ctx: Ctx,
  runner: DdpRunService,
  env: EnvironmentSwitcher,
): vscode.Disposable[] {
  const diagnostics = vscode.languages.createDiagnosticCollection('ddp');
  const names = new WorkspaceNames();
  const timers = new Map<string, NodeJS.Timeout>();

  const check = (document: vscode.TextDocument) => {
    if (document.languageId !== 'ddp') return;
    const file = parseDdp(document.getText());
    const environment = env.variables();
    const list: vscode.Diagnostic[] = file.problems.map((p) => {
      const line = document.lineAt(Math.min(p.line - 1, document.lineCount - 1));
      const d = new vscode.Diagnostic(line.range, p.message, vscode.DiagnosticSeverity.Error);
      d.source = 'ddp';
      return d;
    });
    for (let i = 0; i < document.lineCount; i++) {
      const text = document.lineAt(i).text;
      const trimmed = text.trim();
      if (trimmed.startsWith('#') || trimmed.startsWith('//')) continue;
      for (const ref of findReferences(text)) {
        if (knownReference(ref.expr, file, environment)) continue;
        const d = new vscode.Diagnostic(
          new vscode.Range(i, ref.start, i, ref.end),
          ref.expr.startsWith('$')
            ? `Unknown dynamic variable {{${ref.expr}}}`
            : `Unknown variable {{${ref.expr}}}: not a file variable, an environment variable or a named request`,
          vscode.DiagnosticSeverity.Warning,
        );
        d.source = 'ddp';
        list.push(d);
      }
    }
    diagnostics.set(document.uri, list);
  };
  const schedule = (document: vscode.TextDocument) => {
    if (document.languageId !== 'ddp') return;
    const key = document.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        check(document);
      }, 150),
    );
  };

  const completion: vscode.CompletionItemProvider = {
    async provideCompletionItems(document, position) {
      const prefix = document.lineAt(position.line).text.slice(0, position.character);
      const variable = /\{\{\s*([\w$.-]*)$/.exec(prefix);
      if (variable) {
        const file = parseDdp(document.getText());
        const start = position.translate(0, -variable[1].length);
        const range = new vscode.Range(start, position);
        const items: vscode.CompletionItem[] = [];
        const add = (label: string, kind: vscode.CompletionItemKind, detail: string) => {
          const item = new vscode.CompletionItem(label, kind);
          item.detail = detail;
          item.range = range;
          items.push(item);
        };
        for (const v of file.variables) add(v.name, vscode.CompletionItemKind.Variable, 'file variable');
        for (const k of Object.keys(env.variables()))
          add(k, vscode.CompletionItemKind.Variable, `environment ${env.selected ?? '$shared'}`);
        for (const r of file.requests) {
          if (!r.name) continue;
          for (const part of ['result', 'error', 'duration'])
            add(`${r.name}.${part}`, vscode.CompletionItemKind.Reference, 'an earlier result');
        }
        for (const d of DYNAMIC) add(d, vscode.CompletionItemKind.Function, 'dynamic variable');
        return items;
      }
      const command = /^\s*(CALL|SUBSCRIBE|UNSUBSCRIBE)\s+([\w.:/-]*)$/i.exec(prefix);
      if (command) {
        const isCall = command[1].toUpperCase() === 'CALL';
        const found = await names.get();
        const history = recent(ctx, isCall ? RECENT_METHODS : RECENT_PUBS);
        const range = new vscode.Range(position.translate(0, -command[2].length), position);
        const seen = new Set<string>();
        const items: vscode.CompletionItem[] = [];
        const add = (label: string, detail: string) => {
          if (seen.has(label)) return;
          seen.add(label);
          const item = new vscode.CompletionItem(
            label,
            isCall ? vscode.CompletionItemKind.Method : vscode.CompletionItemKind.Event,
          );
          item.detail = detail;
          item.range = range;
          items.push(item);
        };
        for (const n of isCall ? found.methods : found.publications)
          add(n, isCall ? 'Meteor method in this workspace' : 'publication in this workspace');
        for (const n of history) add(n, 'recently used');
        return items;
      }
      if (/^\s*>\s*expect\s+collection\s+[^\s{}]+\s+\w*$/.test(prefix)) {
        const where = new vscode.CompletionItem('where', vscode.CompletionItemKind.Keyword);
        where.insertText = new vscode.SnippetString('where { ${1:done: true} } count == ${2:1}');
        where.detail = 'count the documents a MongoDB selector matches';
        return [where, ...['count', 'doc'].map((s) => new vscode.CompletionItem(s, vscode.CompletionItemKind.Keyword))];
      }
      if (/^\s*>\s*expect\s+\w*$/.test(prefix)) {
        return ['result', 'error', 'duration', 'ready', 'collection'].map(
          (s) => new vscode.CompletionItem(s, vscode.CompletionItemKind.Keyword),
        );
      }
      return [];
    },
  };

  const hover: vscode.HoverProvider = {
    provideHover(document, position) {
      const text = document.lineAt(position.line).text;
      const ref = findReferences(text).find((r) => position.character >= r.start && position.character <= r.end);
      if (!ref) return undefined;
      const file = parseDdp(document.getText());
      const sources = runner.sources(document);
      const resolver = new Resolver({
        ...sources,
        file: fileVariables(file),
        results: runner.resultsFor(document.uri),
      });
      const secretName = ref.expr.startsWith('$')
        ? (ref.expr.split(/\s+/)[1] ?? '')
        : (/^[\w-]+/.exec(ref.expr)?.[0] ?? '');
      // Values may come from a server: the hover is markdown-escaped text, never markdown.
      let value: string;
      if (/^\$(guid|timestamp|randomInt)/.test(ref.expr)) value = 'A new value on every use';
      else {
        try {
          const r = resolver.resolve(ref.expr);
          value =
            looksSecret(secretName) || looksSecretRef(ref.expr, file)
              ? '*** (secret)'
              : r.kind === 'text'
                ? JSON.stringify(asText(r))
                : show(r.value);
        } catch (err) {
          value = err instanceof Error ? err.message : String(err);
        }
      }
      const md = new vscode.MarkdownString(forMarkdown(`{{${ref.expr}}}\n${value}`));
      return new vscode.Hover(md, new vscode.Range(position.line, ref.start, position.line, ref.end));
    },
  };

  return [
    diagnostics,
    names,
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => diagnostics.delete(d.uri)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('ddpExplorer.environments')) vscode.workspace.textDocuments.forEach(check);
    }),
    vscode.languages.registerCompletionItemProvider(SELECTOR, completion, '{', ' '),
    vscode.languages.registerHoverProvider(SELECTOR, hover),
    ...vscode.workspace.textDocuments.map((d) => {
      check(d);
      return { dispose() {} };
    }),
  ];
}

/** A variable used as a LOGIN password, or a login result's token, is a secret whatever its name. */
function looksSecretRef(expr: string, file: ReturnType<typeof parseDdp>): boolean {
  if (/\.result\.token\b/.test(expr)) return true;
  return file.requests.some((r) => r.command.kind === 'login' && r.command.password.includes(`{{${expr}}}`));
}
