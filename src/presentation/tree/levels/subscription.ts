// A subscription row: publication, params and state (waiting, ready in N ms, stale, error, stopped), or one that
// Disconnect stopped and the next connect makes again.
import type { SubscriptionTiming } from '../../../core/freshness';
import type { SubscriptionInfo } from '../../../ddp';
import { clockTime, formatDuration, truncate } from '../../format';
import { describeError, formatParams } from '../../logFormat';
import type { NodeOf, NodeView } from '../nodes';
import type { Level } from './level';

export const subscriptionLevel: Level<'subscription'> = {
  identity: (node) => [node.subId],
  parent: ({ sessionId }, tree) => tree.node({ kind: 'group', sessionId, group: 'subscriptions' }),
  view: (node, tree) => {
    const s = tree.session(node.sessionId);
    const carried = s?.carried().find((c) => c.id === node.subId);
    if (carried) return carriedSubscriptionView(node, carried);
    return subscriptionView(node, s?.subscription(node.subId), s?.freshness.timing(node.subId));
  },
  // Rows are redrawn through their group (its children are listed again on every subscription change).
};

/** `timing`: the session's own account of this subscription (stale since a drop, its latest ready). */
function subscriptionView(
  node: NodeOf<'subscription'>,
  sub: SubscriptionInfo | undefined,
  timing?: SubscriptionTiming,
): NodeView {
  if (!sub) return { id: node.key, label: '(gone)', collapsible: 'none', contextValue: 'subscription.stopped' };
  const state = subscriptionStateText(sub, timing);
  const params = formatParams(sub.params).trim();
  const stale = isStale(sub, timing);
  return {
    id: node.key,
    label: sub.name,
    description: params ? `${truncate(params, 60)} · ${state}` : state,
    tooltip: [
      `Publication: ${sub.name}`,
      `Params: ${params || '[]'}`,
      `Subscription id: ${sub.id}`,
      `State: ${state}`,
    ].join('\n'),
    collapsible: 'none',
    contextValue: stale ? 'subscription.stale' : `subscription.${sub.state}`,
    icon: stale ? { id: 'history', color: 'list.warningForeground' } : subscriptionIcon(sub.state),
  };
}

/** A subscription that Disconnect stopped and the next connect makes again. */
function carriedSubscriptionView(node: NodeOf<'subscription'>, sub: { name: string; params: unknown[] }): NodeView {
  const params = formatParams(sub.params).trim();
  const state = CARRIED_TEXT;
  return {
    id: node.key,
    label: sub.name,
    description: params ? `${truncate(params, 60)} · ${state}` : state,
    tooltip: [
      `Publication: ${sub.name}`,
      `Params: ${params || '[]'}`,
      `State: ${state}`,
      'Unsubscribe removes it, so that Connect does not make it again.',
    ].join('\n'),
    collapsible: 'none',
    contextValue: 'subscription.carried',
    icon: { id: 'debug-pause' },
  };
}

export const CARRIED_TEXT = 'stopped · resumes on connect';

function isStale(sub: SubscriptionInfo, timing: SubscriptionTiming | undefined): boolean {
  return sub.state === 'ready' && timing?.staleSince !== undefined;
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
