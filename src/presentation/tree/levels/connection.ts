// A connection row: its name, state (with the reconnect countdown) and user; the groups Subscriptions and Collections
// under it.
import { connectionColorId } from '../../../core/config';
import type { Session } from '../../../core/sessions';
import { connectionDescription, connectionTooltip, snapshot } from '../../statusText';
import type { NodeOf, NodeView } from '../nodes';
import type { Level } from './level';

export const connectionLevel: Level<'connection'> = {
  identity: () => [],
  children: ({ sessionId }, _session, tree) => [
    tree.node({ kind: 'group', sessionId, group: 'subscriptions' }),
    tree.node({ kind: 'group', sessionId, group: 'collections' }),
  ],
  parent: () => undefined,
  view: (node, tree) => connectionView(node, tree.session(node.sessionId), tree.now()),
  tooltip: (node, tree) => connectionView(node, tree.session(node.sessionId), tree.now()).tooltip,
  // The state (and its countdown) and the user show on the row.
  refresh: (change, sessionId) =>
    change.type === 'state' || change.type === 'user' ? [{ kind: 'connection', sessionId }] : [],
};

function connectionView(node: NodeOf<'connection'>, s: Session | undefined, now: number): NodeView {
  if (!s) return { id: node.key, label: '(removed)', collapsible: 'none', contextValue: 'connection.removed' };
  const snap = snapshot(s);
  return {
    id: node.key,
    label: s.name,
    description: connectionDescription(snap, now) + guardNote(s.config),
    tooltip: connectionTooltip(snap, now),
    collapsible: 'expanded',
    // Menus key on state, saved/ad hoc and login: see the `when` clauses in package.json.
    contextValue: `connection.${snap.state}.${s.saved ? 'saved' : 'adhoc'}.${snap.userId ? 'loggedIn' : 'loggedOut'}`,
    icon: withColor(connectionIcon(snap.state), connectionColorId(s.config.color)),
  };
}

/** The connection's safety settings, always in sight on its row: ` · read-only`, ` · confirms writes`. */
function guardNote(config: Session['config']): string {
  if (config.readOnly) return ' · read-only';
  if (config.confirm === 'writes') return ' · confirms writes';
  if (config.confirm === 'all') return ' · confirms all';
  return '';
}

/** The connection's own colour (its `color` setting) on the icon, except where the icon's colour says a problem. */
function withColor(icon: { id: string; color?: string }, color: string | undefined): { id: string; color?: string } {
  if (!color || icon.color === 'list.warningForeground' || icon.color === 'list.errorForeground') return icon;
  return { ...icon, color };
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
