// VS Code's proxy settings as plain options (src/core/config.ts), the library's proxy rules (src/ddp/proxy.ts)
// and the proxy's problems in plain words (core/connectProblem.ts + presentation/connectProblem.ts). No sockets.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  clientOptions,
  DEFAULT_SETTINGS,
  describeProxySettings,
  readProxySettings,
  readSettings,
  type ProxySettings,
} from '../../src/core/config';
import { classifyConnectProblem } from '../../src/core/connectProblem';
import { connectProblemSentence, explainConnectProblem } from '../../src/presentation/connectProblem';
import { agentFor, bypassesProxy, parseProxyUrl, proxyAddress, proxyFor } from '../../src/ddp/proxy';
import { withEnv } from '../support/proxyEnv';

const settings = (proxy: Partial<ProxySettings>) => ({
  ...DEFAULT_SETTINGS,
  proxy: { ...DEFAULT_SETTINGS.proxy, ...proxy },
});

describe('http.* settings -> options', () => {
  test('readProxySettings takes http.proxy, http.proxyStrictSSL and http.noProxy, and defaults anything else', () => {
    const http: Record<string, unknown> = {
      proxy: '  http://u:p@proxy:3128 ',
      proxyStrictSSL: false,
      noProxy: ['internal.example.com', ' ', 42, ' .corp '],
    };
    assert.deepEqual(
      readProxySettings((k) => http[k]),
      {
        url: 'http://u:p@proxy:3128',
        strictSSL: false,
        noProxy: ['internal.example.com', '.corp'],
      },
    );
    assert.deepEqual(
      readProxySettings(() => undefined),
      { url: '', strictSSL: true, noProxy: [] },
    );
    assert.deepEqual(
      readProxySettings((k) => ({ proxy: 3, proxyStrictSSL: 'no', noProxy: 'x' })[k]),
      {
        url: '',
        strictSSL: true,
        noProxy: [],
      },
    );
  });

  test('readSettings reads the http section when given one; without it the proxy settings are the defaults', () => {
    assert.deepEqual(readSettings(() => undefined).proxy, DEFAULT_SETTINGS.proxy);
    const s = readSettings(
      () => undefined,
      (k) => ({ proxy: 'http://proxy:3128' })[k],
    );
    assert.equal(s.proxy.url, 'http://proxy:3128');
  });

  test('http.proxy and http.noProxy become the proxy and noProxy options; empty ones leave the environment in charge', (t) => {
    withEnv(t, {});
    const o = clientOptions(
      settings({ url: 'http://proxy:3128', noProxy: ['a.example'] }),
      undefined,
      'ws://h/websocket',
    );
    assert.equal(o.proxy, 'http://proxy:3128');
    assert.deepEqual(o.noProxy, ['a.example']);
    const none = clientOptions(DEFAULT_SETTINGS, undefined, 'ws://h/websocket');
    assert.ok(!('proxy' in none) && !('noProxy' in none) && !('rejectUnauthorized' in none));
  });

  test('proxyStrictSSL false turns certificate checks off only on connections that go through a proxy', (t) => {
    withEnv(t, {});
    const lax = settings({ url: 'http://proxy:3128', strictSSL: false, noProxy: ['direct.example'] });
    assert.equal(clientOptions(lax, undefined, 'wss://far.example/websocket').rejectUnauthorized, false);
    assert.equal(clientOptions(lax, undefined, 'wss://direct.example/websocket').rejectUnauthorized, undefined);
    assert.equal(
      clientOptions(lax, { rejectUnauthorized: true }, 'wss://far.example/websocket').rejectUnauthorized,
      true,
      "a connection's own rejectUnauthorized wins",
    );
    assert.equal(
      clientOptions(settings({ strictSSL: false }), undefined, 'wss://far.example').rejectUnauthorized,
      undefined,
    );
    withEnv(t, { HTTPS_PROXY: 'http://env-proxy:8080' });
    assert.equal(
      clientOptions(settings({ strictSSL: false }), undefined, 'wss://far.example').rejectUnauthorized,
      false,
    );
  });

  test('the proxy settings are described for the log with the credentials masked', () => {
    assert.equal(
      describeProxySettings({ url: 'http://user:pa55@proxy:3128', strictSSL: false, noProxy: ['a', 'b'] }),
      'http://***@proxy:3128, proxyStrictSSL off, noProxy a, b',
    );
    assert.equal(describeProxySettings(DEFAULT_SETTINGS.proxy), 'from the environment');
  });
});

describe('proxy rules (ddp/proxy.ts)', () => {
  test('ws:// follows HTTP_PROXY, wss:// HTTPS_PROXY; lower case first; ALL_PROXY last', (t) => {
    withEnv(t, { HTTP_PROXY: 'http://h:1', HTTPS_PROXY: 'http://s:2' });
    assert.equal(proxyFor('ws://x.example/websocket', {}), 'http://h:1');
    assert.equal(proxyFor('wss://x.example/websocket', {}), 'http://s:2');
    withEnv(t, { https_proxy: 'http://lower:3', HTTPS_PROXY: 'http://upper:4' });
    assert.equal(proxyFor('wss://x.example', {}), 'http://lower:3');
    assert.equal(proxyFor('ws://x.example', {}), undefined);
    withEnv(t, { ALL_PROXY: 'http://all:5' });
    assert.equal(proxyFor('ws://x.example', {}), 'http://all:5');
  });

  test('proxy: false, an agent, NO_PROXY and noProxy mean a direct connection', (t) => {
    withEnv(t, { HTTPS_PROXY: 'http://s:2', NO_PROXY: '.internal' });
    assert.equal(proxyFor('wss://x.example', { proxy: false }), undefined);
    const agent = agentFor('wss://x.example', { proxy: false });
    assert.equal(agent, undefined);
    assert.equal(proxyFor('wss://db.internal', {}), undefined);
    assert.equal(
      proxyFor('wss://db.internal', { proxy: 'http://p:1' }),
      undefined,
      'NO_PROXY also for an explicit proxy',
    );
    assert.equal(proxyFor('wss://db.internal', { proxy: 'http://p:1', noProxy: [] }), 'http://p:1');
    assert.equal(proxyFor('wss://x.example', { noProxy: '*' }), undefined);
  });

  test('noProxy entries: exact host, host:port, .suffix, *.suffix, *, IPv6', () => {
    const url = 'wss://db.corp.example:8443/websocket';
    assert.ok(bypassesProxy(url, 'db.corp.example'));
    assert.ok(bypassesProxy(url, ['other', 'DB.CORP.EXAMPLE:8443']));
    assert.ok(!bypassesProxy(url, 'db.corp.example:443'));
    assert.ok(bypassesProxy(url, '.corp.example'));
    assert.ok(bypassesProxy(url, '*.example'));
    assert.ok(!bypassesProxy(url, 'corp.example'), 'a bare name matches that host only (as proxy-from-env)');
    assert.ok(bypassesProxy(url, 'a, b *'));
    assert.ok(bypassesProxy('ws://[::1]:3000/websocket', '[::1]'));
    assert.ok(bypassesProxy('ws://127.0.0.1:3000/websocket', 'localhost,127.0.0.1'));
    assert.ok(!bypassesProxy('ws://127.0.0.1:3000/websocket', ''));
  });

  test('proxy URLs: host:port is http://, only http and https, and messages never show credentials', () => {
    assert.equal(parseProxyUrl('proxy:3128').href, 'http://proxy:3128/');
    assert.equal(proxyAddress('https://u:p@secure-proxy'), 'secure-proxy:443');
    assert.equal(proxyAddress('http://u:p@proxy'), 'proxy:80');
    assert.throws(
      () => parseProxyUrl('socks5://u:secret@p:1080'),
      (err: Error) => {
        assert.ok(err instanceof TypeError);
        assert.ok(!err.message.includes('secret'), err.message);
        assert.match(err.message, /socks5:\/\/\*\*\*@p:1080/);
        return true;
      },
    );
  });
});

describe('proxy problems in plain words', () => {
  const WS = 'ws://db.example:3000/websocket';

  test("the library's refusal becomes kind proxy with the proxy's answer, one sentence per status", () => {
    const refused = (status: string) =>
      `ERR_PROXY_REFUSED: The proxy at 10.0.0.1:3128 refused the tunnel to db.example:3000: ${status}`;
    const p = classifyConnectProblem(refused('407 Proxy Authentication Required'), WS);
    assert.deepEqual(p.proxy, { at: '10.0.0.1:3128', status: 407, statusText: 'Proxy Authentication Required' });
    assert.equal(p.kind, 'proxy');
    assert.match(
      explainConnectProblem(refused('407 Proxy Authentication Required'), WS).sentence,
      /^The proxy at 10\.0\.0\.1:3128 refused the tunnel: 407 Proxy Authentication Required — check the user and password in http\.proxy/,
    );
    assert.match(
      explainConnectProblem(refused('403 Forbidden'), WS).sentence,
      /does not allow connections to db\.example:3000/,
    );
    assert.match(
      explainConnectProblem(refused('502 Bad Gateway'), WS).sentence,
      /^The proxy at 10\.0\.0\.1:3128 could not reach db\.example:3000: 502 Bad Gateway/,
    );
    assert.equal(
      explainConnectProblem(refused('418'), WS).sentence,
      'The proxy at 10.0.0.1:3128 refused the tunnel: 418.',
    );
  });

  test('an HTTP 407 is always a proxy asking for credentials (another agent may have opened the tunnel)', () => {
    const p = classifyConnectProblem('Unexpected server response: 407', WS, 'proxy.corp:3128');
    assert.equal(p.kind, 'proxy');
    assert.match(
      connectProblemSentence(p),
      /^The proxy at proxy\.corp:3128 refused the tunnel: 407 Proxy Authentication Required — check/,
    );
    assert.match(
      explainConnectProblem('Unexpected server response: 407', WS).sentence,
      /^The proxy refused the tunnel: 407 Proxy Authentication Required — check/,
    );
    assert.equal(classifyConnectProblem('Unexpected server response: 401', WS).kind, 'http');
  });

  test('an unreachable proxy, by DNS or refusal, names the proxy', () => {
    const sentence = (reason: string) =>
      explainConnectProblem(`The proxy at proxy.corp:3128 cannot be reached: ${reason}`, WS).sentence;
    assert.equal(
      sentence('connect ECONNREFUSED 10.0.0.1:3128'),
      'The proxy at proxy.corp:3128 cannot be reached (ECONNREFUSED): check http.proxy (or HTTPS_PROXY / HTTP_PROXY in the environment).',
    );
    assert.match(sentence('getaddrinfo ENOTFOUND proxy.corp'), /its host name could not be found \(DNS\)/);
  });
});
