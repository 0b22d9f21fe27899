// A session's log of Rocket.Chat stream events (src/ddp/streams.ts says what one is): per stream, the latest
// `maxEvents` events, grouped by event name. Bounded: an event past the limit pushes out that stream's oldest, and an
// event name whose events are all gone goes with them, so a long-running stream costs the same after an hour as
// after a minute. Plain module: no VS Code API.
import type { StreamEvent } from '../ddp';

/** One event as kept: `seq` numbers it within the session (rows and "open" name it by that). */
export interface StreamEventRecord {
  readonly seq: number;
  readonly at: number;
  readonly eventName: string;
  readonly args: unknown[];
}

/** The events of one event name in one stream, oldest first. */
export interface StreamEventGroup {
  readonly eventName: string;
  /** Events received under this name while the group existed (the kept ones are `events.length`). */
  received: number;
  lastAt: number;
  readonly events: StreamEventRecord[];
  /** Index of the oldest kept event in `events` (dropped ones are cut off in batches, not one shift each). */
  head: number;
}

export interface StreamInfo {
  readonly collection: string;
  /** Events received on this stream since the session began. */
  received: number;
  lastAt: number;
}

/** What one `add` did, for the views (and the tree's node cache: what it may forget). */
export interface StreamAdded {
  record: StreamEventRecord;
  /** The stream was new to this log. */
  newStream: boolean;
  /** Events pushed out (their seq), and event names left without events. */
  dropped: Array<{ seq: number; eventName: string }>;
  droppedGroups: string[];
  /** A whole stream pushed out by a new one (past MAX_STREAMS). */
  droppedStream?: string;
}

/** Most streams one session keeps (a server names them; beyond this the least recently active one goes). */
export const MAX_STREAMS = 100;

interface Stream {
  info: StreamInfo;
  /** Kept events of every group, oldest first, as the order of eviction. */
  order: StreamEventRecord[];
  orderHead: number;
  groups: Map<string, StreamEventGroup>;
  bySeq: Map<number, StreamEventRecord>;
}

export class StreamLog {
  private readonly streams = new Map<string, Stream>();
  private seq = 0;

  /** `maxEvents`: events kept per stream (read at each event, so a settings change applies to the next one). */
  constructor(private readonly maxEvents: () => number) {}

  add(event: StreamEvent, at: number): StreamAdded {
    let stream = this.streams.get(event.collection);
    const newStream = !stream;
    let droppedStream: string | undefined;
    if (!stream) {
      stream = {
        info: { collection: event.collection, received: 0, lastAt: at },
        order: [],
        orderHead: 0,
        groups: new Map(),
        bySeq: new Map(),
      };
      this.streams.set(event.collection, stream);
      if (this.streams.size > MAX_STREAMS) droppedStream = this.dropQuietest(event.collection);
    }
    const record: StreamEventRecord = { seq: ++this.seq, at, eventName: event.eventName, args: event.args };
    stream.info.received++;
    stream.info.lastAt = at;
    let group = stream.groups.get(event.eventName);
    if (!group) {
      group = { eventName: event.eventName, received: 0, lastAt: at, events: [], head: 0 };
      stream.groups.set(event.eventName, group);
    }
    group.received++;
    group.lastAt = at;
    group.events.push(record);
    stream.order.push(record);
    stream.bySeq.set(record.seq, record);
    const dropped: StreamAdded['dropped'] = [];
    const droppedGroups: string[] = [];
    const max = Math.max(1, Math.floor(this.maxEvents()));
    while (stream.order.length - stream.orderHead > max) {
      const old = stream.order[stream.orderHead++];
      stream.bySeq.delete(old.seq);
      dropped.push({ seq: old.seq, eventName: old.eventName });
      const g = stream.groups.get(old.eventName);
      if (!g) continue;
      g.head++;
      if (g.head >= g.events.length) {
        stream.groups.delete(old.eventName);
        droppedGroups.push(old.eventName);
      } else compact(g);
    }
    compactOrder(stream);
    return { record, newStream, dropped, droppedGroups, droppedStream };
  }

  /** The streams, most recently active first. */
  list(): StreamInfo[] {
    return [...this.streams.values()].map((s) => s.info).sort((a, b) => b.lastAt - a.lastAt);
  }

  has(collection: string): boolean {
    return this.streams.has(collection);
  }

  get size(): number {
    return this.streams.size;
  }

  info(collection: string): StreamInfo | undefined {
    return this.streams.get(collection)?.info;
  }

  /** Events kept in a stream. */
  kept(collection: string): number {
    const s = this.streams.get(collection);
    return s ? s.order.length - s.orderHead : 0;
  }

  /** A stream's event names, the one with the newest event first. */
  groups(collection: string): StreamEventGroup[] {
    const s = this.streams.get(collection);
    return s ? [...s.groups.values()].sort((a, b) => b.lastAt - a.lastAt || groupNewest(b) - groupNewest(a)) : [];
  }

  group(collection: string, eventName: string): StreamEventGroup | undefined {
    return this.streams.get(collection)?.groups.get(eventName);
  }

  /** A group's kept events, newest first. */
  events(collection: string, eventName: string): StreamEventRecord[] {
    const g = this.group(collection, eventName);
    return g ? g.events.slice(g.head).reverse() : [];
  }

  event(collection: string, seq: number): StreamEventRecord | undefined {
    return this.streams.get(collection)?.bySeq.get(seq);
  }

  /** Forgets a stream's events (Clear Stream Log); a live subscription to it goes on logging new ones. */
  clear(collection: string): boolean {
    return this.streams.delete(collection);
  }

  private dropQuietest(keep: string): string | undefined {
    let quietest: StreamInfo | undefined;
    for (const s of this.streams.values())
      if (s.info.collection !== keep && (!quietest || s.info.lastAt < quietest.lastAt)) quietest = s.info;
    if (quietest) this.streams.delete(quietest.collection);
    return quietest?.collection;
  }
}

function groupNewest(g: StreamEventGroup): number {
  return g.events[g.events.length - 1]?.seq ?? 0;
}

/** Cuts dropped entries off once they are half the array: amortised O(1) per event. */
function compact(g: StreamEventGroup): void {
  if (g.head > 32 && g.head * 2 > g.events.length) {
    g.events.splice(0, g.head);
    g.head = 0;
  }
}

function compactOrder(s: Stream): void {
  if (s.orderHead > 32 && s.orderHead * 2 > s.order.length) {
    s.order.splice(0, s.orderHead);
    s.orderHead = 0;
  }
}
