// Rocket.Chat's streams and two-factor convention against the Rocket.Chat-shaped fixture (test/support/
// rocketChatServer.ts), over real sockets: the library's `stream` event, the store left alone, and the 2FA retries.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DdpError, streamParams, type StreamEvent } from '../../src/ddp';
import { paramsWithTwoFactor, twoFactorRequest, withTwoFactor, TWO_FACTOR_CANCELLED } from '../../src/core/twoFactor';
import { connectedClient, protocolErrors } from '../support/clients';
import {
  RC_GUARDED_METHOD,
  RC_PLAIN_USER,
  RC_USER,
  startRocketChatServer,
  type RocketChatServer,
} from '../support/rocketChatServer';
import { record, waitForEvent, waitUntil } from '../support/wait';
import type { DdpClient } from '../../src/ddp';

/** Subscribes and waits for `ready` (or the server's error). */
function subscribed(c: DdpClient, name: string, params: unknown[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const id = c.subscribe(name, params, (error) => (error ? reject(error) : resolve(id)));
  });
}

let rc: RocketChatServer;
before(async () => {
  rc = await startRocketChatServer();
});
after(() => rc.close());

describe('Rocket.Chat streams', () => {
  test('events arrive as `stream` events, EJSON decoded, and never enter the store', async (t) => {
    const c = await connectedClient(t, rc.url);
    const errors = protocolErrors(c);
    const changed = record(c, 'changed');
    await c.login({ username: RC_PLAIN_USER.username, password: RC_PLAIN_USER.password });
    await subscribed(c, 'stream-room-messages', streamParams('GENERAL'));
    const events = record(c, 'stream');
    const ts = new Date(1_700_000_000_000);
    for (let i = 0; i < 3; i++)
      assert.equal(rc.emit('stream-room-messages', 'GENERAL', { _id: `m${i}`, msg: `hi ${i}`, ts }), 1);
    await waitUntil(() => events.events.length === 3);
    const first = events.events[0][0] as StreamEvent;
    assert.equal(first.collection, 'stream-room-messages');
    assert.equal(first.eventName, 'GENERAL');
    assert.deepEqual(first.args, [{ _id: 'm0', msg: 'hi 0', ts }]);
    assert.ok((first.args[0] as { ts: unknown }).ts instanceof Date);
    // No document "id" in a `stream-room-messages` collection, no `changed`, no protocol error.
    assert.equal(c.collections.get('stream-room-messages'), undefined);
    assert.equal(changed.events.length, 0);
    assert.deepEqual(errors.events, []);
  });

  test('the older `[eventName, false]` params and a `useCollection: true` subscription get the same events', async (t) => {
    const c = await connectedClient(t, rc.url);
    await subscribed(c, 'stream-notify-all', ['public-settings-changed', false]);
    await subscribed(c, 'stream-notify-all', ['updateEmojiCustom', { useCollection: true, args: [] }]);
    const events = record(c, 'stream');
    rc.emit('stream-notify-all', 'public-settings-changed', 'updated', { _id: 'Site_Name', value: 'RC' });
    rc.emit('stream-notify-all', 'updateEmojiCustom', { emojiData: { name: 'party' } });
    await waitUntil(() => events.events.length === 2);
    assert.deepEqual(
      events.events.map(([e]) => [e.eventName, e.args]),
      [
        ['public-settings-changed', ['updated', { _id: 'Site_Name', value: 'RC' }]],
        ['updateEmojiCustom', [{ emojiData: { name: 'party' } }]],
      ],
    );
    // useCollection: true added {eventName} under "id" (the server's compatibility document); events leave it as is.
    assert.deepEqual(c.collections.get('stream-notify-all')?.get('id'), { eventName: 'updateEmojiCustom' });
  });

  test("a stream the server refuses (someone else's notify-user) ends with its error", async (t) => {
    const c = await connectedClient(t, rc.url);
    await c.login({ username: RC_PLAIN_USER.username, password: RC_PLAIN_USER.password });
    await assert.rejects(
      subscribed(c, 'stream-notify-user', streamParams(`${RC_USER.id}/notification`)),
      (e: unknown) => {
        assert.ok(e instanceof DdpError);
        assert.equal(e.error, 'not-allowed');
        return true;
      },
    );
    await subscribed(c, 'stream-notify-user', streamParams(`${RC_PLAIN_USER.id}/notification`));
    const got = waitForEvent(c, 'stream');
    rc.emit('stream-notify-user', `${RC_PLAIN_USER.id}/notification`, { title: 'ping' });
    const [event] = await got;
    assert.equal(event.eventName, `${RC_PLAIN_USER.id}/notification`);
  });
});

describe('Rocket.Chat two-factor', () => {
  const wrong = '000000';

  test('login answers totp-required, then succeeds with {totp: {login, code}}', async (t) => {
    const c = await connectedClient(t, rc.url);
    const err = await c.login({ username: RC_USER.username, password: RC_USER.password }).catch((e: unknown) => e);
    assert.deepEqual(twoFactorRequest(err), { method: 'totp', codeGenerated: false });
    const r = await c.login({ username: RC_USER.username, password: RC_USER.password, totp: RC_USER.code });
    assert.equal(r.id, RC_USER.id);
    assert.equal(c.userId, RC_USER.id);
  });

  test('a wrong login code answers the server reason (totp-invalid), and the client stays logged out', async (t) => {
    const c = await connectedClient(t, rc.url);
    const asked: string[] = [];
    const attempt = withTwoFactor(
      (tf) => c.login({ username: RC_USER.username, password: RC_USER.password, totp: tf?.code }),
      (req) => {
        asked.push(req.method);
        return Promise.resolve(wrong);
      },
    );
    await assert.rejects(attempt, (e: unknown) => {
      assert.ok(e instanceof DdpError);
      assert.equal(e.error, 'totp-invalid');
      assert.equal(e.reason, 'TOTP Invalid');
      return true;
    });
    assert.deepEqual(asked, ['totp']);
    assert.equal(c.userId, undefined);
  });

  test('a guarded method is retried once with {twoFactorCode, twoFactorMethod} appended; the code stays out of its args', async (t) => {
    const c = await connectedClient(t, rc.url);
    // A resume login skips the second factor (as in Rocket.Chat); the method still asks for it.
    const { token } = await c.login({ username: RC_USER.username, password: RC_USER.password, totp: RC_USER.code });
    const c2 = await connectedClient(t, rc.url);
    await c2.loginWithToken(token);
    const params = [{ realname: 'Rocket' }];
    const calls = rc.calls.length;
    const result = await withTwoFactor(
      (tf) => c2.call(RC_GUARDED_METHOD, tf ? paramsWithTwoFactor(params, tf) : params),
      () => Promise.resolve(RC_USER.code),
    );
    assert.deepEqual(result, { saved: true, args: params });
    const sent = rc.calls.slice(calls).filter((x) => x.method === RC_GUARDED_METHOD);
    assert.deepEqual(
      sent.map((x) => x.params),
      [params, [...params, { twoFactorCode: RC_USER.code, twoFactorMethod: 'totp' }]],
    );
  });

  test('a wrong method code rejects with totp-invalid; Escape cancels without a second call', async (t) => {
    const c = await connectedClient(t, rc.url);
    await c.login({ username: RC_USER.username, password: RC_USER.password, totp: RC_USER.code });
    const call = (tf?: { code: string; method: string }) =>
      c.call(RC_GUARDED_METHOD, tf ? paramsWithTwoFactor([], tf) : []);
    await assert.rejects(
      withTwoFactor(call, () => Promise.resolve(wrong)),
      (e: unknown) => e instanceof DdpError && e.error === 'totp-invalid',
    );
    const before = rc.calls.length;
    assert.equal(await withTwoFactor(call, () => Promise.resolve(undefined)), TWO_FACTOR_CANCELLED);
    assert.equal(rc.calls.length - before, 1, 'only the first attempt went out');
  });

  test('other errors are not treated as two-factor requests', async (t) => {
    const c = await connectedClient(t, rc.url);
    let asked = false;
    await assert.rejects(
      withTwoFactor(
        () => c.call(RC_GUARDED_METHOD, []),
        () => {
          asked = true;
          return Promise.resolve('1');
        },
      ),
      (e: unknown) => e instanceof DdpError && e.error === 'error-invalid-user',
    );
    assert.equal(asked, false);
  });
});

describe('Rocket.Chat __my_messages__', () => {
  test('one subscription gets the messages of every room, each under its room id', async (t) => {
    const c = await connectedClient(t, rc.url);
    await c.login({ username: RC_PLAIN_USER.username, password: RC_PLAIN_USER.password });
    await subscribed(c, 'stream-room-messages', streamParams('__my_messages__'));
    const events = record(c, 'stream');
    await c.call('sendMessage', [{ rid: 'GENERAL', msg: 'one' }]);
    await c.call('sendMessage', [{ rid: 'random', msg: 'two' }]);
    await waitUntil(() => events.events.length === 2);
    assert.deepEqual(
      events.events.map(([e]) => [e.eventName, (e.args[0] as { msg: string }).msg]),
      [
        ['GENERAL', 'one'],
        ['random', 'two'],
      ],
    );
  });
});
