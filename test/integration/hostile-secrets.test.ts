// Secrets at the library level: with `debug` on, a login's password, digest and resume tokens never appear
// in any debug line, protocol_error, event argument or error message — including when a server echoes them
// back in odd places (an `error` message's offendingMessage, a truncated frame).

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startScriptServer, type ScriptConnection } from '../support/scriptServer';
import { waitForEvent, waitUntil, settle } from '../support/wait';
import { newClient } from '../support/clients';
import type { DdpClient } from '../../src/ddp';
import type { TestContext } from 'node:test';

const T = { timeout: 30_000 };
const PASSWORD = 'Correct-Horse-Battery-Staple-42';
const DIGEST = createHash('sha256').update(PASSWORD, 'utf8').digest('hex');
const TOKEN1 = 'tok1-XYZ_abcdefghijklmnopqrstuvwxyz0123456789';
const TOKEN2 = 'tok2-"quoted"\\and\\backslashed-token';
const TOKEN3 = 'tok3-refused-token-0123456789abcdef';
const SECRETS = [PASSWORD, DIGEST, TOKEN1, TOKEN2, TOKEN3, JSON.stringify(TOKEN2).slice(1, -1)];

interface Captured {
  c: DdpClient;
  lines: string[];
  texts: string[];
}

/** A client with debug on; every line, protocol_error, event argument and error message is captured. */
async function capture(t: TestContext, url: string): Promise<Captured> {
  const lines: string[] = [];
  const texts: string[] = [];
  const c = newClient(t, url, { debug: (line) => lines.push(line) });
  for (const e of ['protocol_error', 'login', 'logout', 'socket_closed', 'nosub', 'failed', 'reconnecting'] as const) {
    c.on(e, (...args: unknown[]) =>
      texts.push(
        `${e} ${args.map((a) => (a instanceof Error ? `${a.name}: ${a.message} ${a.stack}` : typeof a === 'string' ? a : safe(a))).join(' ')}`,
      ),
    );
  }
  await c.connect();
  return { c, lines, texts };
}

function safe(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function leaks(where: string[], label: string): string[] {
  const found: string[] = [];
  for (const text of where)
    for (const s of SECRETS)
      if (text.includes(s)) found.push(`${label}: ${s.slice(0, 12)}... in ${text.slice(0, 200)}`);
  return found;
}

/** Answers `login` calls: a password login gets TOKEN1, a resume of TOKEN1 gets TOKEN2, anything else 403. */
function accountsServer(conn: ScriptConnection): void {
  conn.on('message', (m: any) => {
    if (m?.msg !== 'method') return;
    if (m.method === 'login') {
      const p = m.params?.[0] ?? {};
      if (p.password?.digest === DIGEST && p.password?.algorithm === 'sha-256') {
        conn.send({
          msg: 'result',
          id: m.id,
          result: { id: 'user-1', token: TOKEN1, tokenExpires: { $date: 4102444800000 }, type: 'password' },
        });
      } else if (p.resume === TOKEN1 || p.resume === TOKEN2) {
        conn.send({
          msg: 'result',
          id: m.id,
          result: { id: 'user-1', token: TOKEN2, tokenExpires: { $date: 4102444800000 }, type: 'resume' },
        });
      } else {
        conn.send({
          msg: 'result',
          id: m.id,
          error: {
            error: 403,
            reason: "You've been logged out by the server. Please log in again.",
            errorType: 'Meteor.Error',
          },
        });
      }
      conn.send({ msg: 'updated', methods: [m.id] });
    } else if (m.method === 'logout') {
      conn.send({ msg: 'result', id: m.id });
      conn.send({ msg: 'updated', methods: [m.id] });
    }
  });
}

describe('hostile-secrets: no password, digest or token in debug lines, protocol errors or error messages', () => {
  test(
    'password login, resume on reconnect, refused token, logout: nothing secret in any debug line, event or error',
    T,
    async (t) => {
      const s = await startScriptServer();
      t.after(() => s.close());
      s.on('connection', (conn: ScriptConnection) => accountsServer(conn));
      const { c, lines, texts } = await capture(t, s.url);

      const login = await c.login({ username: 'alice', password: PASSWORD });
      assert.equal(login.token, TOKEN1);
      // The digest did go out (the server checked it), so the masking is what keeps it out of the trace.
      assert.ok(s.frames.some((f) => f.dir === 'in' && f.data.includes(DIGEST)));

      // Reconnect: the client resumes with TOKEN1 and gets TOKEN2 back.
      const conn0 = s.last!;
      const resumed = waitForEvent(c, 'reconnected', { timeout: 5000 });
      conn0.terminate();
      await resumed;
      await waitUntil(() => s.messages('method').some((m) => m.params?.[0]?.resume === TOKEN1), 5000, {
        message: 'no resume login',
      });
      await waitUntil(() => lines.some((l) => l.startsWith('<') && l.includes('"type":"resume"')), 5000, {
        message: 'no resume result',
      });

      // A refused token: a clear error without the token.
      const refused = await settle(c.loginWithToken(TOKEN3), 5000);
      assert.equal(refused.status, 'rejected');
      texts.push(
        `loginWithToken error ${refused.status === 'rejected' ? `${refused.reason.name}: ${refused.reason.message} ${safe(refused.reason)}` : ''}`,
      );

      await c.login({ email: 'alice@example.com', password: PASSWORD });
      await c.logout();

      assert.ok(lines.length >= 10, `only ${lines.length} debug lines`);
      assert.ok(
        lines.some((l) => l.includes('"***"')),
        'nothing was masked at all',
      );
      assert.deepEqual([...leaks(lines, 'debug line'), ...leaks(texts, 'event/error')], []);
    },
  );

  test(
    "a server that echoes the login message back in an error's offendingMessage: protocol_error shows no secret",
    T,
    async (t) => {
      const s = await startScriptServer();
      t.after(() => s.close());
      const { c, lines, texts } = await capture(t, s.url);
      const conn = s.last!;
      const pending = c.login({ username: 'alice', password: PASSWORD });
      pending.catch(() => undefined);
      const m = await conn.next('method');
      // What Meteor's server does with a message it cannot handle: it sends it back.
      conn.send({ msg: 'error', reason: 'Match failed', offendingMessage: m });
      const [problem, frame] = await waitForEvent(c, 'protocol_error', { timeout: 5000 });
      assert.match(problem, /Match failed/);
      assert.deepEqual(
        [...leaks(lines, 'debug line'), ...leaks(texts, 'protocol_error'), ...leaks([frame], 'protocol_error frame')],
        [],
      );
      const resume = c.loginWithToken(TOKEN1);
      resume.catch(() => undefined);
      const m2 = await conn.next('method');
      conn.send({ msg: 'error', reason: 'Match failed', offendingMessage: m2 });
      const [, frame2] = await waitForEvent(c, 'protocol_error', { timeout: 5000 });
      assert.deepEqual(leaks([frame2], 'protocol_error frame (resume)'), []);
    },
  );

  test(
    'a truncated frame that carries a token: neither the debug line nor the protocol_error shows it',
    T,
    async (t) => {
      const s = await startScriptServer();
      t.after(() => s.close());
      const { c, lines, texts } = await capture(t, s.url);
      const conn = s.last!;
      // Cut off inside the token, as a broken proxy or a frame limit would.
      conn.send(`{"msg":"result","id":"1","result":{"id":"user-1","token":"${TOKEN1}`);
      conn.send(`{"msg":"result","id":"1","result":{"id":"user-1","token":"${TOKEN1}"`);
      await waitForEvent(c, 'protocol_error', { timeout: 5000 });
      await feedSentinel(c, conn);
      assert.deepEqual([...leaks(lines, 'debug line'), ...leaks(texts, 'protocol_error')], []);
    },
  );

  test(
    'secrets in a well-formed result for an unknown method id and in nosub details stay out of the trace',
    T,
    async (t) => {
      const s = await startScriptServer();
      t.after(() => s.close());
      const { c, lines, texts } = await capture(t, s.url);
      const conn = s.last!;
      conn.send({ msg: 'result', id: 'nope', result: { token: TOKEN1, hashedToken: TOKEN3 } });
      conn.send({ msg: 'nosub', id: 'nope', error: { error: 403, reason: 'denied', details: { resume: TOKEN2 } } });
      await feedSentinel(c, conn);
      assert.deepEqual([...leaks(lines, 'debug line'), ...leaks(texts, 'event')], []);
    },
  );
});

async function feedSentinel(c: DdpClient, conn: ScriptConnection): Promise<void> {
  const done = waitForEvent(c, 'updated', { timeout: 5000, filter: (ids: string[]) => ids[0] === 'sentinel' });
  conn.send({ msg: 'updated', methods: ['sentinel'] });
  await done;
}
