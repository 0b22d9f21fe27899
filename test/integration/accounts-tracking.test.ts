// Logins and logouts made with a plain call() (LDAP, OAuth, 2FA flows call `login` with their own params) are
// tracked like login()/logout(): userId, the login/logout events, and the resume after a reconnect. A refused
// resume token leaves client and server agreeing that nobody is logged in.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { passwordLoginParams } from '../../src/ddp';
import { startAccountsServer, ALICE, type AccountsServer } from '../support/accountsServer';
import { startScriptServer } from '../support/scriptServer';
import { connectedClient, newClient } from '../support/clients';
import { waitForEvent, waitUntil, record } from '../support/wait';

const T = { timeout: 10_000 };

async function server(t: { after(fn: () => unknown): void }): Promise<AccountsServer> {
  const s = await startAccountsServer();
  t.after(() => s.close());
  return s;
}

const aliceParams = () => [passwordLoginParams({ username: ALICE.username, password: ALICE.password })];

test('a login made with call("login") sets userId, emits login, and is resumed after a reconnect', T, async (t) => {
  const s = await server(t);
  const c = await connectedClient(t, s.url);
  const login = waitForEvent(c, 'login');
  const result = (await c.call('login', aliceParams())) as { id: string; token: string; tokenExpires: Date };
  assert.equal(c.userId, ALICE.id, 'userId is set by the time the call resolves');
  assert.deepEqual(await login, [ALICE.id]);
  assert.ok(result.tokenExpires instanceof Date, 'tokenExpires arrives as a Date');

  const sessionBefore = c.session;
  s.dropConnections();
  await waitUntil(() => c.status === 'connected' && c.session !== sessionBefore, 3000);
  await waitUntil(() => s.received.some((m) => m.session === c.session && m.msg.method === 'login'), 2000);
  const first = s.received.find((m) => m.session === c.session && m.msg.msg === 'method');
  assert.deepEqual(first?.msg.params, [{ resume: result.token }], 'the resume login goes first on the new connection');
  assert.equal(await c.call('whoami'), ALICE.id, 'the server knows the user again');
  assert.equal(c.userId, ALICE.id);
});

test('the callback form of call("login") is tracked too', T, async (t) => {
  const s = await server(t);
  const c = await connectedClient(t, s.url);
  await new Promise<void>(
    (resolve, reject) => void c.call('login', aliceParams(), (err) => (err ? reject(err) : resolve())),
  );
  assert.equal(c.userId, ALICE.id);
});

test(
  'a logout made with call("logout") clears the user, emits logout, and nothing is resumed after a reconnect',
  T,
  async (t) => {
    const s = await server(t);
    const c = await connectedClient(t, s.url);
    await c.call('login', aliceParams());
    const logout = waitForEvent(c, 'logout');
    await c.call('logout');
    await logout;
    assert.equal(c.userId, undefined);
    const sessionBefore = c.session;
    s.dropConnections();
    await waitUntil(() => c.status === 'connected' && c.session !== sessionBefore, 3000);
    assert.equal(await c.call('whoami'), null);
    assert.equal(
      s.received.filter((m) => m.session === c.session && m.msg.method === 'login').length,
      0,
      'no resume after a logout',
    );
  },
);

test('a refused loginWithToken while logged in: logged out on both sides, with the logout event', T, async (t) => {
  const s = await server(t);
  const c = await connectedClient(t, s.url);
  await c.login({ username: ALICE.username, password: ALICE.password });
  const logout = waitForEvent(c, 'logout');
  await assert.rejects(c.loginWithToken('not-a-token'));
  const [reason] = await logout;
  assert.match(String(reason), /logged out by the server/);
  assert.equal(c.userId, undefined);
  assert.equal(await c.call('whoami'), null, 'the server must not still hold the old user');
  // And the same for a plain resume call.
  await c.call('login', aliceParams());
  const logout2 = waitForEvent(c, 'logout');
  await assert.rejects(c.call('login', [{ resume: 'nope' }]));
  await logout2;
  assert.equal(c.userId, undefined);
  assert.equal(await c.call('whoami'), null);
});

test('a refused password while logged in leaves the login as it was, on both sides (as Meteor)', T, async (t) => {
  const s = await server(t);
  const c = await connectedClient(t, s.url);
  await c.login({ username: ALICE.username, password: ALICE.password });
  const logouts = record(c, 'logout');
  await assert.rejects(c.call('login', [passwordLoginParams({ username: ALICE.username, password: 'wrong' })]));
  assert.equal(c.userId, ALICE.id);
  assert.equal(await c.call('whoami'), ALICE.id);
  assert.equal(logouts.events.length, 0);
});

test(
  'other login methods (createUser) and a 2FA first step: tracked only when they answer an id and a token',
  T,
  async (t) => {
    const s = await startScriptServer();
    t.after(() => s.close());
    const c = newClient(t, s.url);
    await c.connect();
    const conn = await s.nextConnection();
    const logins = record(c, 'login');
    const step1 = c.call('login', [{ ldap: true, username: 'bob', ldapPass: 'x' }]);
    const m1 = await conn.next('method');
    conn.send({ msg: 'result', id: m1.id, result: { totpRequired: true } });
    await step1;
    assert.equal(c.userId, undefined, 'a result without a token is no login');
    const created = c.call('createUser', [{ username: 'bob' }]);
    const m2 = await conn.next('method');
    conn.send({
      msg: 'result',
      id: m2.id,
      result: { id: 'bob-id', token: 'tok-1', tokenExpires: { $date: Date.now() + 3600e3 } },
    });
    await created;
    assert.equal(c.userId, 'bob-id');
    assert.deepEqual(logins.events, [['bob-id']]);
    // The token is resumed after a reconnect.
    conn.terminate();
    const conn2 = await s.nextConnection(3000);
    const resume = await conn2.next('method');
    assert.equal(resume.method, 'login');
    assert.deepEqual(resume.params, [{ resume: 'tok-1' }]);
    conn2.send({ msg: 'result', id: resume.id, result: { id: 'bob-id', token: 'tok-1' } });
  },
);

test('a token whose tokenExpires has passed is not resumed: the client logs out instead', T, async (t) => {
  const s = await startScriptServer();
  t.after(() => s.close());
  const c = newClient(t, s.url);
  await c.connect();
  const conn = await s.nextConnection();
  const login = c.call('login', [{ oauth: 'x' }]);
  const m = await conn.next('method');
  conn.send({
    msg: 'result',
    id: m.id,
    result: { id: 'u1', token: 'old', tokenExpires: { $date: Date.now() - 1000 } },
  });
  await login;
  assert.equal(c.userId, 'u1');
  const logout = waitForEvent(c, 'logout', { timeout: 3000 });
  conn.terminate();
  const conn2 = await s.nextConnection(3000);
  const [reason] = await logout;
  assert.match(String(reason), /expired/);
  const sub = c.subscribe('x');
  const first = await conn2.nextMessage((msg) => msg.msg === 'method' || msg.msg === 'sub');
  assert.equal(first.msg, 'sub', 'no resume login with an expired token');
  assert.equal(first.id, sub);
  assert.equal(c.userId, undefined);
});
