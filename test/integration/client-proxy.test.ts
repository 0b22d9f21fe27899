// The library through an HTTP proxy: a local CONNECT proxy started by the test (test/support/connectProxy.ts)
// counts the tunnels it opened, so a test knows whether a connection really went through it. ws:// and wss://,
// the `proxy`, `noProxy` and `agent` options, the environment (HTTP_PROXY, HTTPS_PROXY, NO_PROXY, lower case too),
// Basic credentials (masked in every message), and proxies that refuse, cannot be reached or never answer.
import { test, describe, before, after } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { isDdpConnectionError, type DdpClient } from '../../src/ddp';
import { startRealServer, type RealServer } from '../support/realServer';
import { startScriptServer, TLS_CERT, type ScriptServer } from '../support/scriptServer';
import { startConnectProxy, type ConnectProxy, type ConnectProxyOptions } from '../support/connectProxy';
import { newClient, refusedPort } from '../support/clients';
import { record } from '../support/wait';
import { withEnv } from '../support/proxyEnv';

const T = { timeout: 10_000 };

async function proxyFor(t: TestContext, options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const proxy = await startConnectProxy(options);
  t.after(() => proxy.stop());
  return proxy;
}

/** A client that gives up on its first failure, with every text it showed: debug lines, socket_closed reasons. */
function oneShot(t: TestContext, url: string, options: Parameters<typeof newClient>[2] = {}) {
  const lines: string[] = [];
  const c = newClient(t, url, { autoReconnect: false, debug: (line) => lines.push(line), ...options });
  const closed = record(c, 'socket_closed');
  const errors = record(c, 'socket_error');
  const texts = () => [
    ...lines,
    ...closed.events.map((e) => e[1]),
    ...errors.events.map((e) => `${e[0].message} ${String(e[0].stack)}`),
  ];
  return { c, texts, errors };
}

async function rejection(c: DdpClient): Promise<Error & { code?: string; cause?: unknown }> {
  try {
    await c.connect();
  } catch (err) {
    return err as Error & { code?: string };
  }
  assert.fail('connect() resolved through a proxy that should have failed it');
}

describe('client-proxy: ws:// through a CONNECT proxy', () => {
  let server: RealServer;
  let port: number;
  before(async () => {
    server = await startRealServer();
    port = server.port;
  });
  after(() => server.close());

  test('the proxy option tunnels the socket through the proxy (one CONNECT to the server)', T, async (t) => {
    withEnv(t, {});
    const proxy = await proxyFor(t);
    const c = newClient(t, server.url, { proxy: proxy.url });
    await c.connect();
    assert.equal(await c.call('math.add', [2, 3]), 5);
    assert.equal(proxy.tunnels, 1);
    assert.deepEqual(
      proxy.requests.map((r) => r.target),
      [`127.0.0.1:${port}`],
    );
    assert.equal(proxy.requests[0].authorization, undefined, 'no credentials, no Proxy-Authorization');
  });

  test('a bare host:port proxy is an http:// proxy', T, async (t) => {
    withEnv(t, {});
    const proxy = await proxyFor(t);
    const c = newClient(t, server.url, { proxy: `127.0.0.1:${proxy.port}` });
    await c.connect();
    assert.equal(proxy.tunnels, 1);
  });

  test('HTTP_PROXY from the environment is used for ws://, HTTPS_PROXY is not', T, async (t) => {
    const http = await proxyFor(t);
    const https = await proxyFor(t);
    withEnv(t, { HTTP_PROXY: http.url, HTTPS_PROXY: https.url });
    const c = newClient(t, server.url);
    await c.connect();
    assert.equal(http.tunnels, 1);
    assert.equal(https.requests.length, 0);
  });

  test('lower-case http_proxy is read too, and wins over upper case', T, async (t) => {
    const lower = await proxyFor(t);
    const upper = await proxyFor(t);
    withEnv(t, { http_proxy: lower.url, HTTP_PROXY: upper.url });
    const c = newClient(t, server.url);
    await c.connect();
    assert.equal(lower.tunnels, 1);
    assert.equal(upper.requests.length, 0);
  });

  test('NO_PROXY naming the host (or host:port, or *) bypasses the proxy', T, async (t) => {
    const proxy = await proxyFor(t);
    for (const noProxy of ['127.0.0.1', `127.0.0.1:${port}`, 'example.com, 127.0.0.1', '*']) {
      withEnv(t, { HTTP_PROXY: proxy.url, NO_PROXY: noProxy });
      const c = newClient(t, server.url);
      await c.connect();
      c.close();
    }
    withEnv(t, { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1:1' });
    const other = newClient(t, server.url);
    await other.connect();
    assert.equal(proxy.tunnels, 1, 'only the NO_PROXY entry for another port left the proxy in use');
  });

  test('the noProxy option replaces NO_PROXY', T, async (t) => {
    const proxy = await proxyFor(t);
    withEnv(t, { HTTP_PROXY: proxy.url, NO_PROXY: 'example.com' });
    const bypassed = newClient(t, server.url, { noProxy: ['*.example.org', '127.0.0.1'] });
    await bypassed.connect();
    assert.equal(proxy.requests.length, 0);
    withEnv(t, { NO_PROXY: '127.0.0.1' });
    const through = newClient(t, server.url, { proxy: proxy.url, noProxy: [] });
    await through.connect();
    assert.equal(proxy.tunnels, 1, 'an empty noProxy list lets NO_PROXY go');
  });

  test('proxy: false ignores the environment', T, async (t) => {
    const proxy = await proxyFor(t);
    withEnv(t, { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, ALL_PROXY: proxy.url });
    const c = newClient(t, server.url, { proxy: false });
    await c.connect();
    assert.equal(proxy.requests.length, 0);
  });

  test('an agent of your own is used as is, whatever the environment says', T, async (t) => {
    const mine = await proxyFor(t);
    const env = await proxyFor(t);
    withEnv(t, { HTTP_PROXY: env.url });
    const c = newClient(t, server.url, { agent: new HttpsProxyAgent(mine.url), proxy: env.url });
    await c.connect();
    assert.equal(mine.tunnels, 1);
    assert.equal(env.requests.length, 0);
  });

  test('Basic credentials in the proxy URL are sent as Proxy-Authorization and work', T, async (t) => {
    withEnv(t, {});
    const proxy = await proxyFor(t, { auth: { user: 'alice', password: 's3cr3t-pw' } });
    const { c, texts } = oneShot(t, server.url, { proxy: proxy.url.replace('//', '//alice:s3cr3t-pw@') });
    await c.connect();
    assert.equal(proxy.tunnels, 1);
    assert.equal(proxy.requests[0].authorization, `Basic ${Buffer.from('alice:s3cr3t-pw').toString('base64')}`);
    assert.ok(!texts().some((x) => x.includes('s3cr3t')));
  });

  test('wrong or missing credentials: a 407 error about the proxy, credentials nowhere', T, async (t) => {
    withEnv(t, {});
    const proxy = await proxyFor(t, { auth: { user: 'alice', password: 's3cr3t-pw' } });
    for (const proxyUrl of [proxy.url.replace('//', '//alice:wr0ng-pw@'), proxy.url]) {
      const { c, texts, errors } = oneShot(t, server.url, { proxy: proxyUrl });
      const err = await rejection(c);
      assert.ok(isDdpConnectionError(err) && err.code === 'SOCKET');
      const expected = `The proxy at 127.0.0.1:${proxy.port} refused the tunnel to 127.0.0.1:${port}: 407 Proxy Authentication Required`;
      assert.equal(errors.events[0][0].message, expected);
      assert.equal((errors.events[0][0] as { code?: string }).code, 'ERR_PROXY_REFUSED');
      assert.ok(err.message.includes(expected), err.message);
      assert.ok(!('statusCode' in errors.events[0][0]), 'not an HTTP status of the DDP server');
      for (const text of [...texts(), err.message]) assert.ok(!/wr0ng|s3cr3t/.test(text), text);
    }
    assert.equal(proxy.tunnels, 0);
  });

  for (const [status, text] of [
    [403, 'Forbidden'],
    [502, 'Bad Gateway'],
  ] as const) {
    test(`a proxy answering CONNECT with ${status}: the proxy's refusal, said once, no retry`, T, async (t) => {
      withEnv(t, {});
      const proxy = await proxyFor(t, { refuse: { status, text } });
      const { c } = oneShot(t, server.url, { proxy: proxy.url });
      const err = await rejection(c);
      assert.match(
        err.message,
        new RegExp(`The proxy at 127\\.0\\.0\\.1:${proxy.port} refused the tunnel .*: ${status} ${text}`),
      );
      assert.equal(c.status, 'failed');
      assert.equal(proxy.requests.length, 1);
    });
  }

  test('a proxy that cannot be reached: the error names the proxy, not the server', T, async (t) => {
    withEnv(t, {});
    const dead = await refusedPort();
    const { c, texts } = oneShot(t, server.url, { proxy: `http://bob:hunter22@127.0.0.1:${dead}` });
    const err = await rejection(c);
    assert.match(
      err.message,
      new RegExp(`The proxy at 127\\.0\\.0\\.1:${dead} cannot be reached: connect ECONNREFUSED`),
    );
    for (const text of [...texts(), err.message]) assert.ok(!text.includes('hunter22'), text);
  });

  test(
    'a proxy that never answers CONNECT: connectTimeout ends it and its socket to the proxy is closed',
    T,
    async (t) => {
      withEnv(t, {});
      const proxy = await proxyFor(t, { silent: true });
      const { c } = oneShot(t, server.url, { proxy: proxy.url, connectTimeout: 300 });
      const err = await rejection(c);
      assert.match(err.message, /timed out/);
      await proxy.drained();
      assert.equal(proxy.openSockets, 0);
    },
  );

  test('an unsupported proxy URL fails at once, its credentials masked', T, async (t) => {
    withEnv(t, {});
    const { c } = oneShot(t, server.url, { proxy: 'socks5://carol:pa55word@127.0.0.1:1080' });
    const err = await rejection(c);
    assert.match(err.message, /socks5:\/\/\*\*\*@127\.0\.0\.1:1080 is not supported: only http:\/\/ and https:\/\//);
    assert.ok(!err.message.includes('pa55word'));
  });
});

describe('client-proxy: wss:// through a CONNECT proxy', () => {
  let server: ScriptServer;
  before(async () => {
    server = await startScriptServer({ tls: true });
  });
  after(() => server.close());

  test('HTTPS_PROXY is used for wss://, HTTP_PROXY is not; TLS to the server runs inside the tunnel', T, async (t) => {
    const http = await proxyFor(t);
    const https = await proxyFor(t);
    withEnv(t, { HTTP_PROXY: http.url, HTTPS_PROXY: https.url });
    const c = newClient(t, server.url, { ca: fs.readFileSync(TLS_CERT) });
    await c.connect();
    assert.equal(c.status, 'connected');
    assert.equal(https.tunnels, 1);
    assert.equal(http.requests.length, 0);
  });

  test(
    "the server's certificate is still checked through the tunnel (rejectUnauthorized applies inside it)",
    T,
    async (t) => {
      const proxy = await proxyFor(t);
      withEnv(t, { HTTPS_PROXY: proxy.url });
      const { c, errors } = oneShot(t, server.url);
      await rejection(c);
      assert.equal((errors.events[0][0] as { code?: string }).code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
      assert.equal(proxy.tunnels, 1);
      const trusting = newClient(t, server.url, { rejectUnauthorized: false });
      await trusting.connect();
      assert.equal(proxy.tunnels, 2);
    },
  );
});
