import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { DdpError } from '../../src/ddp';
import { startAccountsServer, ALICE, type AccountsServer } from '../support/accountsServer';
import { connectedClient, newClient } from '../support/clients';
import { waitForEvent, waitUntil } from '../support/wait';

const digestOf = (p: string) => createHash('sha256').update(p).digest('hex');

async function server(t: { after(fn: () => unknown): void }): Promise<AccountsServer> {
  const s = await startAccountsServer();
  t.after(() => s.close());
  return s;
}

test('password login by username sends the sha-256 digest and resolves with id and token', async (t) => {
  const s = await server(t);
  const c = await connectedClient(t, s.url);
  const loggedIn = waitForEvent(c, 'login');
  const result = await c.login({ username: ALICE.username, password: ALICE.password });
  assert.equal(result.id, ALICE.id);
  assert.match(result.token, /^[0-9a-f]{32}$/);
  assert.ok(result.tokenExpires instanceof Date);
  assert.deepEqual(await loggedIn, [ALICE.id]);
  assert.equal(c.userId, ALICE.id);
  const login = s.received.find((m) => m.msg.msg === 'method' && m.msg.method === 'login');
  assert.deepEqual(login?.msg.params, [
    { user: { username: ALICE.username }, password: { digest: digestOf(ALICE.password), algorithm: 'sha-256' } },
  ]);
  assert.ok(!JSON.stringify(s.received).includes(ALICE.password), 'the plain password never crosses the wire');
  assert.equal(await c.call('whoami'), ALICE.id);
});

test('password login by e-mail', async (t) => {
  const s = await server(t);
  const c = await connectedClient(t, s.url);
  const result = await c.login({ email: ALICE.email, password: ALICE.password });
  assert.equal(result.id, ALICE.id);
  const login = s.received.find((m) => m.msg.method === 'login');
  assert.deepEqual(login?.msg.params[0].user, { email: ALICE.email });
});

test('a wrong password rejects with the server reason and leaves the client logged out', async (t) => {
  const s = await server(t);
  const c = await connectedClient(t, s.url);
  let loginEvents = 0;
  c.on('login', () => loginEvents++);
  await assert.rejects(c.login({ username: ALICE.username, password: 'nope' }), (err: unknown) => {
    assert.ok(err instanceof DdpError);
    assert.equal(err.error, 403);
    assert.equal(err.reason, 'Something went wrong. Please check your credentials.');
    return true;
  });
  assert.equal(c.userId, undefined);
  assert.equal(loginEvents, 0);
  assert.equal(await c.call('whoami'), null);
});

test('login needs exactly one of username, email or id', async (t) => {
  const s = await server(t);
  const c = await connectedClient(t, s.url);
  await assert.rejects(c.login({ password: 'x' }), TypeError);
  await assert.rejects(c.login({ username: 'a', email: 'b@c', password: 'x' }), TypeError);
});

test('loginWithToken resumes a session issued to another client', async (t) => {
  const s = await server(t);
  const first = await connectedClient(t, s.url);
  const { token } = await first.login({ username: ALICE.username, password: ALICE.password });
  const second = await connectedClient(t, s.url);
  const result = await second.loginWithToken(token);
  assert.equal(result.id, ALICE.id);
  assert.equal(second.userId, ALICE.id);
  const resume = s.received.filter((m) => m.msg.method === 'login').at(-1);
  assert.deepEqual(resume?.msg.params, [{ resume: token }]);
});

test('a refused token rejects with the server reason', async (t) => {
  const s = await server(t);
  const c = await connectedClient(t, s.url);
  await assert.rejects(c.loginWithToken('not-a-token'), (err: unknown) => {
    assert.ok(err instanceof DdpError);
    assert.equal(err.error, 403);
    assert.match(String(err.reason), /logged out by the server/);
    return true;
  });
  assert.equal(c.userId, undefined);
});

test('logout clears the user and emits logout', async (t) => {
  const s = await server(t);
  const c = await connectedClient(t, s.url);
  await c.login({ username: ALICE.username, password: ALICE.password });
  const loggedOut = waitForEvent(c, 'logout');
  await c.logout();
  await loggedOut;
  assert.equal(c.userId, undefined);
  assert.equal(await c.call('whoami'), null);
});

test('after a reconnect the resume login goes first and holds back resubscriptions and queued calls', async (t) => {
  const s = await server(t);
  const c = await connectedClient(t, s.url, { debug: process.env.DEBUG_DDP ? (l) => console.log(l) : undefined });
  const { token } = await c.login({ username: ALICE.username, password: ALICE.password });
  await new Promise<void>((resolve, reject) => c.subscribe('private', [], (e) => (e ? reject(e) : resolve())));
  assert.ok(c.collections.get('secrets')?.has('s1'));

  const release = s.holdLogins();
  c.once('socket_closed', () => {
    // Made while disconnected: must wait for the resume login too.
    c.call('whoami').then(
      (who) => queued.push(who),
      (err) => queued.push(err),
    );
  });
  const queued: unknown[] = [];
  const sessionBefore = c.session;
  s.dropConnections();
  await waitForEvent(c, 'connected', { timeout: 3000 });
  const newSession = c.session;
  assert.notEqual(newSession, sessionBefore);
  // The server holds the login: nothing else may arrive on the new session meanwhile.
  await waitUntil(() => s.received.some((m) => m.session === newSession && m.msg.method === 'login'), 2000);
  const early = s.received.filter((m) => m.session === newSession && m.msg.msg !== 'ping' && m.msg.msg !== 'pong');
  assert.deepEqual(
    early.map((m) => m.msg.msg),
    ['method'],
  );
  assert.deepEqual(early[0].msg.params, [{ resume: token }]);

  release();
  await waitUntil(() => queued.length === 1, 3000);
  assert.deepEqual(queued, [ALICE.id], 'the queued call ran as the resumed user');
  const order = s.received
    .filter((m) => m.session === newSession && (m.msg.msg === 'method' || m.msg.msg === 'sub'))
    .map((m) => (m.msg.msg === 'sub' ? `sub:${m.msg.name}` : `method:${m.msg.method}`));
  assert.deepEqual(order, ['method:login', 'sub:private', 'method:whoami']);
  assert.equal(c.userId, ALICE.id);
  assert.ok(c.collections.get('secrets')?.has('s1'));
});

test('a token refused after a reconnect emits logout with the reason and the client carries on', async (t) => {
  const s = await server(t);
  const c = await connectedClient(t, s.url);
  await c.login({ username: ALICE.username, password: ALICE.password });
  await new Promise<void>((resolve, reject) => c.subscribe('public', [], (e) => (e ? reject(e) : resolve())));
  s.tokens.clear();
  const loggedOut = waitForEvent(c, 'logout', { timeout: 3000 });
  s.dropConnections();
  const [reason] = await loggedOut;
  assert.match(String(reason), /logged out by the server/);
  assert.equal(c.userId, undefined);
  assert.equal(await c.call('whoami'), null);
  assert.ok(c.collections.get('news')?.has('n1'));
});

test('the password and token never appear in debug lines', async (t) => {
  const s = await server(t);
  const lines: string[] = [];
  const c = newClient(t, s.url, { debug: (l) => lines.push(l) });
  await c.connect();
  const { token } = await c.login({ username: ALICE.username, password: ALICE.password });
  await c.loginWithToken(token);
  const all = lines.join('\n');
  assert.ok(lines.length >= 6);
  assert.ok(!all.includes(ALICE.password));
  assert.ok(!all.includes(digestOf(ALICE.password)));
  assert.ok(!all.includes(token));
  assert.match(all, /"digest":"\*\*\*"/);
});
