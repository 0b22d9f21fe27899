// A TreeItem from a level's plain NodeView (one builder for every level). Labels, descriptions and tooltips are plain
// strings: server data never becomes markdown or a command link.
import * as vscode from 'vscode';
import type { NodeView } from '../../presentation/tree/nodes';

const COLLAPSE: Record<NodeView['collapsible'], vscode.TreeItemCollapsibleState> = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
};

export function treeItem(view: NodeView): vscode.TreeItem {
  const item = new vscode.TreeItem(view.label, COLLAPSE[view.collapsible]);
  item.id = view.id;
  item.description = view.description;
  item.tooltip = view.tooltip;
  // Screen readers (and UI tests) get "label description", not the tooltip VS Code would use otherwise.
  item.accessibilityInformation = { label: view.description ? `${view.label} ${view.description}` : view.label };
  item.contextValue = view.contextValue;
  if (view.icon)
    item.iconPath = new vscode.ThemeIcon(
      view.icon.id,
      view.icon.color ? new vscode.ThemeColor(view.icon.color) : undefined,
    );
  if (view.command) item.command = view.command;
  return item;
}
