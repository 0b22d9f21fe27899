// The Streams group's rows: one per Rocket.Chat stream (`stream-room-messages`, ...) the session has events of or is
// subscribed to; under each, its event names, the one with the newest event first. A stream is a live event log
// (src/core/streams.ts), not a collection: its events never enter the store.
import type { Session } from '../../../core/sessions';
import { STREAM_PREFIX } from '../../../ddp';
import { clockTime, formatCount, plural, truncate } from '../../format';
import { formatParams } from '../../logFormat';
import type { NodeOf, NodeView, TreeNode } from '../nodes';
import type { Level, TreeContext } from './level';

/** The session's stream subscriptions, by stream. */
function streamSubscriptions(s: Session): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const sub of s.subscriptions()) {
    if (!sub.name.startsWith(STREAM_PREFIX)) continue;
    const list = out.get(sub.name) ?? [];
    list.push(truncate(formatParams(sub.params).trim(), 80));
    out.set(sub.name, list);
  }
  return out;
}

/** Whether the session has a Streams group: stream events received, or a stream subscribed to. */
export function hasStreams(s: Session): boolean {
  return s.streams.size > 0 || s.subscriptions().some((sub) => sub.name.startsWith(STREAM_PREFIX));
}

/** The Streams group's children: streams with events (most recent first), then subscribed ones still silent. */
export function streamRows(s: Session, tree: TreeContext): TreeNode[] {
  const names = s.streams.list().map((x) => x.collection);
  for (const name of streamSubscriptions(s).keys()) if (!s.streams.has(name)) names.push(name);
  return names.map((collection) => tree.node({ kind: 'stream', sessionId: s.id, collection }));
}

export const streamLevel: Level<'stream'> = {
  identity: (node) => [node.collection],
  children: (node, s, tree) =>
    s.streams.groups(node.collection).map((g) =>
      tree.node({
        kind: 'streamEventGroup',
        sessionId: node.sessionId,
        collection: node.collection,
        eventName: g.eventName,
      }),
    ),
  parent: ({ sessionId }, tree) => tree.node({ kind: 'group', sessionId, group: 'streams' }),
  view: (node, tree) => streamView(node, tree.session(node.sessionId)),
  // Each event redraws its stream (counts, the order of its event names) and its event name's row.
  refresh: (change, sessionId) =>
    change.type === 'stream' && !change.newStream ? [{ kind: 'stream', sessionId, collection: change.collection }] : [],
};

function streamView(node: NodeOf<'stream'>, s: Session | undefined): NodeView {
  const info = s?.streams.info(node.collection);
  const subs = s ? (streamSubscriptions(s).get(node.collection) ?? []) : [];
  const kept = s?.streams.kept(node.collection) ?? 0;
  const names = s?.streams.groups(node.collection).length ?? 0;
  let description: string;
  if (!info) description = subs.length ? 'subscribed · no events yet' : 'no events';
  else {
    const count =
      info.received > kept ? `${formatCount(kept)} of ${plural(info.received, 'event')} kept` : plural(kept, 'event');
    description = `${count} · ${plural(names, 'name')} · last ${clockTime(info.lastAt)}`;
  }
  const tooltip = [
    `Stream: ${node.collection} (a Rocket.Chat stream: a live event log, not a collection)`,
    subs.length ? `Subscriptions: ${subs.join('; ')}` : 'No live subscription (events received before are kept).',
    'Events are grouped by event name, newest first; the latest ones are kept (setting ddpExplorer.streams.maxEvents).',
  ].join('\n');
  return {
    id: node.key,
    label: node.collection,
    description,
    tooltip,
    collapsible: info ? 'expanded' : 'none',
    contextValue: 'stream',
    icon: { id: 'radio-tower' },
  };
}
