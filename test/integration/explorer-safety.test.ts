// Safety on production over real sockets (the demo server): a connection's `confirm` and `readOnly` settings hold in
// Session.call / Session.subscribe, so every path that sends — Call Method, .ddp runs (CodeLens, Test Explorer), the
// inspector's Resend, document edits — asks first or refuses, and a "No" sends nothing at all (checked on the wire).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoServer, type DemoServer } from '../demo/server';
import { SessionManager, SessionError, nullLog, type Session } from '../../src/core/sessions';
import type { ConnectionConfig } from '../../src/core/config';
import type { GuardedRequest } from '../../src/core/writePolicy';
import { parseDdp } from '../../src/core/ddpFile/parser';
import { runFile } from '../../src/core/ddpFile/runner';
import { sessionConnection } from '../../src/core/ddpFile/sessionConnection';
import { waitUntil } from '../support/wait';

const sources = { environment: {}, dotenv: () => undefined, processEnv: () => undefined };

describe('confirm and readOnly (every path through Session.call / Session.subscribe)', () => {
  let demo: DemoServer;
  let manager: SessionManager;
  /** The questions asked, and the answers the "user" gives in turn (true: send). */
  const asked: GuardedRequest[] = [];
  const answers: Array<boolean | Promise<boolean>> = [];
  before(async () => {
    demo = await startDemoServer({ port: 0, taskIntervalMs: 0, messageIntervalMs: 0, bigCount: 10 });
    manager = new SessionManager({
      log: nullLog,
      hooks: {
        confirmRequest: (_session, request) => {
          asked.push(request);
          return Promise.resolve(answers.shift() ?? false);
        },
      },
    });
  });
  after(async () => {
    manager.dispose();
    await demo.stop();
  });

  /** A saved connection with these settings, connected, and the method / sub frames it sends. */
  async function open(extra: Partial<ConnectionConfig>): Promise<{ s: Session; sent: () => string[] }> {
    const name = `PRODUCTION ${Math.random().toString(36).slice(2, 8)}`;
    manager.setSaved([{ name, url: demo.url, ...extra }]);
    const s = manager.findByName(name);
    assert.ok(s);
    const frames: string[] = [];
    s.onFrame((f) => {
      if (f.direction !== 'out') return;
      const m = JSON.parse(f.text) as { msg: string; method?: string; name?: string };
      if (m.msg === 'method' || m.msg === 'sub') frames.push(`${m.msg}:${m.method ?? m.name}`);
    });
    await s.connect();
    assert.equal(s.state, 'connected');
    asked.length = 0;
    return { s, sent: () => frames.filter((f) => f !== 'method:login') };
  }

  it('confirm "writes": Cancel sends nothing and rejects CANCELLED; Call sends it and gives the result', async () => {
    const { s, sent } = await open({ confirm: 'writes' });
    answers.push(false);
    await assert.rejects(
      s.call('math.add', [2, 3]),
      (e: unknown) => e instanceof SessionError && e.code === 'CANCELLED',
    );
    assert.deepEqual(asked, [{ kind: 'method', name: 'math.add', params: [2, 3], connection: s.name }]);
    // The next call goes out and is answered: had the cancelled one been sent, it would show up before it.
    answers.push(true);
    assert.equal((await s.call('math.add', [2, 3])).result, 5);
    assert.deepEqual(sent(), ['method:math.add']);
    // Subscriptions are not writes: no question.
    asked.length = 0;
    await s.subscribe('tasks');
    assert.deepEqual(asked, []);
    assert.deepEqual(sent(), ['method:math.add', 'sub:tasks']);
  });

  it('confirm "all": subscriptions ask too, and a "No" makes none', async () => {
    const { s, sent } = await open({ confirm: 'all' });
    answers.push(false);
    await assert.rejects(s.subscribe('tasks'), (e: unknown) => e instanceof SessionError && e.code === 'CANCELLED');
    assert.deepEqual(s.subscriptions(), []);
    answers.push(true);
    const id = await s.subscribe('tasks');
    await waitUntil(() => s.subscription(id)?.state === 'ready');
    assert.deepEqual(
      asked.map((r) => [r.kind, r.name]),
      [
        ['subscription', 'tasks'],
        ['subscription', 'tasks'],
      ],
    );
    assert.deepEqual(sent(), ['sub:tasks']);
  });

  it('readOnly refuses method calls outright (no question, nothing sent); subscriptions and Log In still work', async () => {
    const { s, sent } = await open({ readOnly: true, confirm: 'writes' });
    await assert.rejects(
      s.call('tasks.add', ['x']),
      (e: unknown) => e instanceof SessionError && e.code === 'READ_ONLY' && /read-only/.test(e.message),
    );
    assert.deepEqual(asked, []);
    const id = await s.subscribe('tasks');
    await waitUntil(() => s.subscription(id)?.state === 'ready');
    const login = await s.login('demo', 'demo-password');
    assert.ok(login.id);
    assert.deepEqual(sent(), ['sub:tasks']);
  });

  it('a request sent again with a two-factor code (confirmed) is not asked about twice; readOnly still refuses it', async () => {
    const { s, sent } = await open({ confirm: 'writes' });
    answers.push(true);
    assert.equal((await s.call('math.add', [2, 3])).result, 5);
    assert.equal((await s.call('math.add', [4, 5], { confirmed: true })).result, 9);
    assert.equal(asked.length, 1, 'one question for the request and its retry');
    assert.deepEqual(sent(), ['method:math.add', 'method:math.add']);
    const ro = await open({ readOnly: true });
    await assert.rejects(
      ro.s.call('math.add', [1, 1], { confirmed: true }),
      (e: unknown) => e instanceof SessionError && e.code === 'READ_ONLY',
    );
    assert.deepEqual(ro.sent(), []);
  });

  it('.ddp runs (CodeLens and Test Explorer share the runner) ask too; a "No" fails the request and sends nothing', async () => {
    const { s, sent } = await open({ confirm: 'writes' });
    const file = parseDdp(`CONNECT ${demo.url}\n### add\nCALL math.add [2, 3]\n> expect result == 5\n`);
    answers.push(false);
    const no = await runFile(file, { connect: () => Promise.resolve(sessionConnection(s)), sources });
    assert.equal(no.requests[0].status, 'failed');
    assert.match(String(no.requests[0].failure), /Cancelled: the method math\.add was not sent/);
    assert.deepEqual(sent(), []);
    answers.push(true);
    const yes = await runFile(file, { connect: () => Promise.resolve(sessionConnection(s)), sources });
    assert.equal(yes.requests[0].status, 'passed');
    assert.deepEqual(sent(), ['method:math.add']);
  });

  it('a slow answer to the question is no request timeout, and a run stopped meanwhile sends nothing', async () => {
    const { s, sent } = await open({ confirm: 'writes' });
    const file = parseDdp(`CONNECT ${demo.url}\n### add\nCALL math.add [2, 3]\n`);
    let answer!: (yes: boolean) => void;
    answers.push(new Promise<boolean>((resolve) => (answer = resolve)));
    const stop = new AbortController();
    const run = runFile(file, {
      connect: () => Promise.resolve(sessionConnection(s)),
      sources,
      timeout: 50,
      signal: stop.signal,
    });
    let settled = false;
    void run.then(() => (settled = true));
    await waitUntil(() => asked.length === 1);
    // Well past the 50 ms request timeout, the question is still open and the run still waits for it.
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(settled, false, 'the request timeout does not run while the user is asked');
    stop.abort();
    answer(true);
    const report = await run;
    assert.notEqual(report.requests[0]?.status, 'passed');
    // The "yes" came after the run was stopped: the call is not sent (a later subscription would come after it).
    const id = await s.subscribe('tasks');
    await waitUntil(() => s.subscription(id)?.state === 'ready');
    assert.deepEqual(sent(), ['sub:tasks']);
  });

  it('connections without the settings are never asked, and a setting change applies to the next call', async () => {
    const { s, sent } = await open({});
    assert.equal((await s.call('math.add', [1, 1])).result, 2);
    assert.deepEqual(asked, []);
    manager.setSaved([{ name: s.name, url: demo.url, readOnly: true }]);
    await assert.rejects(
      s.call('math.add', [1, 1]),
      (e: unknown) => e instanceof SessionError && e.code === 'READ_ONLY',
    );
    assert.equal(s.state, 'connected', 'a safety change does not reconnect');
    assert.deepEqual(sent(), ['method:math.add']);
  });
});
