// Everything .ddp files add to the extension: commands, CodeLens, the response view, environments, the Test
// Explorer controller, completions, hovers and diagnostics. extension.ts calls this once.
import * as vscode from 'vscode';
import type { Ctx } from '../commands/context';
import { register } from '../commands/context';
import { COMMANDS } from '../../presentation/commands';
import { showWarning } from '../commands/notify';
import { DdpCodeLensProvider, requestAt } from './codeLens';
import { EnvironmentSwitcher } from './environments';
import { ResponseView } from './responseView';
import { DdpRunService } from './runService';
import { DdpTestController } from './testController';
import { registerLanguageFeatures } from './languageFeatures';

export const DDP_SELECTOR: vscode.DocumentSelector = { language: 'ddp' };

async function documentFor(ctx: Ctx, uri: unknown): Promise<vscode.TextDocument | undefined> {
  if (uri instanceof vscode.Uri) return vscode.workspace.openTextDocument(uri);
  const editor = vscode.window.activeTextEditor;
  if (editor?.document.languageId === 'ddp') return editor.document;
  void showWarning(ctx.log, 'Open a .ddp file to run its requests.');
  return undefined;
}

export function registerDdpFiles(ctx: Ctx): vscode.Disposable[] {
  const env = new EnvironmentSwitcher(ctx.ext);
  const view = new ResponseView();
  const runner = new DdpRunService(ctx, env, view);
  const tests = new DdpTestController(runner);
  return [
    env,
    view,
    tests,
    vscode.languages.registerCodeLensProvider(DDP_SELECTOR, new DdpCodeLensProvider()),
    register(ctx, COMMANDS.selectEnvironment, () => env.pick()),
    register(ctx, COMMANDS.runRequest, async (uri?: unknown, index?: unknown) => {
      const document = await documentFor(ctx, uri);
      if (!document) return undefined;
      const i =
        typeof index === 'number'
          ? index
          : requestAt(document, vscode.window.activeTextEditor?.selection.active.line ?? 0);
      if (i === undefined) {
        void showWarning(ctx.log, 'This .ddp file has no request to run.');
        return undefined;
      }
      return (await runner.run(document, { only: [i] })).report;
    }),
    register(ctx, COMMANDS.runAll, async (uri?: unknown) => {
      const document = await documentFor(ctx, uri);
      if (!document) return undefined;
      return (await runner.run(document)).report;
    }),
    ...registerLanguageFeatures(ctx, runner, env),
  ];
}
