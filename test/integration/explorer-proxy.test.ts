// The explorer's sessions through VS Code's proxy settings (http.proxy, http.proxyStrictSSL, http.noProxy, read
// into Settings.proxy by the adapter): a local CONNECT proxy counts the tunnels. A proxy that refuses or cannot be
// reached stops the first connect at once with a plain sentence; credentials appear in no log line, no sentence and
// no tooltip; a change of the proxy settings reconnects an open session through the new proxy.
import { test, describe, before, after } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startRealServer, type RealServer } from '../support/realServer';
import { startScriptServer, type ScriptServer } from '../support/scriptServer';
import { startConnectProxy, type ConnectProxy, type ConnectProxyOptions } from '../support/connectProxy';
import { refusedPort } from '../support/clients';
import { waitUntil } from '../support/wait';
import { SessionManager, type ConnectProblem, type Session } from '../../src/core/sessions';
import { DEFAULT_SETTINGS, describeProxySettings, type ProxySettings } from '../../src/core/config';
import { textLog } from '../../src/presentation/sessionLogText';
import { connectProblemSentence } from '../../src/presentation/connectProblem';
import { connectionTooltip, snapshot } from '../../src/presentation/statusText';
import { MemoryLog } from '../support/memoryLog';

const T = { timeout: 15_000 };
const PASSWORD = 'pr0xy-s3cret';

function setup(t: TestContext, proxy: Partial<ProxySettings>) {
  const log = new MemoryLog();
  const problems: ConnectProblem[] = [];
  const manager = new SessionManager({
    log: textLog(log),
    hooks: { connectProblem: (_s, p) => problems.push(p) },
  });
  const settings = (p: Partial<ProxySettings>) => ({
    ...DEFAULT_SETTINGS,
    trace: 'messages' as const,
    reconnectDelay: 30,
    maxReconnectDelay: 100,
    proxy: { ...DEFAULT_SETTINGS.proxy, ...p },
  });
  manager.updateSettings(settings(proxy));
  t.after(() => manager.dispose());
  return { log, manager, problems, update: (p: Partial<ProxySettings>) => manager.updateSettings(settings(p)) };
}

async function proxyFor(t: TestContext, options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const proxy = await startConnectProxy(options);
  t.after(() => proxy.stop());
  return proxy;
}

const withCredentials = (proxy: ConnectProxy, password = PASSWORD) => proxy.url.replace('//', `//ops:${password}@`);

async function settled(s: Session): Promise<void> {
  void s.connect();
  await waitUntil(() => s.state === 'connected' || s.state === 'failed', 10_000, { message: `state ${s.state}` });
}

describe('explorer-proxy: sessions through http.proxy', () => {
  let server: RealServer;
  before(async () => {
    server = await startRealServer();
  });
  after(() => server.close());

  test(
    'http.proxy with Basic credentials: the session connects through it; log and tooltip name host:port only',
    T,
    async (t) => {
      const proxy = await proxyFor(t, { auth: { user: 'ops', password: PASSWORD } });
      const { manager, log } = setup(t, { url: withCredentials(proxy) });
      const s = manager.addAdHoc(server.url);
      await settled(s);
      assert.equal(s.state, 'connected');
      assert.equal(proxy.tunnels, 1);
      assert.ok(
        log.lines.some((l) => l.includes(`through the proxy at 127.0.0.1:${proxy.port}`)),
        log.lines.join('\n'),
      );
      const tooltip = connectionTooltip(snapshot(s), Date.now());
      assert.match(tooltip, new RegExp(`Proxy: 127\\.0\\.0\\.1:${proxy.port}`));
      for (const text of [...log.lines, tooltip]) assert.ok(!text.includes(PASSWORD), text);
    },
  );

  for (const [what, password] of [
    ['wrong', 'not-the-password'],
    ['missing', undefined],
  ] as const) {
    test(
      `${what} credentials: the first connect stops at once on the 407 sentence, credentials nowhere`,
      T,
      async (t) => {
        const proxy = await proxyFor(t, { auth: { user: 'ops', password: PASSWORD } });
        const { manager, log, problems } = setup(t, { url: password ? withCredentials(proxy, password) : proxy.url });
        const s = manager.addAdHoc(server.url);
        await settled(s);
        assert.equal(s.state, 'failed');
        assert.equal(problems.length, 1);
        assert.equal(problems[0].kind, 'proxy');
        const sentence = connectProblemSentence(problems[0]);
        assert.equal(
          sentence,
          `The proxy at 127.0.0.1:${proxy.port} refused the tunnel: 407 Proxy Authentication Required — check the user and password in http.proxy (or HTTPS_PROXY / HTTP_PROXY in the environment).`,
        );
        assert.ok(
          log.lines.some((l) => l.includes(sentence)),
          log.lines.join('\n'),
        );
        // No endless retry: one CONNECT, and none after the failure.
        assert.equal(proxy.requests.length, 1);
        const tooltip = connectionTooltip(snapshot(s), Date.now());
        for (const text of [...log.lines, sentence, tooltip]) {
          assert.ok(!text.includes(PASSWORD) && !text.includes('not-the-password'), text);
        }
      },
    );
  }

  test('an unreachable proxy: a plain sentence naming the proxy, not the server', T, async (t) => {
    const dead = await refusedPort();
    const { manager, problems, log } = setup(t, { url: `http://ops:${PASSWORD}@127.0.0.1:${dead}` });
    const s = manager.addAdHoc(server.url);
    await settled(s);
    assert.equal(s.state, 'failed');
    assert.equal(
      connectProblemSentence(problems[0]),
      `The proxy at 127.0.0.1:${dead} cannot be reached (ECONNREFUSED): check http.proxy (or HTTPS_PROXY / HTTP_PROXY in the environment).`,
    );
    for (const text of log.lines) assert.ok(!text.includes(PASSWORD), text);
  });

  test('http.noProxy naming the host bypasses http.proxy', T, async (t) => {
    const proxy = await proxyFor(t);
    const { manager } = setup(t, { url: proxy.url, noProxy: ['localhost', '127.0.0.1'] });
    const s = manager.addAdHoc(server.url);
    await settled(s);
    assert.equal(s.state, 'connected');
    assert.equal(proxy.requests.length, 0);
    assert.equal(s.proxy, undefined);
  });

  test(
    'changing http.proxy reconnects an open session through the new proxy; the change is logged masked',
    T,
    async (t) => {
      const first = await proxyFor(t);
      const second = await proxyFor(t, { auth: { user: 'ops', password: PASSWORD } });
      const { manager, log, update } = setup(t, { url: first.url });
      const s = manager.addAdHoc(server.url);
      await settled(s);
      assert.equal(first.tunnels, 1);
      const next = { url: withCredentials(second) };
      update(next);
      await waitUntil(() => second.tunnels === 1 && s.state === 'connected', 10_000);
      assert.equal(first.tunnels, 1);
      assert.ok(log.lines.some((l) => /reconnecting with the new options/.test(l)));
      assert.equal(
        describeProxySettings({ ...DEFAULT_SETTINGS.proxy, ...next }),
        `http://***@127.0.0.1:${second.port}`,
      );
      for (const text of log.lines) assert.ok(!text.includes(PASSWORD), text);
    },
  );
});

describe('explorer-proxy: http.proxyStrictSSL', () => {
  let server: ScriptServer;
  before(async () => {
    server = await startScriptServer({ tls: true });
  });
  after(() => server.close());

  test(
    'proxyStrictSSL false: a self-signed server is reached through the proxy (certificate checks off, logged)',
    T,
    async (t) => {
      const proxy = await proxyFor(t);
      const { manager, log } = setup(t, { url: proxy.url, strictSSL: false });
      const s = manager.addAdHoc(server.url);
      await settled(s);
      assert.equal(s.state, 'connected');
      assert.equal(proxy.tunnels, 1);
      assert.ok(log.lines.some((l) => /TLS certificate verification is OFF/.test(l)));
    },
  );

  test('proxyStrictSSL true (the default): the self-signed certificate is refused through the proxy', T, async (t) => {
    const proxy = await proxyFor(t);
    const { manager, problems } = setup(t, { url: proxy.url });
    const s = manager.addAdHoc(server.url);
    await settled(s);
    assert.equal(s.state, 'failed');
    assert.equal(problems[0].kind, 'certificate');
    assert.equal(proxy.tunnels, 1);
  });
});
