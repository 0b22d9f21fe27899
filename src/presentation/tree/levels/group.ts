// The two groups under a connection: Subscriptions (live ones, then those Disconnect carries over) and Collections
// (by name).
import type { Session } from '../../../core/sessions';
import { formatCount } from '../../format';
import type { NodeData, NodeOf, NodeView } from '../nodes';
import type { Level } from './level';
import { STREAM_PREFIX } from '../../../ddp';
import { streamRows } from './stream';

function streamCount(s: Session): number {
  const names = new Set(s.streams.list().map((x) => x.collection));
  for (const sub of s.subscriptions()) if (sub.name.startsWith(STREAM_PREFIX)) names.add(sub.name);
  return names.size;
}

export const groupLevel: Level<'group'> = {
  identity: (node) => [node.group],
  children: (node, s, tree) => {
    if (node.group === 'streams') return streamRows(s, tree);
    if (node.group === 'subscriptions') {
      return [...s.subscriptions(), ...s.carried()].map((sub) =>
        tree.node({ kind: 'subscription', sessionId: s.id, subId: sub.id }),
      );
    }
    const names = s.collectionNames().sort((a, b) => a.localeCompare(b));
    tree.listedCollections.set(s.id, new Set(names));
    return names.map((collection) => tree.node({ kind: 'collection', sessionId: s.id, collection }));
  },
  parent: ({ sessionId }, tree) => tree.node({ kind: 'connection', sessionId }),
  view: (node, tree) => groupView(node, tree.session(node.sessionId)),
  refresh: (change, sessionId, tree) => {
    const subscriptions: NodeData<'group'> = { kind: 'group', sessionId, group: 'subscriptions' };
    const collections: NodeData<'group'> = { kind: 'group', sessionId, group: 'collections' };
    const streams: NodeData<'group'> = { kind: 'group', sessionId, group: 'streams' };
    switch (change.type) {
      // A stream's first event (its row may be listed already, from its subscription) or one pushed out.
      case 'stream':
        return change.newStream || change.droppedStream !== undefined ? [streams] : [];
      case 'streamCleared':
        return [streams];
      // Subscription rows read the connection state (waiting, resubscribing) too.
      case 'state':
        return [subscriptions];
      // The Streams group lists subscribed streams that have no events yet.
      case 'subscriptions':
        return [subscriptions, streams];
      // New data (a reconnect's catch-up) or stale / live again: the collections, their documents and the subscriptions.
      case 'collections':
      case 'freshness':
        return [collections, subscriptions];
      case 'doc': {
        // The list of names changes when a collection gets its first document or loses its last.
        const listed = tree.listedCollections.get(sessionId);
        const exists = !!tree.documents(sessionId, change.collection)?.size;
        return listed && listed.has(change.collection) !== exists ? [collections] : [];
      }
      default:
        return [];
    }
  },
};

function groupView(node: NodeOf<'group'>, s: Session | undefined): NodeView {
  if (node.group === 'streams') {
    const n = s ? streamCount(s) : 0;
    return {
      id: node.key,
      label: 'Streams',
      description: n ? formatCount(n) : undefined,
      tooltip: 'Rocket.Chat streams: live event logs, grouped by event name (not collections).',
      collapsible: 'expanded',
      contextValue: 'streams',
      icon: { id: 'broadcast' },
    };
  }
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
