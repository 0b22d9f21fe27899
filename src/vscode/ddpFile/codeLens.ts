// CodeLens on .ddp files: "Run All" at the top, "Run" above each request.
import { COMMANDS } from '../../presentation/commands';
import * as vscode from 'vscode';
import { parseDdp } from '../../core/ddpFile/parser';
import { requestLabel } from '../../core/ddpFile/ast';

export const RUN_REQUEST = COMMANDS.runRequest;
export const RUN_ALL = COMMANDS.runAll;

export class DdpCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const file = parseDdp(document.getText());
    if (file.requests.length === 0) return [];
    const lenses: vscode.CodeLens[] = [
      new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), {
        title: '$(run-all) Run All',
        command: RUN_ALL,
        arguments: [document.uri],
      }),
    ];
    file.requests.forEach((r, index) => {
      const line = r.line - 1;
      lenses.push(
        new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
          title: '$(play) Run',
          tooltip: `Run "${requestLabel(r)}"`,
          command: RUN_REQUEST,
          arguments: [document.uri, index],
        }),
      );
    });
    return lenses;
  }
}

/** The request under the cursor (or the nearest one above it). */
export function requestAt(document: vscode.TextDocument, line: number): number | undefined {
  const file = parseDdp(document.getText());
  let found: number | undefined;
  file.requests.forEach((r, i) => {
    if (r.line - 1 <= line) found = i;
  });
  return found ?? (file.requests.length ? 0 : undefined);
}
