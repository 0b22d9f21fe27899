// The TreeDataProvider: children from the model, refreshes coalesced (about ten a second) and fired for
// the changed nodes only, so that a busy server leaves the window responsive and expansion intact.
import * as vscode from 'vscode';
import type { ManagerChange, SessionManager } from '../../core/sessions';
import { Coalescer } from '../../presentation/coalescer';
import { createItem } from './items';
import type { TreeModel, TreeNode } from '../../presentation/tree/model';

export class DdpTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly coalescer: Coalescer<string>;
  private readonly offManager: () => void;
  private ticker: NodeJS.Timeout | undefined;
  /** Called after each flush (the status bar follows the tree). */
  onFlush: (() => void) | undefined;

  constructor(
    readonly model: TreeModel,
    private readonly manager: SessionManager,
  ) {
    this.coalescer = new Coalescer<string>((keys) => this.flush(keys), 100);
    this.offManager = manager.onChange((c) => this.onManagerChange(c));
  }

  private onManagerChange(c: ManagerChange): void {
    if (c.type === 'sessions') {
      this.coalescer.markAll();
      return;
    }
    for (const key of this.model.keysFor(c.session, c.change)) this.coalescer.mark(key);
    if (c.change.type === 'state') this.ensureTicker();
  }

  /** While a connection waits to reconnect, its countdown ticks once a second. */
  private ensureTicker(): void {
    if (this.ticker) return;
    if (!this.manager.list().some((s) => s.state === 'reconnecting')) return;
    this.ticker = setInterval(() => {
      const waiting = this.manager.list().filter((s) => s.state === 'reconnecting');
      if (waiting.length === 0) {
        clearInterval(this.ticker);
        this.ticker = undefined;
        return;
      }
      for (const s of waiting) this.coalescer.mark(this.model.connectionNode(s.id).key);
    }, 1000);
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
    const item = createItem(node, this.model.view(node));
    // Computed on hover (resolveTreeItem), so that they are current and cost nothing until then.
    if (node.kind === 'connection' || node.kind === 'document') item.tooltip = undefined;
    return item;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    return this.model.children(node);
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return this.model.parent(node);
  }

  resolveTreeItem(item: vscode.TreeItem, node: TreeNode): vscode.TreeItem {
    if (node.kind === 'document') item.tooltip = this.model.documentTooltip(node);
    else if (node.kind === 'connection') item.tooltip = this.model.view(node).tooltip;
    return item;
  }

  dispose(): void {
    this.offManager();
    this.coalescer.dispose();
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    this.emitter.dispose();
  }
}
