// How each level of the tree is shown: one function per node kind, from plain data to a NodeView.
// TreeModel decides what the nodes are and finds their data; these only describe them.
import type { Session } from '../../core/sessions';
import type { SubscriptionInfo } from '../../ddp';
import {
  childEntries,
  describeValue,
  formatDuration,
  formatValue,
  plural,
  summarizeDocument,
  truncate,
  typeLabel,
  valueAt,
  valueKind,
} from '../format';
import { connectionDescription, connectionTooltip, snapshot } from '../statusText';
import { describeError, formatParams } from '../logFormat';
import type { NodeView, Path, TreeNode } from './model';

type NodeOf<K extends TreeNode['kind']> = Extract<TreeNode, { kind: K }>;
type Fields = Record<string, unknown> | undefined;

export function connectionView(node: NodeOf<'connection'>, s: Session | undefined, now: number): NodeView {
  if (!s) return { id: node.key, label: '(removed)', collapsible: 'none', contextValue: 'connection.removed' };
  const snap = snapshot(s);
  return {
    id: node.key,
    label: s.name,
    description: connectionDescription(snap, now),
    tooltip: connectionTooltip(snap, now),
    collapsible: 'expanded',
    // Menus key on state, saved/ad hoc and login: see the `when` clauses in package.json.
    contextValue: `connection.${snap.state}.${s.saved ? 'saved' : 'adhoc'}.${snap.userId ? 'loggedIn' : 'loggedOut'}`,
    icon: connectionIcon(snap.state),
  };
}

export function groupView(node: NodeOf<'group'>, s: Session | undefined): NodeView {
  if (node.group === 'subscriptions') {
    const subs = s?.subscriptions() ?? [];
    return {
      id: node.key,
      label: 'Subscriptions',
      description: subs.length ? String(subs.length) : undefined,
      collapsible: 'expanded',
      contextValue: s?.state === 'connected' ? 'subscriptions.connected' : 'subscriptions',
      icon: { id: 'rss' },
    };
  }
  const n = s?.client?.collections.size ?? 0;
  return {
    id: node.key,
    label: 'Collections',
    description: n ? String(n) : undefined,
    collapsible: 'expanded',
    contextValue: 'collections',
    icon: { id: 'database' },
  };
}

export function subscriptionView(node: NodeOf<'subscription'>, sub: SubscriptionInfo | undefined): NodeView {
  if (!sub) return { id: node.key, label: '(gone)', collapsible: 'none', contextValue: 'subscription.stopped' };
  const state = subscriptionStateText(sub);
  const params = formatParams(sub.params).trim();
  return {
    id: node.key,
    label: sub.name,
    description: params ? `${truncate(params, 60)} · ${state}` : state,
    tooltip: [`Publication: ${sub.name}`, `Params: ${params || '[]'}`, `Subscription id: ${sub.id}`, `State: ${state}`].join('\n'),
    collapsible: 'none',
    contextValue: `subscription.${sub.state}`,
    icon: subscriptionIcon(sub.state),
  };
}

/** `matched`: how many of the `total` documents pass `filter`. */
export function collectionView(node: NodeOf<'collection'>, total: number, filter: string, matched: number): NodeView {
  const description = filter
    ? `${matched} of ${plural(total, 'document')} · filter "${truncate(filter, 30)}"`
    : plural(total, 'document');
  return {
    id: node.key,
    label: node.collection,
    description,
    tooltip: `Collection ${node.collection}\n${description}`,
    collapsible: 'collapsed',
    contextValue: filter ? 'collection.filtered' : 'collection',
    icon: { id: filter ? 'filter' : 'folder' },
  };
}

export function documentView(node: NodeOf<'document'>, fields: Fields): NodeView {
  const hasChildren = !!fields && Object.keys(fields).length > 0;
  return {
    id: node.key,
    label: node.docId,
    description: summarizeDocument(fields),
    collapsible: hasChildren ? 'collapsed' : 'none',
    contextValue: 'document',
    icon: { id: 'json' },
  };
}

export function fieldView(node: NodeOf<'field'>, fields: Fields): NodeView {
  const value = valueAt(fields, node.path);
  const last = node.path[node.path.length - 1];
  const kind = valueKind(value);
  const hasChildren = kind !== 'leaf' && childEntries(value).length > 0;
  return {
    id: node.key,
    label: typeof last === 'number' ? `[${last}]` : String(last),
    description: describeValue(value),
    tooltip: `${pathText(node.path)}: ${typeLabel(value)}\n${formatValue(value, 1000)}`,
    collapsible: hasChildren ? 'collapsed' : 'none',
    contextValue: `field.${kind}`,
    icon: { id: fieldIcon(value) },
  };
}

export function loadMoreView(node: NodeOf<'loadMore'>, remaining: number): NodeView {
  return {
    id: node.key,
    label: `Load more (${remaining} more)`,
    collapsible: 'none',
    contextValue: 'loadMore',
    icon: { id: 'ellipsis' },
    command: { command: 'ddpExplorer.loadMore', title: 'Load More', arguments: [node] },
  };
}

export function infoView(node: NodeOf<'info'>): NodeView {
  return { id: node.key, label: node.message, collapsible: 'none', contextValue: 'info', icon: { id: 'info' } };
}

/** `a.b[2].c` */
export function pathText(path: Path): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

export function subscriptionStateText(sub: SubscriptionInfo): string {
  switch (sub.state) {
    case 'pending':
      return 'waiting';
    case 'ready':
      return sub.readyAt !== undefined ? `ready in ${formatDuration(sub.readyAt - sub.startedAt)}` : 'ready';
    case 'error':
      return `error: ${sub.error ? describeError(sub.error) : 'unknown'}`;
    case 'stopped':
      return 'stopped';
  }
}

function connectionIcon(state: string): { id: string; color?: string } {
  switch (state) {
    case 'connected':
      return { id: 'plug', color: 'testing.iconPassed' };
    case 'connecting':
      return { id: 'sync~spin' };
    case 'reconnecting':
      return { id: 'sync~spin', color: 'list.warningForeground' };
    case 'failed':
      return { id: 'error', color: 'list.errorForeground' };
    default:
      return { id: 'debug-disconnect' };
  }
}

function subscriptionIcon(state: SubscriptionInfo['state']): { id: string; color?: string } {
  switch (state) {
    case 'pending':
      return { id: 'loading~spin' };
    case 'ready':
      return { id: 'pass', color: 'testing.iconPassed' };
    case 'error':
      return { id: 'error', color: 'list.errorForeground' };
    case 'stopped':
      return { id: 'circle-slash' };
  }
}

function fieldIcon(value: unknown): string {
  switch (typeLabel(value)) {
    case 'string':
      return 'symbol-string';
    case 'number':
    case 'bigint':
      return 'symbol-number';
    case 'boolean':
      return 'symbol-boolean';
    case 'null':
    case 'undefined':
      return 'symbol-null';
    case 'Date':
      return 'calendar';
    case 'Binary':
      return 'file-binary';
    case 'ObjectID':
      return 'key';
    case 'array':
      return 'symbol-array';
    case 'object':
      return 'symbol-object';
    default:
      return 'symbol-constant';
  }
}

