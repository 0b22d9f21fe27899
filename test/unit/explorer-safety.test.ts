// Safety settings as the view models see them (no VS Code): parsing `color`, `confirm`, `readOnly` from
// ddpExplorer.connections (a wrong value never lowers the guard), the policy's verdicts, the question's words
// (escaped for the modal by notify.ts), and the connection row's icon colour.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { connectionColorId, parseConnections, writePolicy } from '../../src/core/config';
import { authorize, decide } from '../../src/core/writePolicy';
import { SessionError, SessionManager, nullLog } from '../../src/core/sessions';
import { confirmQuestion } from '../../src/presentation/confirmText';
import { TreeModel } from '../../src/presentation/tree/model';
import { errorMessage, rateLimitedMessage, retryIn } from '../../src/presentation/errorMessages';
import { DdpError } from '../../src/ddp';

const ok = () => undefined;

describe('safety settings', () => {
  test('color, confirm and readOnly are read from a connection entry', () => {
    const { connections, problems } = parseConnections(
      [{ name: 'PRODUCTION', url: 'wss://app.example.com', color: 'red', confirm: 'writes', readOnly: false }],
      ok,
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(connections[0], {
      name: 'PRODUCTION',
      url: 'wss://app.example.com',
      color: 'red',
      confirm: 'writes',
      readOnly: false,
    });
    assert.deepEqual(writePolicy(connections[0]), { confirm: 'writes', readOnly: false });
    assert.deepEqual(writePolicy({}), { confirm: 'none', readOnly: false });
  });

  test('a wrong confirm asks before everything, a wrong readOnly is read-only, a wrong color is dropped', () => {
    const { connections, problems } = parseConnections(
      [
        { name: 'a', url: 'ws://h', confirm: 'always' },
        { name: 'b', url: 'ws://h', readOnly: 'yes' },
        { name: 'c', url: 'ws://h', color: 'url(javascript:x)' },
      ],
      ok,
    );
    assert.equal(problems.length, 3);
    assert.deepEqual(writePolicy(connections[0]), { confirm: 'all', readOnly: false });
    assert.deepEqual(writePolicy(connections[1]), { confirm: 'none', readOnly: true });
    assert.equal(connections[2].color, undefined);
  });

  test('colours: the short names map to the theme chart colours; theme ids pass; anything else is none', () => {
    assert.equal(connectionColorId('red'), 'charts.red');
    assert.equal(connectionColorId('purple'), 'charts.purple');
    assert.equal(connectionColorId('terminal.ansiBrightRed'), 'terminal.ansiBrightRed');
    assert.equal(connectionColorId('#ff0000'), undefined);
    assert.equal(connectionColorId('red; x'), undefined);
    assert.equal(connectionColorId(undefined), undefined);
  });

  test('verdicts: readOnly refuses calls only; "writes" asks for calls; "all" for subscriptions too', () => {
    assert.equal(decide({ confirm: 'none', readOnly: false }, 'method'), 'send');
    assert.equal(decide({ confirm: 'writes', readOnly: false }, 'method'), 'confirm');
    assert.equal(decide({ confirm: 'writes', readOnly: false }, 'subscription'), 'send');
    assert.equal(decide({ confirm: 'all', readOnly: false }, 'subscription'), 'confirm');
    assert.equal(decide({ confirm: 'all', readOnly: true }, 'method'), 'refuse');
    assert.equal(decide({ confirm: 'none', readOnly: true }, 'subscription'), 'send');
  });

  test('with nobody to ask, or a prompt that throws, nothing is sent', async () => {
    const request = { kind: 'method' as const, name: 'tasks.remove', params: [], connection: 'PRODUCTION' };
    const policy = { confirm: 'writes' as const, readOnly: false };
    await assert.rejects(
      authorize(policy, request, undefined),
      (e: unknown) => (e as SessionError).code === 'CANCELLED',
    );
    await assert.rejects(
      authorize(policy, request, () => Promise.reject(new Error('dialog failed'))),
      (e: unknown) => (e as SessionError).code === 'CANCELLED',
    );
    await authorize(policy, request, () => Promise.resolve(true));
  });

  test("the question names the method and the connection; params are masked like the log's", () => {
    const q = confirmQuestion({
      kind: 'method',
      name: 'tasks.remove',
      params: [{ id: 't1', password: 'hunter2' }],
      connection: 'PRODUCTION',
    });
    assert.equal(q.message, 'Call tasks.remove on PRODUCTION?');
    assert.equal(q.action, 'Call');
    assert.match(q.detail, /"id":"t1"/);
    assert.doesNotMatch(q.detail, /hunter2/);
    const sub = confirmQuestion({ kind: 'subscription', name: 'tasks', params: [], connection: 'PRODUCTION' });
    assert.equal(sub.message, 'Subscribe to tasks on PRODUCTION?');
    assert.equal(sub.action, 'Subscribe');
  });

  test('refusals and cancellations read as plain sentences', async () => {
    const manager = new SessionManager({ log: nullLog });
    manager.setSaved([{ name: 'PRODUCTION', url: 'ws://127.0.0.1:1/websocket', readOnly: true }]);
    const s = manager.findByName('PRODUCTION');
    assert.ok(s);
    // Not connected comes first: nothing to refuse yet.
    await assert.rejects(s.call('tasks.remove'), (e: unknown) => (e as SessionError).code === 'NOT_CONNECTED');
    const e = new SessionError('READ_ONLY', 'PRODUCTION', '"PRODUCTION" is read-only: tasks.remove was not called.');
    assert.equal(errorMessage(e), '"PRODUCTION" is read-only: tasks.remove was not called.');
    manager.dispose();
  });

  test('the connection row wears its colour, except on a warning or error state', () => {
    const manager = new SessionManager({ log: nullLog });
    manager.setSaved([
      { name: 'PRODUCTION', url: 'ws://127.0.0.1:1/websocket', color: 'red' },
      { name: 'plain', url: 'ws://127.0.0.1:1/websocket' },
    ]);
    const model = new TreeModel(
      manager,
      () => 100,
      () => Date.now(),
      () => 1000,
    );
    const [prod, plain] = model.children().map((n) => model.view(n));
    assert.deepEqual(prod.icon, { id: 'debug-disconnect', color: 'charts.red' });
    assert.deepEqual(plain.icon, { id: 'debug-disconnect' });
    assert.equal(plain.description, 'disconnected');
    manager.setSaved([
      { name: 'PRODUCTION', url: 'ws://127.0.0.1:1/websocket', color: 'red', confirm: 'writes' },
      { name: 'plain', url: 'ws://127.0.0.1:1/websocket', readOnly: true },
    ]);
    const [prod2, ro] = model.children().map((n) => model.view(n));
    assert.equal(prod2.description, 'disconnected · confirms writes');
    assert.equal(ro.description, 'disconnected · read-only');
    manager.dispose();
  });
});

describe('rate-limit words', () => {
  test('the wait in seconds (rounded up), minutes or hours; unknown is "later"', () => {
    assert.equal(retryIn(2996), 'retry in 3 s');
    assert.equal(retryIn(0), 'retry in 0 s');
    assert.equal(retryIn(600_000), 'retry in 10 min');
    assert.equal(retryIn(86_400_000), 'retry in 24 h');
    assert.equal(retryIn(null), 'retry later');
    assert.equal(rateLimitedMessage('math.add', 2996), 'math.add was rate limited by the server: retry in 3 s');
  });

  test("a rate-limited call's error reads as a rate limit, not the server's long sentence", () => {
    const e = new DdpError({
      error: 'too-many-requests',
      reason: 'Error, too many requests. Please slow down. You must wait 3 seconds before trying again.',
      details: { timeToReset: 2996 },
    });
    assert.equal(errorMessage(e, 'call'), 'rate limited by the server: retry in 3 s');
  });
});
