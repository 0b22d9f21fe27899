// Environments for .ddp files: the `ddpExplorer.environments` setting and the one selected with the status-bar
// switcher (kept per workspace). The status bar item shows while a .ddp file is the active editor.
import { COMMANDS } from '../../presentation/commands';
import * as vscode from 'vscode';
import { environmentVariables, parseEnvironments, type Environments } from '../../core/ddpFile/environments';

const SELECTED = 'ddpExplorer.ddp.environment';
export const SELECT_ENVIRONMENT = COMMANDS.selectEnvironment;

export class EnvironmentSwitcher implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly ext: vscode.ExtensionContext) {
    this.item = vscode.window.createStatusBarItem('ddpExplorer.ddpEnvironment', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'DDP Environment';
    this.item.command = SELECT_ENVIRONMENT;
    this.disposables.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('ddpExplorer.environments')) this.update();
      }),
    );
    this.update();
  }

  environments(): Environments {
    return parseEnvironments(vscode.workspace.getConfiguration('ddpExplorer').get('environments'));
  }

  /** The selected environment, if it still exists. */
  get selected(): string | undefined {
    const name = this.ext.workspaceState.get<string>(SELECTED);
    return name !== undefined && this.environments().named.has(name) ? name : undefined;
  }

  variables(): Record<string, unknown> {
    return environmentVariables(this.environments(), this.selected);
  }

  private update(): void {
    const editor = vscode.window.activeTextEditor;
    if (editor?.document.languageId !== 'ddp') {
      this.item.hide();
      return;
    }
    const selected = this.selected;
    this.item.text = `$(server-environment) ${selected ?? 'No Environment'}`;
    this.item.tooltip =
      'DDP Explorer: the environment .ddp files run with (setting "ddpExplorer.environments"). Click to switch.';
    this.item.show();
  }

  async pick(): Promise<void> {
    const envs = this.environments();
    const none = 'No Environment';
    const items: vscode.QuickPickItem[] = [
      { label: none, description: "only $shared and the file's variables" },
      ...[...envs.named.keys()].map((name) => ({
        label: name,
        description: name === this.selected ? 'selected' : undefined,
      })),
    ];
    if (envs.named.size === 0)
      items.push({ label: 'Add environments in settings…', description: 'ddpExplorer.environments' });
    const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Environment for .ddp files' });
    if (!picked) return;
    if (picked.label === 'Add environments in settings…') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'ddpExplorer.environments');
      return;
    }
    await this.ext.workspaceState.update(SELECTED, picked.label === none ? undefined : picked.label);
    this.update();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
