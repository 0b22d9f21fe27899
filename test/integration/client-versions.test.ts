import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startScriptServer } from '../support/scriptServer';
import { startRealServer } from '../support/realServer';
import { record, expectNoEvent, settle, waitForEvent } from '../support/wait';
import { newClient } from '../support/clients';

const T = { timeout: 5000 };

describe('client-versions', () => {
  test('failed with a version we support: reconnect at once proposing it', T, async (t) => {
    const s = await startScriptServer({ versions: ['pre1'] });
    t.after(() => s.close());
    // A long backoff proves the retry after `failed` does not wait for it.
    const c = newClient(t, s.url, { autoReconnectTimeout: 4000, maxReconnectTimeout: 4000 });
    const failed = record(c, 'failed');
    const mismatch = record(c, 'version_mismatch');
    const start = Date.now();
    await c.connect();
    assert.ok(Date.now() - start < 1500, 'the retry after `failed` is immediate, not a backoff');
    const connects = s.messages('connect');
    assert.equal(connects.length, 2);
    assert.deepEqual(connects[0], { msg: 'connect', version: '1', support: ['1', 'pre2', 'pre1'] });
    assert.equal(connects[1].version, 'pre1');
    assert.deepEqual(connects[1].support, ['1', 'pre2', 'pre1']);
    assert.equal(c.version, 'pre1');
    assert.equal(c.status, 'connected');
    assert.equal(failed.events.length, 1);
    assert.deepEqual(failed.events[0][0], { version: 'pre1' });
    assert.equal(mismatch.events.length, 0);
  });

  test('failed pre2 from a server that only speaks pre2', T, async (t) => {
    const s = await startScriptServer({ versions: ['pre2'] });
    t.after(() => s.close());
    const c = newClient(t, s.url);
    await c.connect();
    assert.deepEqual(
      s.messages('connect').map((m) => m.version),
      ['1', 'pre2'],
    );
    assert.equal(c.version, 'pre2');
  });

  test('the versions option sets the proposal and the support list', T, async (t) => {
    const s = await startScriptServer();
    t.after(() => s.close());
    const c = newClient(t, s.url, { versions: ['pre2', 'pre1'] });
    await c.connect();
    assert.deepEqual(s.messages('connect'), [{ msg: 'connect', version: 'pre2', support: ['pre2', 'pre1'] }]);
    assert.equal(c.version, 'pre2');
  });

  test('failed with an unsupported version: version_mismatch once, connect() rejects, no retry', T, async (t) => {
    const s = await startScriptServer({ failVersion: '2' });
    t.after(() => s.close());
    const c = newClient(t, s.url, { autoReconnectTimeout: 10 });
    const mismatch = record(c, 'version_mismatch');
    const outcome = await settle(c.connect(), 2000);
    assert.equal(outcome.status, 'rejected');
    assert.ok((outcome as { reason: unknown }).reason instanceof Error);
    assert.equal(mismatch.events.length, 1);
    assert.ok(Array.isArray(mismatch.events[0][0]) && mismatch.events[0][0].length > 0, 'versions listed');
    assert.equal(c.status, 'failed');
    // No retry storm: with a 10 ms backoff, any retry would show within this window.
    await expectNoEvent(c, 'connecting', 400);
    assert.equal(s.connections.length, 1);
    assert.equal(mismatch.events.length, 1);
  });

  test('failed with no version at all is a mismatch too', T, async (t) => {
    const s = await startScriptServer({ autoConnect: false });
    t.after(() => s.close());
    const c = newClient(t, s.url, { autoReconnectTimeout: 10 });
    const p = c.connect();
    const conn = await s.nextConnection();
    await conn.next('connect');
    conn.send({ msg: 'failed' });
    conn.close();
    const outcome = await settle(p, 2000);
    assert.equal(outcome.status, 'rejected');
    assert.equal(c.status, 'failed');
    await expectNoEvent(c, 'connecting', 300);
    assert.equal(s.connections.length, 1);
  });

  test('a server that keeps answering failed with a supported version causes no retry storm', T, async (t) => {
    // Proposes '1' -> failed pre1 -> proposes pre1 -> failed pre1 again -> ...
    const s = await startScriptServer({ failVersion: 'pre1' });
    t.after(() => s.close());
    const c = newClient(t, s.url, { autoReconnectTimeout: 10, maxReconnectTimeout: 50 });
    const p = c.connect();
    p.catch(() => {});
    await s.nextConnection();
    await waitForEvent(s, 'close');
    // Let it misbehave for a bounded window, then count: a tight loop makes hundreds of sockets.
    await expectNoEvent(c, 'connected', 500);
    assert.ok(s.connections.length <= 12, `${s.connections.length} connections in 0.5 s`);
  });

  test('against the real server (supports 1a, 1, pre2, pre1): plain connect with 1', T, async (t) => {
    const server = await startRealServer();
    t.after(() => server.close());
    const c = newClient(t, server.url);
    const failed = record(c, 'failed');
    await c.connect();
    assert.equal(c.version, '1');
    assert.equal(failed.events.length, 0);
  });

  test('against the real server: offering only pre1 negotiates pre1', T, async (t) => {
    const server = await startRealServer();
    t.after(() => server.close());
    const c = newClient(t, server.url, { versions: ['pre1'] });
    await c.connect();
    assert.equal(c.version, 'pre1');
    assert.equal(await c.call('math.add', [1, 1]), 2);
  });
});
