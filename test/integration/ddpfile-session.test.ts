// .ddp runs in the extension go through the session manager: the run opens (or reuses) the session for the URL,
// its subscriptions and documents are the session's (so the tree shows them), calls are logged by the session,
// passwords and tokens never reach the log, and named results carry over to later single-request runs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoServer, type DemoServer } from '../demo/server';
import { SessionManager, type SessionLog } from '../../src/core/sessions';
import { parseDdp } from '../../src/core/ddpFile/parser';
import { runFile } from '../../src/core/ddpFile/runner';
import { sessionConnection, sessionFor } from '../../src/core/ddpFile/sessionConnection';
import type { RequestResult } from '../../src/core/ddpFile/variables';
import { responseText } from '../../src/presentation/ddpFile/responseText';
import { SecretMasker } from '../../src/presentation/masker';
import { problemText, textLog } from '../../src/presentation/sessionLogText';

describe('.ddp runs over extension sessions', () => {
  let demo: DemoServer;
  let manager: SessionManager;
  const lines: string[] = [];
  const masker = new SecretMasker();
  const log: SessionLog = textLog({
    info: (m) => lines.push(masker.mask(m)),
    warn: (m) => lines.push(masker.mask(m)),
    error: (m) => lines.push(masker.mask(m)),
    frame: (m) => lines.push(masker.mask(m)),
    secret: (v) => masker.add(v),
  });
  before(async () => {
    demo = await startDemoServer({ port: 0, taskIntervalMs: 0, messageIntervalMs: 0, bigCount: 10 });
    manager = new SessionManager({ log });
  });
  after(async () => {
    manager.dispose();
    await demo.stop();
  });

  const sources = {
    environment: {},
    dotenv: (n: string) => (n === 'PW' ? 'demo-password' : undefined),
    processEnv: () => undefined,
  };
  const connect = async (url: string) => sessionConnection(await sessionFor(manager, url, problemText));

  it('opens an ad-hoc session for the URL, subscribes through it and reuses it for the next run', async () => {
    const file = parseDdp(
      `CONNECT ${demo.url}\n# @name tasks\nSUBSCRIBE tasks\n> expect ready\n> expect collection tasks count == 8\n# @name add\nCALL math.add [2, 3]\n`,
    );
    const results = new Map<string, RequestResult>();
    const report = await runFile(file, { connect, sources, results, onSecret: (v) => masker.add(v) });
    assert.deepEqual(
      report.requests.map((r) => r.status),
      ['passed', 'passed'],
    );
    assert.equal(manager.list().length, 1);
    const session = manager.list()[0];
    assert.equal(session.url, demo.url);
    assert.equal(session.state, 'connected');
    assert.deepEqual(
      session.subscriptions().map((s) => [s.name, s.state]),
      [['tasks', 'ready']],
    );
    assert.equal(session.documents('tasks')?.size, 8);
    assert.deepEqual(report.requests[0].collections, [{ name: 'tasks', count: 8 }]);
    assert.ok(
      lines.some((l) => l.includes('Calling math.add [2,3]')),
      lines.join('\n'),
    );

    // A later run of one request uses the earlier named result, on the same session.
    const next = parseDdp(
      `CONNECT ${demo.url}\n# @name add\nCALL math.add [2, 3]\nCALL echo [{{add.result}}]\n> expect result[0] == 5\n`,
    );
    const second = await runFile(next, { connect, sources, results, only: [1] });
    assert.deepEqual(
      second.requests.map((r) => [r.index, r.status]),
      [[1, 'passed']],
    );
    assert.equal(manager.list().length, 1);
  });

  it('LOGIN: the password and the token never reach the log or the response view', async () => {
    const file = parseDdp(
      `CONNECT ${demo.url}\n# @name login\nLOGIN demo {{$dotenv PW}}\n> expect result.id == "demo-user-1"\nCALL whoami\n> expect result == "{{login.result.id}}"\n`,
    );
    const report = await runFile(file, { connect, sources, onSecret: (v) => masker.add(v) });
    assert.deepEqual(
      report.requests.map((r) => r.status),
      ['passed', 'passed'],
    );
    const token = (report.requests[0].outcome?.result as { token: string }).token;
    assert.ok(token.length > 10);
    const all = lines.join('\n');
    assert.ok(!all.includes('demo-password'), 'password in the log');
    assert.ok(!all.includes(token), 'token in the log');
    const view = responseText(report, { file: 'x.ddp', url: report.url });
    assert.match(view, /LOGIN demo \*\*\*/);
    assert.ok(!view.includes('demo-password') && !view.includes(token), view);
    assert.match(view, /✓ result\.id == "demo-user-1"/);
  });

  it('an unreachable URL is a connection error, with the reason', async () => {
    const file = parseDdp('CONNECT ws://127.0.0.1:1/websocket\nLOGOUT\n');
    const report = await runFile(file, { connect, sources, timeout: 5000 });
    assert.match(
      report.connectionError ?? '',
      /Could not connect to ws:\/\/127\.0\.0\.1:1\/websocket: .*(ECONNREFUSED|Nothing is listening on 127\.0\.0\.1:1)/,
    );
    assert.deepEqual(
      report.requests.map((r) => r.status),
      ['skipped'],
    );
  });
});
