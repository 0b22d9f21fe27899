// The pieces split out of DdpClient (issue 12), without sockets: the outbox and its "wait" rule, the connect
// promise, the read-only collection views, and the error family's type guards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Outbox } from '../../src/ddp/outbox';
import { Methods } from '../../src/ddp/methods';
import { Subscriptions } from '../../src/ddp/subscriptions';
import { ConnectPromise } from '../../src/ddp/connectPromise';
import { Store } from '../../src/ddp/store';
import type { ClientMessage } from '../../src/ddp/messages';
import { DdpClientError, DdpConnectionError, DdpError, isDdpConnectionError, isDdpError } from '../../src/ddp';

function wire(open = true) {
  const sent: ClientMessage[] = [];
  return { sessionOpen: open, sent, send: (m: ClientMessage) => void sent.push(m) };
}
const names = (sent: ClientMessage[]) =>
  sent.map((m) => (m.msg === 'method' ? m.method : m.msg === 'sub' ? `sub:${m.name}` : m.msg));
const opts = (wait: boolean) => ({ retry: false, wait, timeout: 0, onTimeout: () => undefined });

void test('outbox: a "wait" call goes out alone and holds back what follows until it is answered', () => {
  const w = wire();
  const methods = new Methods();
  const out = new Outbox(w, methods);
  const a = methods.create('a', [], opts(false));
  const b = methods.create('b', [], opts(true));
  const subs = new Subscriptions(() => undefined);
  out.push({ kind: 'method', call: a.call });
  out.push({ kind: 'method', call: b.call });
  out.push({ kind: 'sub', sub: subs.create('s', [], [], undefined) });
  assert.deepEqual(names(w.sent), ['a'], 'b waits for a to be answered');
  methods.settle(a.call.id, undefined, 1);
  out.released(a.call);
  assert.deepEqual(names(w.sent), ['a', 'b'], 'the sub waits for b');
  methods.settle(b.call.id, undefined, 2);
  out.released(b.call);
  assert.deepEqual(names(w.sent), ['a', 'b', 'sub:s']);
  void a.promise;
  void b.promise;
});

void test('outbox: nothing goes out before the session is open; on resume the login and retried calls go first', () => {
  const w = wire(false);
  const methods = new Methods();
  const out = new Outbox(w, methods);
  const queued = methods.create('queued', [], opts(false));
  out.push({ kind: 'method', call: queued.call });
  assert.equal(w.sent.length, 0);
  const retried = methods.create('retried', [], opts(false));
  out.connectionLost([retried.call]);
  const login = methods.create('login', [], opts(true));
  const front = out.resume(login.call, []);
  assert.deepEqual(front, [login.call, retried.call]);
  w.sessionOpen = true;
  out.flush();
  assert.deepEqual(names(w.sent), ['login'], 'the resume login holds the rest back');
  for (const p of [queued, retried, login]) p.promise.catch(() => undefined);
});

void test('outbox: dropCalls forgets queued calls but keeps queued subscriptions', () => {
  const w = wire(false);
  const methods = new Methods();
  const out = new Outbox(w, methods);
  const subs = new Subscriptions(() => undefined);
  const c = methods.create('c', [], opts(false));
  c.promise.catch(() => undefined);
  out.push({ kind: 'method', call: c.call });
  out.push({ kind: 'sub', sub: subs.create('s', [], [], undefined) });
  out.dropCalls();
  w.sessionOpen = true;
  out.flush();
  assert.deepEqual(names(w.sent), ['sub:s']);
});

void test('connect promise: every waiting connect() settles, with the same outcome', async () => {
  const cp = new ConnectPromise();
  const one = cp.wait();
  const two = cp.wait();
  const error = new DdpConnectionError('CLOSED', 'closed');
  cp.settle(error);
  await assert.rejects(one, error);
  await assert.rejects(two, error);
  const three = cp.wait();
  cp.settle();
  await three;
});

void test('store collections: read-only views that follow the data, with no Map to reach', () => {
  const store = new Store();
  const view = store.collections;
  store.added('c', 'a', { n: 1 });
  const docs = view.get('c');
  assert.ok(docs && !(docs instanceof Map) && !(view instanceof Map));
  assert.equal((view as unknown as { set?: unknown }).set, undefined);
  store.added('c', 'b', { n: 2 });
  assert.equal(docs.size, 2);
  assert.deepEqual([...docs.keys()], ['a', 'b']);
  assert.deepEqual(
    [...view].map(([name]) => name),
    ['c'],
  );
  const seen: string[] = [];
  docs.forEach((_v, id, map) => {
    assert.equal(map, docs);
    seen.push(id);
  });
  assert.deepEqual(seen, ['a', 'b']);
  assert.equal(view.get('c'), docs, 'the same view object each time');
});

void test('errors: one family, told apart by kind and type guards (also across copies of the library)', () => {
  const server = new DdpError({ error: 403, reason: 'denied' });
  const conn = new DdpConnectionError('REFUSED', 'refused');
  assert.ok(server instanceof DdpClientError && conn instanceof DdpClientError);
  assert.equal(server.kind, 'server');
  assert.equal(conn.kind, 'connection');
  assert.ok(isDdpError(server) && !isDdpError(conn) && !isDdpError(new Error('x')));
  assert.ok(isDdpConnectionError(conn) && !isDdpConnectionError(server));
  // An error from another copy of the library: same name and kind, another class.
  const foreign = Object.assign(new Error('x'), { name: 'DdpConnectionError', kind: 'connection', code: 'CLOSED' });
  assert.ok(isDdpConnectionError(foreign));
});
