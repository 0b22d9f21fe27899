// The translation of a DdpClient's events into session state, changes and log records (src/core/clientEvents.ts),
// driven by emitting the client's events by hand: no socket.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DdpClient, type StreamEvent } from '../../src/ddp';
import { wireClient, type WiredSession } from '../../src/core/clientEvents';
import type { ConnectProblem } from '../../src/core/connectProblem';
import { Freshness } from '../../src/core/freshness';
import type { SessionChange } from '../../src/core/sessionEvents';
import type { SessionLogRecord, SessionProblem } from '../../src/core/sessionLog';

class FakeSession implements WiredSession {
  readonly freshness = new Freshness();
  ever = false;
  tls = false;
  current = true;
  records: SessionLogRecord[] = [];
  changes: SessionChange[] = [];
  connects: boolean[] = [];
  stopped: ConnectProblem[] = [];
  problems: ConnectProblem[] = [];
  last: SessionProblem | undefined;
  failure: SessionProblem | undefined;
  loggedOutCount = 0;
  tokens: Array<string | undefined> = [];
  everConnected = () => this.ever;
  record = (r: SessionLogRecord) => void this.records.push(r);
  emit = (c: SessionChange) => void this.changes.push(c);
  isCurrent = () => this.current;
  connected = (_c: DdpClient, first: boolean) => {
    this.ever = true;
    this.connects.push(first);
  };
  stopFirstConnect = (p: ConnectProblem) => void this.stopped.push(p);
  lastProblem = (p: SessionProblem) => void (this.last = p);
  failed = (p: SessionProblem) => void (this.failure = p);
  connectProblem = (p: ConnectProblem) => void this.problems.push(p);
  tlsUnverified = () => this.tls;
  loggedOut = () => void this.loggedOutCount++;
  loggedIn = (token: string | undefined) => void this.tokens.push(token);
  streamEvents: StreamEvent[] = [];
  streamEvent = (e: StreamEvent) => void this.streamEvents.push(e);
  types = () => this.records.map((r) => r.type);
}

function wired(url = 'ws://127.0.0.1:1/websocket') {
  const client = new DdpClient(url, { autoReconnect: false });
  const session = new FakeSession();
  const detach = wireClient(client, session);
  return { client, session, detach };
}

describe('client events -> session (clientEvents.ts)', () => {
  test('a socket closed before any DDP session stops the first connect with the reason classified', () => {
    const { client, session } = wired();
    client.emit('socket_closed', 1006, 'connect ECONNREFUSED 127.0.0.1:1');
    assert.equal(session.stopped.length, 1);
    assert.equal(session.stopped[0].kind, 'refused');
    assert.equal(session.stopped[0].hostPort, '127.0.0.1:1');
    assert.equal(session.last, undefined, 'no socket-closed problem: the stop says why');
    assert.ok(!session.types().includes('socket-closed'));
  });

  test('our own drops before the first session are not failures: a version retry, Reconnect Now', () => {
    const { client, session } = wired();
    client.emit('failed', { version: 'pre2' });
    client.emit('socket_closed', 1000, '');
    client.emit('connecting', client.url);
    client.emit('socket_closed', 1000, 'reconnect requested');
    assert.equal(session.stopped.length, 0);
    assert.deepEqual(session.types(), ['version-refused', 'socket-closed', 'connecting', 'socket-closed']);
    assert.deepEqual(session.records[0], { type: 'version-refused', proposed: 'pre2' });
  });

  test('a stale client (replaced by a later connect) does not stop the session', () => {
    const { client, session } = wired();
    session.current = false;
    client.emit('socket_closed', 1006, 'connect ECONNREFUSED 127.0.0.1:1');
    assert.equal(session.stopped.length, 0);
    assert.deepEqual(session.last, { type: 'socket-closed', code: 1006, reason: 'connect ECONNREFUSED 127.0.0.1:1' });
  });

  test('after a session, a drop is the last problem, logged, and makes ready data stale', () => {
    const { client, session } = wired();
    const sub = client.subscribe('tasks', []);
    client.emit('connected');
    assert.deepEqual(session.connects, [true]);
    session.freshness.subscribed(sub);
    session.freshness.ready([sub]);
    client.emit('socket_closed', 1006, 'gone');
    assert.deepEqual(session.last, { type: 'socket-closed', code: 1006, reason: 'gone' });
    assert.ok(session.types().includes('socket-closed'));
    assert.ok(session.changes.some((c) => c.type === 'state'));
    client.emit('connected');
    assert.deepEqual(session.connects, [true, false], 'only the first connected is the first');
  });

  test('no common DDP version before any session: failed, logged, and the owner is told', () => {
    const { client, session } = wired();
    client.emit('version_mismatch', ['1', 'pre2']);
    assert.deepEqual(session.failure, { type: 'version-mismatch', versions: ['1', 'pre2'] });
    assert.deepEqual(session.records, [{ type: 'version-mismatch', versions: ['1', 'pre2'] }]);
    assert.equal(session.problems.length, 1);
    assert.equal(session.problems[0].kind, 'version');
    assert.deepEqual(session.problems[0].versions, ['1', 'pre2']);
  });

  test('a wss connect with certificate checks off is warned about; a ws one is not', () => {
    const { client, session } = wired('wss://127.0.0.1:1/websocket');
    session.tls = true;
    client.emit('connecting', 'wss://127.0.0.1:1/websocket');
    client.emit('connecting', 'ws://127.0.0.1:1/websocket');
    assert.deepEqual(session.types(), ['connecting', 'tls-unverified', 'connecting']);
  });

  test('document events become doc changes; addedBefore says whether it was placed', () => {
    const { client, session } = wired();
    client.emit('added', 'tasks', 'a', {});
    client.emit('addedBefore', 'tasks', 'b', {}, 'a');
    client.emit('addedBefore', 'tasks', 'c', {}, null);
    client.emit('changed', 'tasks', 'a', {}, []);
    client.emit('movedBefore', 'tasks', 'a', null);
    client.emit('removed', 'tasks', 'b');
    assert.deepEqual(session.changes, [
      { type: 'doc', op: 'added', collection: 'tasks', id: 'a' },
      { type: 'doc', op: 'added', collection: 'tasks', id: 'b', ordered: true },
      { type: 'doc', op: 'added', collection: 'tasks', id: 'c', ordered: false },
      { type: 'doc', op: 'changed', collection: 'tasks', id: 'a' },
      { type: 'doc', op: 'moved', collection: 'tasks', id: 'a' },
      { type: 'doc', op: 'removed', collection: 'tasks', id: 'b' },
    ]);
  });

  test('ready and nosub are logged with the subscription name and params; an unknown id by its id', () => {
    const { client, session } = wired();
    const sub = client.subscribe('tasks', ['open']);
    session.freshness.subscribed(sub);
    client.emit('ready', [sub]);
    const ready = session.records.find((r) => r.type === 'subscription-ready');
    assert.ok(ready && ready.type === 'subscription-ready');
    assert.deepEqual(ready.sub, { name: 'tasks', params: ['open'] });
    const denied = new Error('no');
    client.emit('nosub', 'zzz', denied);
    assert.deepEqual(session.records.at(-1), { type: 'subscription-stopped', sub: { name: 'zzz' }, error: denied });
    assert.ok(session.changes.some((c) => c.type === 'subscriptions'));
  });

  test('login and logout: logged, the user changes, a logout forgets the stored login', () => {
    const { client, session } = wired();
    client.emit('login', 'u1');
    client.emit('logout', 'token expired');
    assert.deepEqual(session.records, [
      { type: 'logged-in', userId: 'u1' },
      { type: 'logged-out', reason: 'token expired' },
    ]);
    assert.equal(session.loggedOutCount, 1);
    assert.deepEqual(
      session.changes.map((c) => c.type),
      ['user', 'user'],
    );
  });

  test('detach stops listening', () => {
    const { client, session, detach } = wired();
    detach();
    client.emit('added', 'tasks', 'a', {});
    client.emit('socket_closed', 1006, 'x');
    assert.deepEqual(session.changes, []);
    assert.deepEqual(session.stopped, []);
  });
});
