// One stream event: its time (with milliseconds: events come in bursts) and its args in one line; a click opens the
// event as exact EJSON ({ eventName, args }, as the server sent them).
import { COMMANDS } from '../../commands';
import { exactEJSON, formatValue } from '../../format';
import type { NodeOf, NodeView } from '../nodes';
import type { Level } from './level';

/** `HH:MM:SS.mmm`, local time. */
export function eventTime(at: number): string {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export const streamEventLevel: Level<'streamEvent'> = {
  identity: (node) => [node.collection, node.seq],
  parent: ({ sessionId, collection, eventName }, tree) =>
    tree.node({ kind: 'streamEventGroup', sessionId, collection, eventName }),
  view: (node, tree) => eventView(node, tree.session(node.sessionId)?.streams.event(node.collection, node.seq)),
  tooltip: (node, tree) => {
    const e = tree.session(node.sessionId)?.streams.event(node.collection, node.seq);
    if (!e) return 'No longer kept (the stream keeps its latest events: ddpExplorer.streams.maxEvents).';
    const text = exactEJSON({ eventName: e.eventName, args: e.args });
    return text.length > 3000 ? `${text.slice(0, 3000)}\n… (open the event for all of it)` : text;
  },
  // Events never change; their group lists them again.
};

function eventView(node: NodeOf<'streamEvent'>, e: { at: number; args: unknown[] } | undefined): NodeView {
  if (!e) return { id: node.key, label: '(no longer kept)', collapsible: 'none', contextValue: 'streamEvent.gone' };
  return {
    id: node.key,
    label: eventTime(e.at),
    description: formatValue(e.args.length === 1 ? e.args[0] : e.args, 100),
    collapsible: 'none',
    contextValue: 'streamEvent',
    icon: { id: 'debug-stackframe-dot' },
    command: { command: COMMANDS.openStreamEvent, title: 'Open Event', arguments: [node] },
  };
}
