// The client against third-party DDP servers from npm that break the spec in ways met in the wild.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DdpError } from '../../src/ddp';
import { startReactiveServer, startTarangServer } from '../support/thirdPartyServers';
import { record, settle } from '../support/wait';
import { newClient, protocolErrors } from '../support/clients';

const T = { timeout: 5000 };

const methods = {
  add: (a: number, b: number) => a + b,
  boom: () => {
    throw new Error('boom');
  },
};

describe('third-party servers', () => {
  test('ddp-server-reactive: results, errors without msg, updated with id, a publication', T, async (t) => {
    t.mock.method(console, 'log', () => undefined); // it logs every failed method
    const server = await startReactiveServer(methods, { tasks: { t1: { title: 'one' }, t2: { title: 'two' } } });
    t.after(() => server.close());
    const c = newClient(t, server.url);
    const errors = protocolErrors(c);
    const updated = record(c, 'updated');
    await c.connect();
    assert.equal(typeof c.session, 'string');
    assert.equal(await c.call('add', [2, 3]), 5);
    for (const [name, code] of [
      ['boom', 500],
      ['missing', 404],
    ] as const) {
      const outcome = await settle(c.call(name, []), 2000);
      assert.equal(outcome.status, 'rejected', `${name} settles`);
      const err = (outcome as { reason: DdpError }).reason;
      assert.ok(err instanceof DdpError);
      assert.equal(err.error, code);
    }
    const ready = new Promise<Error | undefined>((resolve) => c.subscribe('tasks', [], resolve));
    assert.equal(await ready, undefined);
    assert.deepEqual([...(c.collections.get('tasks')?.keys() ?? [])].sort(), ['t1', 't2']);
    assert.deepEqual(
      updated.events.map(([ids]) => ids),
      [['1']],
    );
    // Each non-standard frame was noted once: updated-with-id, and the two error frames without msg.
    assert.equal(errors.events.length, 3, JSON.stringify(errors.events));
  });

  test("Tarang's ddp-server: connects without a session id, answers and refuses methods", T, async (t) => {
    t.mock.method(console, 'log', () => undefined);
    const server = await startTarangServer(methods);
    t.after(() => server.close());
    const c = newClient(t, server.url);
    const errors = protocolErrors(c);
    const outcome = await settle(c.connect(), 2000);
    assert.equal(outcome.status, 'fulfilled', 'connect() resolves');
    assert.equal(c.status, 'connected');
    assert.equal(c.session, undefined);
    assert.equal(await c.call('add', [20, 22]), 42);
    const failed = await settle(c.call('boom', []), 2000);
    assert.ok((failed as { reason: unknown }).reason instanceof DdpError);
    assert.equal((failed as { reason: DdpError }).reason.error, 500);
    const missing = await settle(c.call('missing', []), 2000);
    assert.equal((missing as { reason: DdpError }).reason.error, 404);
    assert.equal(errors.events.length, 3, JSON.stringify(errors.events));
    assert.match(errors.events[0][0], /session_id/);
  });
});
