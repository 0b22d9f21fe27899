// The one status bar item: `$(plug) DDP: <name>` and the state of the current connection.
import * as vscode from 'vscode';
import type { Session, SessionManager } from '../../core/sessions';
import type { CountdownClock } from '../../presentation/clock';
import { snapshot, statusBarView } from '../../presentation/statusText';
import { COMMANDS } from '../../presentation/commands';
import { connectionColorId } from '../../core/config';

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private currentId: string | undefined;
  private pending: NodeJS.Timeout | undefined;

  private readonly offTick: () => void;

  /** `clock`: the one the tree reads too, so both show the same countdown. */
  constructor(
    private readonly manager: SessionManager,
    private readonly clock: CountdownClock,
  ) {
    this.offTick = clock.onTick(() => this.update());
    this.item = vscode.window.createStatusBarItem('ddpExplorer.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'DDP Explorer';
    this.item.command = COMMANDS.statusActions;
    this.update();
  }

  /** The connection the item shows: the chosen one if it still exists, else the first active, else the first. */
  get current(): Session | undefined {
    const chosen = this.currentId ? this.manager.get(this.currentId) : undefined;
    if (chosen) return chosen;
    const list = this.manager.list();
    return list.find((s) => s.isActive) ?? list[0];
  }

  setCurrent(session: Session | undefined): void {
    this.currentId = session?.id;
    this.update();
  }

  /** Updates soon (several changes in a burst give one update). */
  schedule(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.update();
    }, 100);
  }

  update(): void {
    const s = this.current;
    if (!s) {
      this.item.hide();
      return;
    }
    const view = statusBarView(snapshot(s), this.clock.now(), this.manager.list().length - 1);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip; // plain text: server strings are never markdown here
    this.item.backgroundColor =
      view.tone === 'warning'
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : view.tone === 'error'
          ? new vscode.ThemeColor('statusBarItem.errorBackground')
          : undefined;
    // The connection's own colour (a production connection in red), unless a state background is on: VS Code
    // allows only the warning and error backgrounds, and those keep meaning the connection's state.
    const color = view.tone === 'normal' ? connectionColorId(s.config.color) : undefined;
    this.item.color = color ? new vscode.ThemeColor(color) : undefined;
    this.item.show();
  }

  dispose(): void {
    this.offTick();
    if (this.pending) clearTimeout(this.pending);
    this.pending = undefined;
    this.item.dispose();
  }
}
