// Plain-module rules behind the explorer's trust fixes: the first-connect sentences, EJSON params validation,
// secret keys (one list, the library's and more) and the params history, credentials in URLs, connection ids.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { explainConnectProblem } from '../../src/presentation/connectProblem';
import { parseParams, validateParams } from '../../src/core/params';
import { isSecretKey, hasSecretKeys, maskSecretFields } from '../../src/core/secretKeys';
import { SecretMasker } from '../../src/presentation/masker';
import { readParamsHistory, rememberParams } from '../../src/core/paramsHistory';
import { hasCredentials, serverUrl, CREDENTIALS_IN_URL } from '../../src/core/connectionUrl';
import { parseConnections } from '../../src/core/config';
import { redactSecrets, formatValue } from '../../src/presentation/format';
import { maskSecrets, DdpConnectionError } from '../../src/ddp';
import { callErrorNotification } from '../../src/presentation/errorMessages';

describe('connect problems in plain words', () => {
  const WS = 'ws://127.0.0.1:1/websocket';
  const WSS = 'wss://db.example.com/websocket';
  const cases: Array<[string, unknown, string, string | RegExp]> = [
    ['refused', 'connect ECONNREFUSED 127.0.0.1:1', WS, 'Nothing is listening on 127.0.0.1:1.'],
    [
      'refused',
      Object.assign(new Error('connect ECONNREFUSED ::1:3000'), { code: 'ECONNREFUSED' }),
      'ws://localhost:3000/websocket',
      'Nothing is listening on localhost:3000.',
    ],
    ['dns', 'getaddrinfo ENOTFOUND db.example.com', WSS, 'The host name "db.example.com" could not be found (DNS).'],
    ['dns', 'getaddrinfo EAI_AGAIN db.example.com', WSS, 'The host name "db.example.com" could not be found (DNS).'],
    [
      'http',
      'Unexpected server response: 404',
      WS,
      'The server answered HTTP 404: is this a Meteor/DDP server? Meteor serves DDP at /websocket.',
    ],
    [
      'http',
      'Unexpected server response: 200',
      WS,
      /^The server answered HTTP 200 \(a web page, not a WebSocket\): is this a Meteor\/DDP server\?/,
    ],
    ['http', 'Unexpected server response: 302', WS, /HTTP 302 \(a redirect\): try wss:\/\//],
    ['http', 'Unexpected server response: 401', WS, /HTTP 401 \(authentication required\)/],
    ['http', 'Unexpected server response: 502', WS, /HTTP 502: the server, or a proxy in front of it, has a problem/],
    [
      'not-tls',
      'EPROTO: write EPROTO 40B8:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:354:',
      WSS,
      'The server does not speak TLS: try ws:// instead of wss://.',
    ],
    [
      'not-tls',
      Object.assign(new Error('SSL routines::wrong version number'), { code: 'ERR_SSL_WRONG_VERSION_NUMBER' }),
      WSS,
      'The server does not speak TLS: try ws:// instead of wss://.',
    ],
    [
      'certificate',
      'DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate',
      WSS,
      /self-signed.*"rejectUnauthorized": false/,
    ],
    [
      'certificate',
      'SELF_SIGNED_CERT_IN_CHAIN: self-signed certificate in certificate chain',
      WSS,
      /authority this machine does not trust/,
    ],
    ['certificate', 'CERT_HAS_EXPIRED: certificate has expired', WSS, /expired/],
    [
      'certificate',
      "ERR_TLS_CERT_ALTNAME_INVALID: Hostname/IP does not match certificate's altnames",
      WSS,
      /for another host name than db\.example\.com/,
    ],
    [
      'sockjs',
      Object.assign(new Error('The server speaks SockJS'), { code: 'UNSUPPORTED_TRANSPORT' }),
      WS,
      /SockJS only.*\/websocket/,
    ],
    ['timeout', 'connect timed out', WS, '127.0.0.1:1 did not answer in time.'],
    ['timeout', Object.assign(new Error('no answer'), { code: 'TIMEOUT' }), WS, '127.0.0.1:1 did not answer in time.'],
    ['tls-to-plain', 'socket hang up', 'ws://h:443/websocket', /if it serves TLS, try wss:\/\//],
    [
      'unreachable',
      'connect EHOSTUNREACH 10.0.0.1:3000',
      'ws://10.0.0.1:3000/websocket',
      /10\.0\.0\.1 cannot be reached/,
    ],
    ['other', 'something odd\n[info] forged', WS, 'Could not connect to 127.0.0.1:1: something odd\\n[info] forged.'],
  ];
  for (const [kind, error, url, expected] of cases) {
    test(`${kind}: ${String((error as Error).message ?? error).slice(0, 60)}`, () => {
      const p = explainConnectProblem(error, url);
      assert.equal(p.kind, kind);
      if (typeof expected === 'string') assert.equal(p.sentence, expected);
      else assert.match(p.sentence, expected);
      assert.doesNotMatch(p.sentence, /SSL routines|ssl3_|openssl|\n/);
    });
  }
});

describe('params: EJSON values are validated, not only JSON syntax', () => {
  const bad: Array<[string, RegExp]> = [
    ['[{"$date": "yesterday"}]', /Invalid \$date at \[0\]: "yesterday"/],
    ['[{"$date": null}]', /Invalid \$date/],
    ['[{"$date": 1e300}]', /Invalid \$date/],
    ['[{"when": {"$date": {}}}]', /Invalid \$date at \[0\]\.when/],
    ['[{"$binary": "not base64!"}]', /Invalid \$binary/],
    ['[{"$binary": "abc"}]', /Invalid \$binary/],
    ['[{"$type": "nope", "$value": 1}]', /Unknown EJSON \$type at \[0\]: "nope"/],
    ['[{"$type": "oid", "$value": "xyz"}]', /Invalid ObjectID/],
    ['[{"$InfNaN": 2}]', /Invalid \$InfNaN/],
    ['[{"$regexp": "(", "$flags": ""}]', /Invalid \$regexp/],
    ['[{"$escape": 1}]', /Invalid \$escape/],
    ['[{"$date": 0, "$binary": "AA=="}]', /Not an EJSON value/],
  ];
  for (const [text, message] of bad) {
    test(`refused: ${text}`, () => {
      assert.match(validateParams(text, { allowSingle: true }) ?? '', message);
      assert.match(validateParams(text) ?? '', message);
    });
  }
  test('valid EJSON is decoded', () => {
    const r = parseParams(
      '[{"$date": 0}, {"$date": "2024-01-02T03:04:05Z"}, {"$binary": "AQID"}, {"$type": "oid", "$value": "0123456789abcdef01234567"}, {"$escape": {"$date": "kept"}}, {"$InfNaN": -1}]',
    );
    assert.ok(r.ok);
    const [d0, d1, bin, , esc, inf] = r.params as [Date, Date, Uint8Array, unknown, Record<string, unknown>, number];
    assert.equal(d0.getTime(), 0);
    assert.equal(d1.toISOString(), '2024-01-02T03:04:05.000Z');
    assert.deepEqual([...bin], [1, 2, 3]);
    assert.deepEqual(esc, { $date: 'kept' });
    assert.equal(inf, -Infinity);
  });
  test('"2, 3" hints "did you mean [2, 3]?"', () => {
    assert.equal(
      validateParams('2, 3', { allowSingle: true }),
      'Did you mean [2, 3]? Several params go in one JSON array.',
    );
    assert.equal(validateParams('"a", {"b": 1}'), 'Did you mean ["a", {"b": 1}]? Several params go in one JSON array.');
    assert.match(validateParams('{"a": 1}') ?? '', /did you mean \[\{"a": 1\}\]\?/);
    assert.match(validateParams('[2, ') ?? '', /^Invalid EJSON/);
  });
});

describe("secret keys: one list (the library's, and the words people use for secrets)", () => {
  test('every key the library masks in frames is secret here too', () => {
    for (const k of ['digest', 'password', 'resume', 'token', 'hashedToken', 'newPassword', 'oldPassword', 'srp']) {
      assert.notEqual(maskSecrets(JSON.stringify({ [k]: 'x' })), JSON.stringify({ [k]: 'x' }), `library masks ${k}`);
      assert.ok(isSecretKey(k), k);
    }
  });
  test('and the usual names of secrets, in any case or spelling', () => {
    for (const k of [
      'Password',
      'apiKey',
      'api_key',
      'API-KEY',
      'clientSecret',
      'secret',
      'accessToken',
      'refresh_token',
      'privateKey',
      'passphrase',
      'credentials',
      'authToken',
      'loginToken',
    ])
      assert.ok(isSecretKey(k), k);
    for (const k of ['name', 'user', 'email', 'title', 'digits', 'count', 'settings']) assert.ok(!isSecretKey(k), k);
  });
  test('at any depth', () => {
    assert.ok(hasSecretKeys([{ user: { email: 'a' }, data: [{ nested: { apiKey: 'k' } }] }]));
    assert.ok(!hasSecretKeys([{ user: { email: 'a' } }, 2, 'password']));
  });
  test('log lines and traced frames mask the same keys', () => {
    const frame =
      '> {"msg":"method","method":"x","params":[{"apiKey":"k-123","clientSecret":"s\\"q","name":"n","nested":{"password":"pw"}}],"id":"1"}';
    const out = new SecretMasker().mask(frame);
    assert.doesNotMatch(out, /k-123|s\\"q|"pw"/);
    assert.match(out, /"apiKey":"\*\*\*"/);
    assert.match(out, /"name":"n"/);
    assert.equal(maskSecretFields('{"title":"token of thanks"}'), '{"title":"token of thanks"}');
  });
  test('redaction for logs and notifications uses the same list', () => {
    assert.deepEqual(redactSecrets({ apiKey: 'k', clientSecret: 's', name: 'n' }), {
      apiKey: '***',
      clientSecret: '***',
      name: 'n',
    });
    const loginResult = { id: 'u1', token: 'RESUME-TOKEN-123', tokenExpires: new Date(0) };
    assert.doesNotMatch(formatValue(redactSecrets(loginResult), 80), /RESUME-TOKEN/);
  });
});

describe('params history on disk: nothing secret is kept', () => {
  test("params with a secret key at any depth are not stored, and drop the method's earlier entry", () => {
    const h = { 'math.add': '[2, 3]', resetPassword: '["old"]' };
    assert.equal(rememberParams(h, 'resetPassword', '["tok", "new"]', ['tok', 'new'])?.resetPassword, '["tok", "new"]');
    const text = '[{"token": "reset-token", "newPassword": "hunter2"}]';
    const next = rememberParams(h, 'resetPassword', text, JSON.parse(text));
    assert.deepEqual(next, { 'math.add': '[2, 3]' });
    assert.equal(
      rememberParams({ 'math.add': '[2, 3]' }, 'x', '[{"a": {"b": {"apiKey": "k"}}}]', [{ a: { b: { apiKey: 'k' } } }]),
      undefined,
    );
    assert.equal(
      rememberParams({}, 'login', '[{"user": {"username": "a"}}]', [{ user: { username: 'a' } }]),
      undefined,
    );
    assert.deepEqual(rememberParams({}, 'math.add', '[2, 3]', [2, 3]), { 'math.add': '[2, 3]' });
  });
  test('a history written by an older version loses its secret entries when read', () => {
    const { history, dropped } = readParamsHistory({
      'math.add': '[2, 3]',
      resetPassword: '["t", {"password": "hunter2"}]',
      login: '[{"resume": "tok"}]',
      broken: 42,
    });
    assert.deepEqual(history, { 'math.add': '[2, 3]' });
    assert.equal(dropped, true);
    assert.equal(readParamsHistory({ 'math.add': '[2, 3]' }).dropped, false);
  });
});

describe('credentials in URLs are refused', () => {
  test('in every form a user can type', () => {
    for (const u of [
      'ws://admin:hunter2@host:3000/websocket',
      'wss://admin@host',
      'http://a:b@host:3000',
      'admin:hunter2@host:3000',
    ]) {
      assert.ok(hasCredentials(u), u);
      assert.throws(
        () => serverUrl(u),
        (e: Error) => e.message === CREDENTIALS_IN_URL && !e.message.includes('hunter2'),
      );
    }
    for (const u of ['ws://host:3000/websocket', 'host:3000', 'https://host/path?x=a@b']) {
      assert.ok(!hasCredentials(u), u);
      assert.doesNotThrow(() => serverUrl(u));
    }
  });
  test('a saved connection with credentials is skipped with a problem that does not repeat them', () => {
    const r = parseConnections(
      [
        { name: 'a', url: 'ws://u:hunter2@h:1' },
        { name: 'b', url: 'ws://h:2' },
      ],
      serverUrl,
    );
    assert.deepEqual(
      r.connections.map((c) => c.name),
      ['b'],
    );
    assert.equal(r.problems.length, 1);
    assert.doesNotMatch(r.problems[0], /hunter2/);
  });
});

describe('saved connections keep a stable id', () => {
  test("ids are read; a copied entry's duplicate id and malformed ids are dropped", () => {
    const r = parseConnections(
      [
        { id: 'abc-1', name: 'a', url: 'ws://h:1' },
        { id: 'abc-1', name: 'b', url: 'ws://h:2' },
        { id: 'bad id!', name: 'c', url: 'ws://h:3' },
        { name: 'd', url: 'ws://h:4' },
      ],
      serverUrl,
    );
    assert.deepEqual(
      r.connections.map((c) => c.id),
      ['abc-1', undefined, undefined, undefined],
    );
  });
});

describe('failed calls in plain words', () => {
  test('a timeout and a lost connection say what happened to the method', () => {
    const timeout = Object.assign(new Error("Method 'slow' timed out after 1000 ms"), { code: 'TIMEOUT' });
    assert.equal(
      callErrorNotification('slow', timeout),
      'slow: the server did not answer in time; the method may still run on the server',
    );
    assert.match(
      callErrorNotification('x', new DdpConnectionError('CONNECTION_LOST', 'lost')),
      /connection dropped before the answer/,
    );
  });
});
