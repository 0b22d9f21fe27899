// The explorer's view of Rocket.Chat streams against the Rocket.Chat-shaped fixture over a real socket: a Session
// logs stream events (bounded by streams.maxEvents), keeps them out of its collections, and the tree shows them as
// Streams -> stream -> event names -> events; a two-factor login through the session; the log masks the code.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS } from '../../src/core/config';
import { SessionManager, type Session } from '../../src/core/sessions';
import { paramsWithTwoFactor, withTwoFactor } from '../../src/core/twoFactor';
import { streamParams } from '../../src/ddp';
import { textLog } from '../../src/presentation/sessionLogText';
import { TreeModel, type TreeNode } from '../../src/presentation/tree/model';
import { RC_GUARDED_METHOD, RC_USER, startRocketChatServer, type RocketChatServer } from '../support/rocketChatServer';
import { waitUntil } from '../support/wait';
import { MemoryLog } from '../support/memoryLog';

const T = { timeout: 15000 };

let rc: RocketChatServer;
before(async () => {
  rc = await startRocketChatServer({ anonymousRead: true });
});
after(() => rc.close());

function setup(t: { after(fn: () => unknown): void }, maxEvents = 1000) {
  const log = new MemoryLog();
  const manager = new SessionManager({ log: textLog(log) });
  manager.updateSettings({ ...DEFAULT_SETTINGS, streamMaxEvents: maxEvents, trace: 'messages' });
  const model = new TreeModel(manager, () => 100);
  t.after(() => manager.dispose());
  return { log, manager, model };
}

async function connected(session: Session): Promise<void> {
  void session.connect();
  await waitUntil(() => session.state === 'connected', 5000, { message: `state is ${session.state}` });
}

const label = (model: TreeModel, n: TreeNode) => model.view(n).label;
const row = (model: TreeModel, n: TreeNode) => `${model.view(n).label} ${model.view(n).description ?? ''}`.trim();

describe('explorer: Rocket.Chat streams', () => {
  test('stream events show as Streams -> stream -> event names -> events, and never as a collection', T, async (t) => {
    const { manager, model } = setup(t);
    const s = manager.addAdHoc(rc.url);
    await connected(s);
    await s.subscribe('stream-room-messages', streamParams('__my_messages__'));
    await waitUntil(() => rc.subscribers('stream-room-messages', '__my_messages__') === 1, 5000);
    const conn = model.connectionNode(s.id);
    const streamsGroup = model.children(conn).find((n) => label(model, n) === 'Streams');
    assert.ok(streamsGroup, 'a stream subscription brings the Streams group');
    assert.deepEqual(
      model.children(streamsGroup).map((n) => row(model, n)),
      ['stream-room-messages subscribed · no events yet'],
    );
    for (const [rid, msg] of [
      ['GENERAL', 'one'],
      ['random', 'two'],
      ['GENERAL', 'three'],
    ])
      rc.emit('stream-room-messages', rid, { _id: msg, rid, msg, ts: new Date() });
    await waitUntil(() => s.streams.kept('stream-room-messages') === 3, 5000);
    const [stream] = model.children(streamsGroup);
    assert.match(row(model, stream), /^stream-room-messages 3 events · 2 names · last \d\d:\d\d:\d\d$/);
    const groups = model.children(stream);
    assert.deepEqual(
      groups.map((g) => row(model, g).replace(/\d\d:\d\d:\d\d/, 'T')),
      ['GENERAL 2 · last T', 'random 1 · last T'],
    );
    const events = model.children(groups[0]);
    assert.deepEqual(
      events.map((e) => model.view(e).description?.replace(/ts: .*$/, '')),
      ['{_id: "three", rid: "GENERAL", msg: "three", ', '{_id: "one", rid: "GENERAL", msg: "one", '],
    );
    const event = s.streams.event('stream-room-messages', (events[0] as { seq: number }).seq);
    assert.ok((event?.args[0] as { ts: unknown }).ts instanceof Date, 'the event is exact EJSON (a Date stays one)');
    // Not a collection: nothing in the store, no Collections row.
    assert.deepEqual(s.collectionNames(), []);
    const collections = model.children(conn).find((n) => label(model, n) === 'Collections')!;
    assert.deepEqual(model.children(collections), []);
  });

  test('the log keeps the latest streams.maxEvents events per stream', T, async (t) => {
    const { manager, model } = setup(t, 10);
    const s = manager.addAdHoc(rc.url);
    await connected(s);
    await s.subscribe('stream-notify-all', streamParams('public-settings-changed'));
    await waitUntil(() => rc.subscribers('stream-notify-all', 'public-settings-changed') === 1, 5000);
    for (let i = 0; i < 50; i++) rc.emit('stream-notify-all', 'public-settings-changed', 'updated', { i });
    await waitUntil(() => s.streams.info('stream-notify-all')?.received === 50, 5000);
    assert.equal(s.streams.kept('stream-notify-all'), 10);
    const streamNode = model.node({ kind: 'stream', sessionId: s.id, collection: 'stream-notify-all' });
    assert.match(model.view(streamNode).description ?? '', /^10 of 50 events kept · 1 name · last/);
    const events = s.streams.events('stream-notify-all', 'public-settings-changed');
    assert.deepEqual(events[0].args, ['updated', { i: 49 }]);
    assert.deepEqual(events.at(-1)?.args, ['updated', { i: 40 }]);
  });

  test(
    'two-factor through the session: login and a guarded call retried with the code, which the log masks',
    T,
    async (t) => {
      const { manager, log } = setup(t);
      const s = manager.addAdHoc(rc.url);
      await connected(s);
      const asked: string[] = [];
      const ask = (r: { method: string }) => {
        asked.push(r.method);
        return Promise.resolve(RC_USER.code);
      };
      const login = await withTwoFactor((tf) => s.login(RC_USER.username, RC_USER.password, tf?.code), ask);
      assert.equal(typeof login === 'object' && login.id, RC_USER.id);
      const outcome = await withTwoFactor(
        (tf) => s.call(RC_GUARDED_METHOD, tf ? paramsWithTwoFactor([{ bio: 'x' }], tf) : [{ bio: 'x' }]),
        ask,
      );
      assert.deepEqual(typeof outcome === 'object' && outcome.result, { saved: true, args: [{ bio: 'x' }] });
      assert.deepEqual(asked, ['totp', 'totp']);
      // The code went out twice (login and call) and is in no log line, traced frames included.
      const leaked = log.lines.filter((l) => l.includes(RC_USER.code));
      assert.deepEqual(leaked, []);
      assert.ok(
        log.lines.some((l) => /"twoFactorCode":\s*"\*\*\*"/.test(l)),
        'the traced frame shows the code masked',
      );
      assert.ok(
        log.lines.some((l) => /"code":\s*"\*\*\*"/.test(l)),
        'the traced login frame shows the code masked',
      );
    },
  );
});
