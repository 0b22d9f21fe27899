// A connection row: its name, state (with the reconnect countdown) and user; the groups Subscriptions and Collections
// under it.
import { connectionColorId } from '../../../core/config';
import type { Session } from '../../../core/sessions';
import { connectionDescription, connectionTooltip, snapshot } from '../../statusText';
import type { NodeOf, NodeView } from '../nodes';
import type { Level } from './level';
import { hasStreams } from './stream';

/** Whether each session's row was last listed with a Streams group (a change redraws the row only when it flips). */
const listedStreams = new WeakMap<Session, boolean>();

export const connectionLevel: Level<'connection'> = {
  identity: () => [],
  children: ({ sessionId }, session, tree) => {
    const streams = hasStreams(session);
    listedStreams.set(session, streams);
    return [
      tree.node({ kind: 'group', sessionId, group: 'subscriptions' }),
      tree.node({ kind: 'group', sessionId, group: 'collections' }),
      // Rocket.Chat streams (src/core/streams.ts), only once there is one.
      ...(streams ? [tree.node({ kind: 'group', sessionId, group: 'streams' })] : []),
    ];
  },
  parent: () => undefined,
  view: (node, tree) => connectionView(node, tree.session(node.sessionId), tree.now()),
  tooltip: (node, tree) => connectionView(node, tree.session(node.sessionId), tree.now()).tooltip,
  // The state (and its countdown) and the user show on the row.
  refresh: (change, sessionId, tree) => {
    if (change.type === 'state' || change.type === 'user') return [{ kind: 'connection', sessionId }];
    // The Streams group comes with the first stream (an event or a subscription) and goes with the last.
    if (
      (change.type === 'stream' && change.newStream) ||
      change.type === 'streamCleared' ||
      change.type === 'subscriptions'
    ) {
      const s = tree.session(sessionId);
      const listed = s && listedStreams.get(s);
      if (s && listed !== undefined && listed !== hasStreams(s)) return [{ kind: 'connection', sessionId }];
    }
    return [];
  },
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
