// How each level of the tree is shown: one function per node kind, from plain data to a NodeView.
// TreeModel decides what the nodes are and finds their data; these only describe them.
import type { Session } from '../../core/sessions';
import type { SubscriptionInfo } from '../../ddp';
import type { SubscriptionTiming } from '../../core/freshness';
import {
  childEntries,
  clockTime,
  formatCount,
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
import type { NodeView, Path, TreeNode } from './nodes';

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
    const n = (s?.subscriptions().length ?? 0) + (s?.carried().length ?? 0);
    return {
      id: node.key,
      label: 'Subscriptions',
      description: n ? formatCount(n) : undefined,
      collapsible: 'expanded',
      contextValue: s?.state === 'connected' ? 'subscriptions.connected' : 'subscriptions',
      icon: { id: 'rss' },
    };
  }
  const n = s?.collectionCount ?? 0;
  return {
    id: node.key,
    label: 'Collections',
    description: n ? formatCount(n) : undefined,
    collapsible: 'expanded',
    contextValue: 'collections',
    icon: { id: 'database' },
  };
}

/** `timing`: the session's own account of this subscription (stale since a drop, its latest ready). */
export function subscriptionView(node: NodeOf<'subscription'>, sub: SubscriptionInfo | undefined, timing?: SubscriptionTiming): NodeView {
  if (!sub) return { id: node.key, label: '(gone)', collapsible: 'none', contextValue: 'subscription.stopped' };
  const state = subscriptionStateText(sub, timing);
  const params = formatParams(sub.params).trim();
  const stale = isStale(sub, timing);
  return {
    id: node.key,
    label: sub.name,
    description: params ? `${truncate(params, 60)} · ${state}` : state,
    tooltip: [`Publication: ${sub.name}`, `Params: ${params || '[]'}`, `Subscription id: ${sub.id}`, `State: ${state}`].join('\n'),
    collapsible: 'none',
    contextValue: stale ? 'subscription.stale' : `subscription.${sub.state}`,
    icon: stale ? { id: 'history', color: 'list.warningForeground' } : subscriptionIcon(sub.state),
  };
}

/** A subscription that Disconnect stopped and the next connect makes again. */
export function carriedSubscriptionView(node: NodeOf<'subscription'>, sub: { name: string; params: unknown[] }): NodeView {
  const params = formatParams(sub.params).trim();
  const state = CARRIED_TEXT;
  return {
    id: node.key,
    label: sub.name,
    description: params ? `${truncate(params, 60)} · ${state}` : state,
    tooltip: [`Publication: ${sub.name}`, `Params: ${params || '[]'}`, `State: ${state}`, 'Unsubscribe removes it, so that Connect does not make it again.'].join('\n'),
    collapsible: 'none',
    contextValue: 'subscription.carried',
    icon: { id: 'debug-pause' },
  };
}

export const CARRIED_TEXT = 'stopped · resumes on connect';

function isStale(sub: SubscriptionInfo, timing: SubscriptionTiming | undefined): boolean {
  return sub.state === 'ready' && timing?.staleSince !== undefined;
}

/** `matched`: how many of the `total` documents pass `filter`. `staleSince`: the data has not caught up since then. */
export function collectionView(node: NodeOf<'collection'>, total: number, filter: string, matched: number, staleSince?: number): NodeView {
  let description = filter
    ? `${formatCount(matched)} of ${plural(total, 'document')} · filter "${truncate(filter, 30)}"`
    : plural(total, 'document');
  if (staleSince !== undefined) description += ` · stale since ${clockTime(staleSince)}`;
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

export function documentView(node: NodeOf<'document'>, fields: Fields, staleSince?: number): NodeView {
  const hasChildren = !!fields && Object.keys(fields).length > 0;
  return {
    id: node.key,
    label: node.docId,
    description: summarizeDocument(fields),
    collapsible: hasChildren ? 'collapsed' : 'none',
    contextValue: 'document',
    // Greyed while the connection has not caught up: the row shows the last version received.
    icon: staleSince !== undefined ? { id: 'json', color: 'disabledForeground' } : { id: 'json' },
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

export function loadMoreView(node: NodeOf<'loadMore'>, remaining: number, loadAllLimit = 10_000): NodeView {
  return {
    id: node.key,
    label: `Load more (${formatCount(remaining)} more)`,
    tooltip: `Click for the next page. Load All (the inline button) shows up to ${formatCount(loadAllLimit)} documents (setting ddpExplorer.loadAllLimit).`,
    collapsible: 'none',
    contextValue: 'loadMore',
    icon: { id: 'ellipsis' },
    command: { command: 'ddpExplorer.loadMore', title: 'Load More', arguments: [node] },
  };
}

/** "… N more" under a big object or array; N is read when the row is shown, so it follows the data. */
export function moreFieldsView(node: NodeOf<'moreFields'>, rest: number): NodeView {
  return { id: node.key, label: `… ${formatCount(rest)} more`, collapsible: 'none', contextValue: 'info', icon: { id: 'info' } };
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

/**
 * `waiting`, `ready in 36 ms`, `stale · resubscribing (last ready 12:01:02)`, `error: …`, `stopped`. With `timing`
 * (the session's account), "ready in" is the latest ready's own time and a dropped connection shows as stale.
 */
export function subscriptionStateText(sub: SubscriptionInfo, timing?: SubscriptionTiming): string {
  switch (sub.state) {
    case 'pending':
      return timing?.staleSince !== undefined ? 'waiting · resubscribing' : 'waiting';
    case 'ready': {
      if (timing?.staleSince !== undefined) {
        const last = timing.readyAt ?? sub.readyAt;
        return `stale · resubscribing${last !== undefined ? ` (last ready ${clockTime(last)})` : ''}`;
      }
      const ms = timing?.readyMs ?? (sub.readyAt !== undefined ? sub.readyAt - sub.startedAt : undefined);
      return ms !== undefined ? `ready in ${formatDuration(ms)}` : 'ready';
    }
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

