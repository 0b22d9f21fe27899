// The session's Rocket.Chat stream log (src/core/streams.ts): bounded per stream, grouped by event name, newest first;
// and the library's detection rule (src/ddp/streams.ts). No socket.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_STREAMS, StreamLog } from '../../src/core/streams';
import { streamEventOf, streamParams } from '../../src/ddp';
import { describeFrame } from '../../src/presentation/inspector/frames';
import { compileFilter, EMPTY_FILTER } from '../../src/presentation/inspector/filter';

const ev = (eventName: string, i: number, collection = 'stream-room-messages') => ({
  collection,
  eventName,
  args: [{ i }],
});

describe('stream log', () => {
  test('groups events by event name, newest event name first, events newest first, with counts and times', () => {
    const log = new StreamLog(() => 100);
    log.add(ev('GENERAL', 1), 1000);
    log.add(ev('random', 2), 2000);
    log.add(ev('GENERAL', 3), 3000);
    assert.deepEqual(
      log.groups('stream-room-messages').map((g) => [g.eventName, g.received, g.lastAt]),
      [
        ['GENERAL', 2, 3000],
        ['random', 1, 2000],
      ],
    );
    assert.deepEqual(
      log.events('stream-room-messages', 'GENERAL').map((e) => e.args),
      [[{ i: 3 }], [{ i: 1 }]],
    );
    assert.deepEqual(
      log.list().map((s) => [s.collection, s.received, s.lastAt]),
      [['stream-room-messages', 3, 3000]],
    );
    const seq = log.events('stream-room-messages', 'random')[0].seq;
    assert.deepEqual(log.event('stream-room-messages', seq)?.args, [{ i: 2 }]);
  });

  test('keeps the latest maxEvents per stream; a name whose events are all gone goes; what went is reported', () => {
    const log = new StreamLog(() => 3);
    const first = log.add(ev('old', 0), 0);
    assert.equal(first.newStream, true);
    for (let i = 1; i <= 3; i++) log.add(ev('new', i), i);
    const last = log.add(ev('new', 4), 4);
    assert.equal(last.newStream, false);
    assert.equal(log.kept('stream-room-messages'), 3);
    assert.equal(log.group('stream-room-messages', 'old'), undefined);
    assert.deepEqual(
      log.events('stream-room-messages', 'new').map((e) => e.args[0]),
      [{ i: 4 }, { i: 3 }, { i: 2 }],
    );
    assert.deepEqual(last.dropped, [{ seq: 2, eventName: 'new' }]);
    assert.equal(log.event('stream-room-messages', first.record.seq), undefined);
    // Counts: received since the name appeared; kept is what the log still holds.
    assert.equal(log.info('stream-room-messages')?.received, 5);
    assert.equal(log.group('stream-room-messages', 'new')?.received, 4);
  });

  test('cost does not grow with time: 100,000 events through a 50-event log keep 50, in bounded arrays', () => {
    const log = new StreamLog(() => 50);
    for (let i = 0; i < 100_000; i++) log.add(ev(i % 2 ? 'a' : 'b', i), i);
    assert.equal(log.kept('stream-room-messages'), 50);
    const g = log.group('stream-room-messages', 'a')!;
    assert.ok(g.events.length <= 2 * 25 + 64, `group array stays bounded (${g.events.length})`);
    assert.equal(log.events('stream-room-messages', 'a').length, 25);
    assert.equal(log.events('stream-room-messages', 'a')[0].args[0] instanceof Object, true);
    assert.deepEqual(log.events('stream-room-messages', 'a')[0].args, [{ i: 99_999 }]);
  });

  test('a lower setting applies from the next event', () => {
    let max = 10;
    const log = new StreamLog(() => max);
    for (let i = 0; i < 10; i++) log.add(ev('x', i), i);
    max = 2;
    const r = log.add(ev('x', 10), 10);
    assert.equal(log.kept('stream-room-messages'), 2);
    assert.equal(r.dropped.length, 9);
  });

  test('streams are separate logs; past MAX_STREAMS the quietest one goes', () => {
    const log = new StreamLog(() => 5);
    for (let i = 0; i < MAX_STREAMS; i++) log.add(ev('e', i, `stream-${i}`), i + 1);
    const r = log.add(ev('e', 0, 'stream-new'), 1e6);
    assert.equal(r.droppedStream, 'stream-0');
    assert.equal(log.size, MAX_STREAMS);
    assert.equal(log.has('stream-0'), false);
    assert.equal(log.list()[0].collection, 'stream-new');
  });
});

describe('stream detection (src/ddp/streams.ts)', () => {
  test('a stream-* changed with eventName (string) and args (array), clearing nothing, is a stream event', () => {
    assert.deepEqual(streamEventOf('stream-notify-all', { eventName: 'x', args: [1] }, []), {
      collection: 'stream-notify-all',
      eventName: 'x',
      args: [1],
    });
    assert.equal(streamEventOf('messages', { eventName: 'x', args: [1] }, []), undefined, 'not a stream- collection');
    assert.equal(streamEventOf('stream-x', { eventName: 'x' }, []), undefined, 'no args');
    assert.equal(streamEventOf('stream-x', { eventName: 1, args: [] }, []), undefined, 'eventName not a string');
    assert.equal(streamEventOf('stream-x', { eventName: 'x', args: {} }, []), undefined, 'args not an array');
    assert.equal(streamEventOf('stream-x', { eventName: 'x', args: [] }, ['y']), undefined, 'clears a field');
  });

  test("streamParams is Rocket.Chat's shape", () => {
    assert.deepEqual(streamParams('GENERAL'), ['GENERAL', { useCollection: false, args: [] }]);
  });
});

describe('stream events in the inspector (src/presentation/inspector/frames.ts)', () => {
  const wire = (m: unknown, seq = 1) => {
    const text = JSON.stringify(m);
    return describeFrame({ seq, at: 0, dir: 'in', bytes: text.length, text });
  };
  const event = {
    msg: 'changed',
    collection: 'stream-room-messages',
    id: 'id',
    fields: { eventName: 'GENERAL', args: [{ msg: 'hello' }] },
  };

  test('a stream event is keyed stream/eventName, named by its event name, previewed by its args', () => {
    const v = wire(event);
    assert.equal(v.type, 'changed');
    assert.equal(v.key, 'stream-room-messages/GENERAL');
    assert.equal(v.name, 'GENERAL');
    assert.equal(v.collection, 'stream-room-messages');
    assert.match(v.preview, /hello/);
    // A document change keeps its collection/id key.
    assert.equal(wire({ msg: 'changed', collection: 'tasks', id: 't1', fields: { done: true } }).key, 'tasks/t1');
  });

  test('the filter finds stream events by event name, stream and text', () => {
    const frames = [
      wire(event, 1),
      wire({ ...event, fields: { eventName: 'random', args: [] } }, 2),
      wire({ msg: 'changed', collection: 'tasks', id: 'GENERAL', fields: {} }, 3),
    ];
    const pick = (spec: Partial<typeof EMPTY_FILTER>) =>
      frames.filter(compileFilter({ ...EMPTY_FILTER, ...spec }).test).map((f) => f.seq);
    assert.deepEqual(pick({ name: 'general' }), [1]);
    assert.deepEqual(pick({ collection: 'room-messages' }), [1, 2]);
    assert.deepEqual(pick({ text: 'hello' }), [1]);
  });
});
