// The explorer's first connect against real sockets that cannot speak DDP: each one stops at once with one plain
// sentence (for the notification and the log), never raw OpenSSL text, and no further attempt; a connection that
// was up and dropped keeps reconnecting. Also: stored logins keyed by a stable id (migrated from name + URL).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { SessionManager, type Session, type TokenStore } from '../../src/core/sessions';
import { connectProblemSentence, type ConnectProblem } from '../../src/presentation/connectProblem';
import { problemText, textLog, type TextLog } from '../../src/presentation/sessionLogText';

type Explained = ConnectProblem & { sentence: string };
import { startScriptServer, TLS_CERT, TLS_KEY, type ScriptConnection } from '../support/scriptServer';
import { startAccountsServer, ALICE } from '../support/accountsServer';
import { DdpClient } from '../../src/ddp';
import { waitUntil } from '../support/wait';

const T = { timeout: 20_000 };

interface Harness {
  manager: SessionManager;
  lines: string[];
  problems: Array<{ session: Session; problem: Explained }>;
  tokens: Map<string, string>;
  ids: string[];
}

function harness(t: { after(fn: () => unknown): void }): Harness {
  const lines: string[] = [];
  const log: TextLog = {
    info: (m) => lines.push(`[info] ${m}`),
    warn: (m) => lines.push(`[warn] ${m}`),
    error: (m) => lines.push(`[error] ${m}`),
    frame: () => {},
  };
  const tokens = new Map<string, string>();
  const store: TokenStore = {
    get: async (k) => tokens.get(k),
    store: async (k, v) => void tokens.set(k, v),
    delete: async (k) => void tokens.delete(k),
  };
  const problems: Harness['problems'] = [];
  const ids: string[] = [];
  const manager = new SessionManager({
    log: textLog(log),
    tokens: store,
    hooks: {
      connectProblem: (session, problem) =>
        problems.push({ session, problem: { ...problem, sentence: connectProblemSentence(problem) } }),
      assignId: async () => {
        const id = `id-${ids.length + 1}`;
        ids.push(id);
        return id;
      },
    },
  });
  manager.updateSettings({ ...manager.current, reconnectDelay: 10, maxReconnectDelay: 50 });
  t.after(() => manager.dispose());
  return { manager, lines, problems, tokens, ids };
}

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function listen(t: { after(fn: () => unknown): void }, server: http.Server | https.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections?.();
        server.close(() => r());
      }),
  );
  return (server.address() as AddressInfo).port;
}

function answering(status: number): http.Server {
  return http.createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/html' });
    res.end('<html>not ddp</html>');
  });
}

/** Connects an ad-hoc session to `url` and waits for the problem the owner would show. */
async function firstProblem(h: Harness, url: string): Promise<{ session: Session; problem: Explained }> {
  const session = h.manager.addAdHoc(url);
  void session.connect();
  await waitUntil(() => h.problems.length > 0, 10_000, { message: `a connect problem for ${url}` });
  const p = h.problems[0];
  assert.equal(p.session, session);
  assert.equal(session.state, 'failed', 'the connection shows failed');
  assert.equal(session.isOpen, false, 'no client is left to retry');
  assert.equal(
    session.failure && problemText(session.failure),
    p.problem.sentence,
    'the tooltip has the same sentence',
  );
  assert.ok(
    h.lines.some((l) => l.includes(p.problem.sentence)),
    `the log has the sentence: ${h.lines.join(' | ')}`,
  );
  for (const l of h.lines)
    assert.doesNotMatch(l, /SSL routines|ssl3_|error:0A0|openssl/i, 'no raw OpenSSL text in the log');
  return p;
}

describe('explorer first connect: plain failures, no endless retries', () => {
  test('a closed port: "Nothing is listening on 127.0.0.1:<port>."', T, async (t) => {
    const h = harness(t);
    const port = await closedPort();
    const { problem } = await firstProblem(h, `ws://127.0.0.1:${port}/websocket`);
    assert.equal(problem.kind, 'refused');
    assert.equal(problem.sentence, `Nothing is listening on 127.0.0.1:${port}.`);
    // Stopped: one attempt only, and nothing more once the failure is known.
    const attempts = () => h.lines.filter((l) => l.includes('Connecting to')).length;
    assert.equal(attempts(), 1);
  });

  test('an HTTP server answering 404: is this a Meteor/DDP server? Meteor serves DDP at /websocket', T, async (t) => {
    const h = harness(t);
    const port = await listen(t, answering(404));
    const { problem } = await firstProblem(h, `ws://127.0.0.1:${port}/websocket`);
    assert.equal(problem.kind, 'http');
    assert.equal(problem.status, 404);
    assert.match(
      problem.sentence,
      /^The server answered HTTP 404: is this a Meteor\/DDP server\? Meteor serves DDP at \/websocket\.$/,
    );
  });

  test('an HTTP server answering 200 (a web page) instead of upgrading', T, async (t) => {
    const h = harness(t);
    const port = await listen(t, answering(200));
    const { problem } = await firstProblem(h, `ws://127.0.0.1:${port}/websocket`);
    assert.equal(problem.status, 200);
    assert.match(problem.sentence, /HTTP 200 \(a web page, not a WebSocket\)/);
  });

  test('wss:// to a plain HTTP server: "The server does not speak TLS: try ws://"', T, async (t) => {
    const h = harness(t);
    const port = await listen(t, answering(404));
    const { problem } = await firstProblem(h, `wss://127.0.0.1:${port}/websocket`);
    assert.equal(problem.kind, 'not-tls');
    assert.match(problem.sentence, /does not speak TLS: try ws:\/\//);
  });

  test('wss:// to a server with a self-signed certificate: says so, and how to opt out', T, async (t) => {
    const h = harness(t);
    const port = await listen(
      t,
      https.createServer({ cert: fs.readFileSync(TLS_CERT), key: fs.readFileSync(TLS_KEY) }, (_q, r) => r.end()),
    );
    const { problem } = await firstProblem(h, `wss://127.0.0.1:${port}/websocket`);
    assert.equal(problem.kind, 'certificate');
    assert.match(problem.sentence, /self-signed/);
    assert.match(problem.sentence, /rejectUnauthorized/);
  });

  test('a host name that does not resolve (.invalid): a DNS sentence', T, async (t) => {
    const h = harness(t);
    const { problem } = await firstProblem(h, 'ws://no-such-host.invalid:3000/websocket');
    assert.equal(problem.kind, 'dns', problem.sentence);
    assert.equal(problem.sentence, 'The host name "no-such-host.invalid" could not be found (DNS).');
  });

  test(
    'Retry (connect again) tries once more and reports again; the subscriptions wait for a real connect',
    T,
    async (t) => {
      const h = harness(t);
      const port = await listen(t, answering(404));
      const { session } = await firstProblem(h, `ws://127.0.0.1:${port}/websocket`);
      void session.connect();
      await waitUntil(() => h.problems.length === 2, 10_000);
      assert.equal(h.lines.filter((l) => l.includes('Connecting to')).length, 2);
    },
  );

  test('a connection that was up and dropped keeps reconnecting, with no connect problem', T, async (t) => {
    const h = harness(t);
    const s = await startScriptServer();
    t.after(() => s.close());
    const conns: ScriptConnection[] = [];
    s.on('connection', (c: ScriptConnection) => conns.push(c));
    const session = h.manager.addAdHoc(s.url);
    await session.connect();
    assert.equal(session.state, 'connected');
    conns[0].terminate();
    await waitUntil(() => h.lines.filter((l) => l.includes('Connecting to')).length >= 2, 5000, {
      message: 'a reconnect attempt',
    });
    await waitUntil(() => session.state === 'connected', 5000);
    assert.deepEqual(h.problems, []);
  });
});

describe('explorer stored logins: one stable id per saved connection', () => {
  test('a login stored by name + URL moves under a new id on connect; Remove deletes both keys', T, async (t) => {
    const h = harness(t);
    const s = await startAccountsServer();
    t.after(() => s.close());
    // A resume token from a real login, stored the way earlier versions did.
    const c = new DdpClient(s.url, { autoReconnect: false });
    t.after(() => c.close());
    await c.connect();
    const { token } = await c.login({ username: ALICE.username, password: ALICE.password });
    c.close();
    h.manager.setSaved([{ name: 'local', url: s.url }]);
    const session = h.manager.findByName('local')!;
    h.tokens.set(session.legacyTokenKey, token);
    await session.connect();
    await session.settled();
    assert.equal(session.userId, ALICE.id, 'resumed with the migrated token');
    assert.deepEqual(h.ids, ['id-1']);
    assert.equal(session.config.id, 'id-1');
    assert.equal(session.tokenKey, 'ddpExplorer.login:id-1');
    assert.ok(h.tokens.has('ddpExplorer.login:id-1'));
    assert.ok(!h.tokens.has(session.legacyTokenKey), 'the name + URL key is gone');
    // Editing the URL keeps the id, so the stored login stays reachable (and removable).
    h.manager.setSaved([{ id: 'id-1', name: 'renamed', url: s.url.replace('127.0.0.1', 'localhost') }]);
    const after = h.manager.list()[0];
    assert.equal(after.tokenKey, 'ddpExplorer.login:id-1');
    h.tokens.set(after.legacyTokenKey, 'stale-legacy-token');
    await after.forgetToken();
    assert.equal(h.tokens.size, 0, `all stored logins deleted: ${[...h.tokens.keys()]}`);
  });

  test(
    'a login method called by hand (Call Method "login") is stored like Log In: masked, kept, resumed on the next connect',
    T,
    async (t) => {
      const h = harness(t);
      const s = await startAccountsServer();
      t.after(() => s.close());
      h.manager.setSaved([{ name: 'local', url: s.url }]);
      const session = h.manager.findByName('local')!;
      await session.connect();
      const digest = createHash('sha256').update(ALICE.password).digest('hex');
      const { result } = await session.call('login', [
        { user: { username: ALICE.username }, password: { digest, algorithm: 'sha-256' } },
      ]);
      const token = (result as { token: string }).token;
      await waitUntil(() => h.tokens.size === 1, 5000, { message: 'the token is stored' });
      assert.deepEqual([...h.tokens.entries()], [['ddpExplorer.login:id-1', token]]);
      assert.equal(session.userId, ALICE.id);
      session.disconnect();
      await session.connect();
      await session.settled();
      assert.equal(session.userId, ALICE.id, 'the next connect resumed the hand-made login');
      assert.ok(!h.lines.some((l) => l.includes(token)), 'the token never reaches the log');
    },
  );

  test(
    'a first password login on a saved connection without an id gives it one and stores the token under it',
    T,
    async (t) => {
      const h = harness(t);
      const s = await startAccountsServer();
      t.after(() => s.close());
      h.manager.setSaved([{ name: 'local', url: s.url }]);
      const session = h.manager.findByName('local')!;
      await session.connect();
      await session.login(ALICE.username, ALICE.password);
      assert.equal(session.config.id, 'id-1');
      assert.deepEqual([...h.tokens.keys()], ['ddpExplorer.login:id-1']);
    },
  );
});
