// One event name of a stream (a room id for room messages, `<userId>/notification`, ...): how many events, the last
// one's time, and the events under it, newest first.
import type { Session } from '../../../core/sessions';
import { clockTime, formatCount, plural } from '../../format';
import type { NodeOf, NodeView } from '../nodes';
import type { Level } from './level';

export const streamEventGroupLevel: Level<'streamEventGroup'> = {
  identity: (node) => [node.collection, node.eventName],
  children: (node, s, tree) =>
    s.streams.events(node.collection, node.eventName).map((e) =>
      tree.node({
        kind: 'streamEvent',
        sessionId: node.sessionId,
        collection: node.collection,
        eventName: node.eventName,
        seq: e.seq,
      }),
    ),
  parent: ({ sessionId, collection }, tree) => tree.node({ kind: 'stream', sessionId, collection }),
  view: (node, tree) => groupView(node, tree.session(node.sessionId)),
  refresh: (change, sessionId) =>
    change.type === 'stream'
      ? [{ kind: 'streamEventGroup', sessionId, collection: change.collection, eventName: change.eventName }]
      : [],
};

function groupView(node: NodeOf<'streamEventGroup'>, s: Session | undefined): NodeView {
  const g = s?.streams.group(node.collection, node.eventName);
  if (!g)
    return {
      id: node.key,
      label: node.eventName,
      description: 'no events kept',
      collapsible: 'none',
      contextValue: 'streamEventGroup',
    };
  const kept = g.events.length - g.head;
  const count = g.received > kept ? `${formatCount(kept)} of ${formatCount(g.received)}` : formatCount(kept);
  return {
    id: node.key,
    label: node.eventName,
    description: `${count} · last ${clockTime(g.lastAt)}`,
    tooltip: `Event name: ${node.eventName}\n${plural(g.received, 'event')} received, ${formatCount(kept)} kept; last at ${clockTime(g.lastAt)}`,
    collapsible: 'collapsed',
    contextValue: 'streamEventGroup',
    icon: { id: 'symbol-event' },
  };
}
