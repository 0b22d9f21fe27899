// A session's typed changes (src/core/sessionEvents.ts) and the façade's read side without a client.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SessionEvents, type SessionChange } from '../../src/core/sessionEvents';
import { SessionManager, SessionError, nullLog } from '../../src/core/sessions';

describe('session events (sessionEvents.ts)', () => {
  test('on(type) hears only its own type, typed; onChange hears all', () => {
    const events = new SessionEvents();
    const docs: string[] = [];
    const all: string[] = [];
    events.on('doc', (c) => docs.push(`${c.op} ${c.collection}/${c.id}`));
    events.onChange((c) => all.push(c.type));
    events.emit({ type: 'state' });
    events.emit({ type: 'doc', op: 'added', collection: 'tasks', id: 'a' });
    assert.deepEqual(docs, ['added tasks/a']);
    assert.deepEqual(all, ['state', 'doc']);
  });

  test('a listener that throws does not stop the others and is reported; off() and clear() stop listening', () => {
    const reported: string[] = [];
    const events = new SessionEvents((error, change) => reported.push(`${change.type}: ${(error as Error).message}`));
    const heard: SessionChange[] = [];
    events.onChange(() => {
      throw new Error('listener bug');
    });
    const off = events.onChange((c) => heard.push(c));
    events.emit({ type: 'user' });
    assert.deepEqual(reported, ['user: listener bug']);
    off();
    events.emit({ type: 'user' });
    assert.equal(heard.length, 1);
    events.on('user', () => heard.push({ type: 'user' }));
    events.clear();
    events.emit({ type: 'user' });
    assert.equal(heard.length, 1);
  });
});

describe('session manager events', () => {
  test('a manager listener that throws is logged as a listener error; the others still hear the change', () => {
    const records: string[] = [];
    const manager = new SessionManager({
      log: { record: (where, r) => records.push(`${where} ${r.type}`), frame() {} },
    });
    const heard: string[] = [];
    manager.onChange(() => {
      throw new Error('view bug');
    });
    manager.onChange((c) => heard.push(c.type));
    manager.addAdHoc('ws://127.0.0.1:1/websocket');
    assert.ok(heard.includes('sessions'));
    assert.ok(records.includes('DDP Explorer listener-error'), records.join('\n'));
    manager.dispose();
  });
});

describe('session façade without a client', () => {
  test('reads are empty, the client is not reachable, and actions fail with a typed error', async () => {
    const manager = new SessionManager({ log: nullLog });
    const s = manager.addAdHoc('ws://127.0.0.1:1/websocket');
    assert.equal('client' in s, false, 'no public client');
    assert.deepEqual(s.collectionNames(), []);
    assert.equal(s.collectionCount, 0);
    assert.equal(s.documents('tasks'), undefined);
    assert.equal(s.document('tasks', 'a'), undefined);
    assert.equal(s.subscription('x'), undefined);
    assert.equal(s.nextReconnect, undefined);
    assert.equal(s.isOpen, false);
    assert.equal(s.reconnectNow(), false);
    await assert.rejects(
      s.subscribe('tasks'),
      (e: unknown) => e instanceof SessionError && e.code === 'NOT_CONNECTED' && e.connection === s.name,
    );
    await assert.rejects(s.call('m'), (e: unknown) => e instanceof SessionError && e.code === 'NOT_CONNECTED');
    await assert.rejects(s.login('u', 'p'), (e: unknown) => e instanceof SessionError && e.code === 'NOT_CONNECTED');
    manager.dispose();
  });

  test('a URL that is not a DDP URL is refused with INVALID_URL and the reason', () => {
    const manager = new SessionManager({ log: nullLog });
    assert.throws(
      () => manager.addAdHoc('ftp://h'),
      (e: unknown) =>
        e instanceof SessionError && e.code === 'INVALID_URL' && /Unsupported scheme ftp:/.test(e.message),
    );
    assert.deepEqual(manager.list(), []);
    manager.dispose();
  });
});
