// The TreeDataProvider: children from the model, refreshes coalesced (about ten a second) and fired for
// the changed nodes only, so that a busy server leaves the window responsive and expansion intact.
import * as vscode from 'vscode';
import type { ManagerChange, SessionManager } from '../../core/sessions';
import { Coalescer } from '../../presentation/coalescer';
import { CountdownClock } from '../../presentation/clock';
import { treeItem } from './items';
import type { TreeModel, TreeNode } from '../../presentation/tree/model';

export class DdpTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly coalescer: Coalescer<string>;
  private readonly offManager: () => void;
  private readonly offTick: () => void;
  private readonly ownClock: boolean;
  readonly clock: CountdownClock;
  /** Called after each flush (the status bar follows the tree). */
  onFlush: (() => void) | undefined;

  constructor(
    readonly model: TreeModel,
    private readonly manager: SessionManager,
    /** The countdown clock shared with the status bar (the model's `now` must read it too). */
    clock?: CountdownClock,
  ) {
    this.clock = clock ?? reconnectClock(manager);
    this.ownClock = !clock;
    this.coalescer = new Coalescer<string>((keys) => this.flush(keys), 100);
    this.offManager = manager.onChange((c) => this.onManagerChange(c));
    // While a connection waits to reconnect, its row redraws when the clock's whole seconds change.
    this.offTick = this.clock.onTick(() => {
      for (const s of this.manager.list())
        if (s.state === 'reconnecting') this.coalescer.mark(this.model.connectionNode(s.id).key);
    });
  }

  private onManagerChange(c: ManagerChange): void {
    if (c.type === 'sessions') {
      this.coalescer.markAll();
      return;
    }
    for (const key of this.model.keysFor(c.session, c.change)) this.coalescer.mark(key);
    if (this.ownClock && c.change.type === 'state') this.clock.sync();
  }

  private flush(keys: string[] | 'all'): void {
    if (keys === 'all') {
      this.emitter.fire(undefined);
    } else {
      const nodes: TreeNode[] = [];
      for (const k of keys) {
        const n = this.model.lookup(k);
        if (n) nodes.push(n);
      }
      if (nodes.length) this.emitter.fire(nodes);
    }
    this.onFlush?.();
  }

  /** Refreshes one node soon (coalesced). */
  refreshNode(node: TreeNode): void {
    this.coalescer.mark(node.key);
  }

  refreshAll(): void {
    this.coalescer.markAll();
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = treeItem(this.model.view(node));
    // Computed on hover (resolveTreeItem), so that they are current and cost nothing until then.
    if (this.model.hasLazyTooltip(node)) item.tooltip = undefined;
    return item;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    return this.model.children(node);
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return this.model.parent(node);
  }

  resolveTreeItem(item: vscode.TreeItem, node: TreeNode): vscode.TreeItem {
    if (this.model.hasLazyTooltip(node)) item.tooltip = this.model.tooltip(node);
    return item;
  }

  dispose(): void {
    this.offManager();
    this.coalescer.dispose();
    this.offTick();
    if (this.ownClock) this.clock.dispose();
    this.emitter.dispose();
  }
}

/** A clock whose ticks follow every reconnecting connection's next attempt. */
export function reconnectClock(manager: SessionManager): CountdownClock {
  return new CountdownClock(() => {
    const out: number[] = [];
    for (const s of manager.list()) {
      const at = s.state === 'reconnecting' ? s.nextReconnect?.at : undefined;
      if (at !== undefined) out.push(at);
    }
    return out;
  });
}
