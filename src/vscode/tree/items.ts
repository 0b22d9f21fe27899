// TreeItems, one class per level, built from the model's plain NodeViews. Labels, descriptions and
// tooltips are plain strings: server data never becomes markdown or a command link.
import * as vscode from 'vscode';
import type { NodeView, TreeNode } from '../../presentation/tree/model';

const COLLAPSE: Record<NodeView['collapsible'], vscode.TreeItemCollapsibleState> = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
};

export class DdpTreeItem extends vscode.TreeItem {
  constructor(
    readonly node: TreeNode,
    view: NodeView,
  ) {
    super(view.label, COLLAPSE[view.collapsible]);
    this.id = view.id;
    this.description = view.description;
    this.tooltip = view.tooltip;
    // Screen readers (and UI tests) get "label description", not the tooltip VS Code would use otherwise.
    this.accessibilityInformation = { label: view.description ? `${view.label} ${view.description}` : view.label };
    this.contextValue = view.contextValue;
    if (view.icon) {
      this.iconPath = new vscode.ThemeIcon(view.icon.id, view.icon.color ? new vscode.ThemeColor(view.icon.color) : undefined);
    }
    if (view.command) this.command = view.command;
  }
}

export class ConnectionItem extends DdpTreeItem {}
export class GroupItem extends DdpTreeItem {}
export class SubscriptionItem extends DdpTreeItem {}
export class CollectionItem extends DdpTreeItem {}
export class DocumentItem extends DdpTreeItem {}
export class FieldItem extends DdpTreeItem {}
export class LoadMoreItem extends DdpTreeItem {}
export class InfoItem extends DdpTreeItem {}

export function createItem(node: TreeNode, view: NodeView): DdpTreeItem {
  switch (node.kind) {
    case 'connection':
      return new ConnectionItem(node, view);
    case 'group':
      return new GroupItem(node, view);
    case 'subscription':
      return new SubscriptionItem(node, view);
    case 'collection':
      return new CollectionItem(node, view);
    case 'document':
      return new DocumentItem(node, view);
    case 'field':
      return new FieldItem(node, view);
    case 'loadMore':
      return new LoadMoreItem(node, view);
    case 'info':
    case 'moreFields':
      return new InfoItem(node, view);
  }
}
