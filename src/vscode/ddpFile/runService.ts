// Runs .ddp documents in the editor: parses them, connects through the session manager (so the tree shows the
// connection, its subscriptions and documents), keeps each file's named results for later runs, and shows the
// response beside the file.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DdpFile } from '../../core/ddpFile/ast';
import { dotenvFor } from '../../core/ddpFile/dotenv';
import { parseDdp } from '../../core/ddpFile/parser';
import {
  DEFAULT_TIMEOUT,
  runFile,
  type FileReport,
  type RequestReport,
  type RunOptions,
} from '../../core/ddpFile/runner';
import { sessionConnection, sessionFor } from '../../core/ddpFile/sessionConnection';
import { problemText } from '../../presentation/sessionLogText';
import type { RequestResult } from '../../core/ddpFile/variables';
import type { Collections } from '../../core/ddpFile/assertions';
import type { Session } from '../../core/sessions';
import { responseText } from '../../presentation/ddpFile/responseText';
import type { Ctx } from '../commands/context';
import { askTwoFactorCode } from '../commands/twoFactor';
import type { EnvironmentSwitcher } from './environments';
import type { ResponseView } from './responseView';

export interface DocumentRun {
  file: DdpFile;
  /** Undefined when the file has syntax problems (nothing ran). */
  report?: FileReport;
  collections?: Collections;
}

export class DdpRunService {
  /** Named results per file, so that running one request can use the results of earlier runs. */
  private readonly results = new Map<string, Map<string, RequestResult>>();

  constructor(
    private readonly ctx: Ctx,
    private readonly env: EnvironmentSwitcher,
    private readonly view: ResponseView,
  ) {}

  resultsFor(uri: vscode.Uri): Map<string, RequestResult> {
    const key = uri.toString();
    let m = this.results.get(key);
    if (!m) this.results.set(key, (m = new Map<string, RequestResult>()));
    return m;
  }

  /** The variable sources a document runs with (also used by hovers). */
  sources(document: vscode.TextDocument): RunOptions['sources'] {
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    const filePath = document.uri.scheme === 'file' ? document.uri.fsPath : undefined;
    return {
      environment: this.env.variables(),
      dotenv: dotenvFor(filePath, folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined),
      processEnv: (name) => process.env[name],
    };
  }

  displayName(uri: vscode.Uri): string {
    const rel = vscode.workspace.asRelativePath(uri, false);
    return rel || path.basename(uri.path);
  }

  async run(
    document: vscode.TextDocument,
    options: {
      only?: number[];
      signal?: AbortSignal;
      show?: boolean;
      onStart?: RunOptions['onStart'];
      onReport?: (r: RequestReport) => void;
    } = {},
  ): Promise<DocumentRun> {
    const file = parseDdp(document.getText());
    const name = this.displayName(document.uri);
    if (file.problems.length) {
      const first = file.problems[0];
      if (options.show !== false) {
        await this.view.show(
          `${name}\nNot run: the file has ${file.problems.length} problem${file.problems.length > 1 ? 's' : ''} (see the Problems view)\n\n` +
            file.problems.map((p) => `  line ${p.line}: ${p.message}`).join('\n') +
            '\n',
        );
      }
      this.ctx.log.warn(`${name}: not run, line ${first.line}: ${first.message}`);
      return { file };
    }
    let session: Session | undefined;
    const report = await runFile(file, {
      connect: async (url) => {
        session = await sessionFor(this.ctx.manager, url, problemText);
        this.ctx.status.setCurrent(session);
        const on = session.name;
        return sessionConnection(session, (method, request) =>
          askTwoFactorCode(this.ctx, `${method} on ${on}`, request),
        );
      },
      sources: this.sources(document),
      results: this.resultsFor(document.uri),
      timeout: DEFAULT_TIMEOUT,
      only: options.only,
      signal: options.signal,
      onStart: options.onStart,
      onReport: options.onReport,
      onSecret: (value) => this.ctx.log.addSecret(value),
    });
    if (report.connectionError) this.ctx.log.warn(`${name}: ${report.connectionError}`);
    for (const r of report.requests) {
      if (r.status !== 'skipped')
        this.ctx.log.info(
          `${name}: ${r.status === 'passed' ? '✓' : '✗'} ${r.label}${r.outcome ? ` (${r.outcome.duration} ms)` : ''}`,
        );
    }
    const collections = session?.collections();
    if (options.show !== false)
      await this.view.show(responseText(report, { file: name, url: report.url, collections, at: new Date() }));
    return { file, report, collections };
  }
}
