// Rocket.Chat's two-factor convention for the requests a user sends from a .ddp file (through the extension's
// session, as the Run CodeLens does): a method that answers `totp-required` asks for the code once and is sent again
// with it; Escape sends nothing more and the run says why; without a prompt (the CLI) the server's error stands.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SessionManager, nullLog, type Session } from '../../src/core/sessions';
import { parseDdp } from '../../src/core/ddpFile/parser';
import { runFile } from '../../src/core/ddpFile/runner';
import { sessionConnection, sessionFor } from '../../src/core/ddpFile/sessionConnection';
import type { TwoFactorRequest } from '../../src/core/twoFactor';
import { problemText } from '../../src/presentation/sessionLogText';
import { RC_GUARDED_METHOD, RC_USER, startRocketChatServer, type RocketChatServer } from '../support/rocketChatServer';

describe('.ddp runs and two-factor codes (Rocket.Chat)', () => {
  let rc: RocketChatServer;
  let manager: SessionManager;
  let session: Session;
  before(async () => {
    rc = await startRocketChatServer();
    manager = new SessionManager({ log: nullLog });
    session = await sessionFor(manager, rc.url, problemText);
    await session.login(RC_USER.username, RC_USER.password, RC_USER.code);
  });
  after(async () => {
    manager.dispose();
    await rc.close();
  });

  const sources = { environment: {}, dotenv: () => undefined, processEnv: () => undefined };
  const file = () => parseDdp(`CONNECT ${rc.url}\nCALL ${RC_GUARDED_METHOD} [{"realname": "Alice"}]\n`);
  const guardedCalls = () => rc.calls.filter((c) => c.method === RC_GUARDED_METHOD).map((c) => c.params);

  it('asks for the code once and sends the same call again with it', async () => {
    const asked: Array<[string, TwoFactorRequest]> = [];
    const before = guardedCalls().length;
    const report = await runFile(file(), {
      connect: async () =>
        sessionConnection(session, async (method, request) => {
          asked.push([method, request]);
          return RC_USER.code;
        }),
      sources,
    });
    assert.deepEqual(
      report.requests.map((r) => r.status),
      ['passed'],
    );
    assert.deepEqual(asked, [[RC_GUARDED_METHOD, { method: 'totp', codeGenerated: false }]]);
    assert.deepEqual(guardedCalls().slice(before), [
      [{ realname: 'Alice' }],
      [{ realname: 'Alice' }, { twoFactorCode: RC_USER.code, twoFactorMethod: 'totp' }],
    ]);
  });

  it('the time a person takes to type the code does not count against the request timeout', async () => {
    const report = await runFile(file(), {
      connect: async () =>
        sessionConnection(session, () => new Promise((resolve) => setTimeout(() => resolve(RC_USER.code), 1500))),
      sources,
      timeout: 1000,
    });
    assert.deepEqual(
      report.requests.map((r) => r.status),
      ['passed'],
    );
  });

  it('Escape sends nothing more and the request fails saying why; a wrong code shows the server reason', async () => {
    const before = guardedCalls().length;
    const cancelled = await runFile(file(), {
      connect: async () => sessionConnection(session, async () => undefined),
      sources,
    });
    assert.equal(cancelled.requests[0].status, 'failed');
    assert.match(JSON.stringify(cancelled.requests[0]), /none was given: it was not sent again/);
    assert.equal(guardedCalls().length, before + 1);
    const wrong = await runFile(file(), {
      connect: async () => sessionConnection(session, async () => '000000'),
      sources,
    });
    assert.equal(wrong.requests[0].status, 'failed');
    assert.match(JSON.stringify(wrong.requests[0]), /totp-invalid/);
  });

  it('without a prompt (the CLI) the server error stands, and nothing is sent twice', async () => {
    const before = guardedCalls().length;
    const report = await runFile(file(), { connect: async () => sessionConnection(session), sources });
    assert.equal(report.requests[0].status, 'failed');
    assert.match(JSON.stringify(report.requests[0]), /totp-required/);
    assert.equal(guardedCalls().length, before + 1);
  });

  it('LOGIN: totp-required asks for the code and logs in with {totp: {login, code}}; typing does not time out', async () => {
    const other = new SessionManager({ log: nullLog });
    try {
      const fresh = await sessionFor(other, rc.url, problemText);
      const asked: string[] = [];
      const login = parseDdp(
        `CONNECT ${rc.url}\nLOGIN ${RC_USER.username} ${JSON.stringify(RC_USER.password)}\n> expect result.id == "${RC_USER.id}"\n`,
      );
      const report = await runFile(login, {
        connect: async () =>
          sessionConnection(fresh, async (what, request) => {
            asked.push(`${what}: ${request.method}`);
            return new Promise((resolve) => setTimeout(() => resolve(RC_USER.code), 1500));
          }),
        sources,
        timeout: 1000,
      });
      assert.deepEqual(
        report.requests.map((r) => r.status),
        ['passed'],
      );
      assert.deepEqual(asked, ['login: totp']);
      assert.equal(fresh.userId, RC_USER.id);
      const cancelled = await runFile(login, {
        connect: async () => sessionConnection(fresh, async () => undefined),
        sources,
      });
      assert.equal(cancelled.requests[0].status, 'failed', 'a password login asks again; Escape gives up');
      assert.match(JSON.stringify(cancelled.requests[0]), /two-factor code and none was given/);
    } finally {
      other.dispose();
    }
  });
});
