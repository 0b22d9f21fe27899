// The Streams group and its levels (stream, event name, event): what they show, what a stream event redraws, and
// that rows of events pushed out of the bounded log are forgotten. No socket: events go into the session's log as
// the client wiring puts them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionManager, nullLog, type Session, type SessionChange } from '../../src/core/sessions';
import { DEFAULT_SETTINGS } from '../../src/core/config';
import { TreeModel } from '../../src/presentation/tree/model';
import { COMMANDS } from '../../src/presentation/commands';

function setup(maxEvents = 1000) {
  const manager = new SessionManager({ log: nullLog });
  manager.updateSettings({ ...DEFAULT_SETTINGS, streamMaxEvents: maxEvents });
  const session = manager.addAdHoc('ws://127.0.0.1:1/websocket', 'rc');
  const model = new TreeModel(manager, () => 100);
  return { manager, session, model };
}

/** What the session does for a client `stream` event (clientEvents.ts -> Session.streamEvent): log, then a change. */
function deliver(session: Session, collection: string, eventName: string, args: unknown[], at: number): SessionChange {
  const a = session.streams.add({ collection, eventName, args }, at);
  return {
    type: 'stream',
    collection,
    eventName,
    seq: a.record.seq,
    newStream: a.newStream,
    dropped: a.dropped.map((d) => d.seq),
    droppedGroups: a.droppedGroups,
    droppedStream: a.droppedStream,
  };
}

const at = (h: number, m: number, s: number, ms = 0) => new Date(2026, 0, 1, h, m, s, ms).getTime();

describe('stream tree levels', () => {
  test('no Streams group until there is a stream; then stream, event names (newest first) with counts, events', () => {
    const { session, model } = setup();
    const conn = model.connectionNode(session.id);
    assert.deepEqual(
      model.children(conn).map((n) => model.view(n).label),
      ['Subscriptions', 'Collections'],
    );
    const first = deliver(session, 'stream-room-messages', 'GENERAL', [{ msg: 'one' }], at(12, 0, 1));
    assert.ok(model.keysFor(session, first).includes(conn.key), 'the connection row redraws to show the group');
    deliver(session, 'stream-room-messages', 'random', [{ msg: 'two' }], at(12, 0, 2));
    deliver(session, 'stream-room-messages', 'GENERAL', [{ msg: 'three' }], at(12, 0, 3, 45));
    const [, , streams] = model.children(conn);
    assert.equal(model.view(streams).label, 'Streams');
    const [stream] = model.children(streams);
    const sv = model.view(stream);
    assert.equal(sv.label, 'stream-room-messages');
    assert.equal(sv.description, '3 events · 2 names · last 12:00:03');
    const groups = model.children(stream);
    assert.deepEqual(
      groups.map((g) => [model.view(g).label, model.view(g).description]),
      [
        ['GENERAL', '2 · last 12:00:03'],
        ['random', '1 · last 12:00:02'],
      ],
    );
    const events = model.children(groups[0]);
    const ev = model.view(events[0]);
    assert.equal(ev.label, '12:00:03.045');
    assert.equal(ev.description, '{msg: "three"}');
    assert.deepEqual(ev.command?.command, COMMANDS.openStreamEvent);
    assert.deepEqual(ev.command?.arguments, [events[0]]);
    assert.equal(model.parent(events[0]), groups[0]);
    assert.equal(model.parent(groups[0]), stream);
    assert.equal(model.parent(stream), streams);
    assert.match(model.tooltip(events[0]) ?? '', /"eventName": "GENERAL"[\s\S]*"msg": "three"/);
  });

  test('an event redraws its stream and its event name; a new stream redraws the Streams group', () => {
    const { session, model } = setup();
    const first = deliver(session, 'stream-notify-all', 'public-settings-changed', ['updated'], 1);
    const streams = model.groupNode(session.id, 'streams').key;
    assert.ok(model.keysFor(session, first).includes(streams));
    const next = deliver(session, 'stream-notify-all', 'public-settings-changed', ['updated'], 2);
    const keys = model.keysFor(session, next);
    assert.ok(
      keys.includes(model.node({ kind: 'stream', sessionId: session.id, collection: 'stream-notify-all' }).key),
    );
    assert.ok(
      keys.includes(
        model.node({
          kind: 'streamEventGroup',
          sessionId: session.id,
          collection: 'stream-notify-all',
          eventName: 'public-settings-changed',
        }).key,
      ),
    );
    assert.ok(!keys.includes(streams), 'a later event does not re-list the streams');
  });

  test('rows of events pushed out of the log are forgotten: the node cache stays bounded', () => {
    const { session, model } = setup(5);
    const group = model.node({
      kind: 'streamEventGroup',
      sessionId: session.id,
      collection: 'stream-x',
      eventName: 'e',
    });
    const shown: string[] = [];
    for (let i = 0; i < 200; i++) {
      const change = deliver(session, 'stream-x', 'e', [i], i);
      model.keysFor(session, change);
      // The view lists the group's events after each one (as an expanded row would).
      for (const n of model.children(group)) shown.push(n.key);
    }
    const kept = model.children(group).map((n) => n.key);
    assert.equal(kept.length, 5);
    const forgotten = shown.filter((k) => !kept.includes(k));
    assert.ok(forgotten.length > 100);
    for (const k of forgotten) assert.equal(model.lookup(k), undefined, k);
  });

  test("Clear Stream Log forgets one stream's events and their rows; the Streams group and the connection redraw", () => {
    const { session, model } = setup();
    const conn = model.connectionNode(session.id);
    const changes: SessionChange[] = [];
    session.onChange((c) => changes.push(c));
    deliver(session, 'stream-room-messages', 'GENERAL', [{ msg: 'one' }], at(12, 0, 1));
    deliver(session, 'stream-notify-all', 'updateAvatar', [{}], at(12, 0, 2));
    assert.equal(model.children(conn).length, 3, 'the view lists Subscriptions, Collections, Streams');
    const streams = model.groupNode(session.id, 'streams');
    const [, room] = model.children(streams);
    assert.equal(model.view(room).label, 'stream-room-messages');
    const group = model.children(room)[0];
    const event = model.children(group)[0];
    session.clearStream('stream-room-messages');
    const cleared = changes.at(-1)!;
    assert.deepEqual(cleared, { type: 'streamCleared', collection: 'stream-room-messages' });
    const keys = model.keysFor(session, cleared);
    assert.ok(keys.includes(streams.key), 'the Streams group lists its streams again');
    assert.equal(model.lookup(event.key), undefined, 'the event rows are forgotten');
    assert.equal(model.lookup(group.key), undefined);
    assert.deepEqual(
      model.children(streams).map((n) => model.view(n).label),
      ['stream-notify-all'],
      'not subscribed: the cleared stream goes; the other keeps its events',
    );
    assert.equal(session.streams.kept('stream-notify-all'), 1);
    session.clearStream('stream-notify-all');
    assert.ok(model.keysFor(session, changes.at(-1)!).includes(conn.key), 'the last stream gone: the group goes');
    assert.deepEqual(
      model.children(conn).map((n) => model.view(n).label),
      ['Subscriptions', 'Collections'],
    );
    const before = changes.length;
    session.clearStream('stream-notify-all');
    assert.equal(changes.length, before, 'clearing what is not there says nothing');
  });
});
