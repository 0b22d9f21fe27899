// What kind of first-connect failure a reason is (src/core/connectProblem.ts): the facts the sentence and the
// actions are built from, with no words in them.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { classifyConnectProblem, versionProblem } from '../../src/core/connectProblem';

const WS = 'ws://127.0.0.1:1/websocket';
const WSS = 'wss://db.example.com/websocket';

describe('connect problems (core/connectProblem.ts)', () => {
  test('where: host, host:port (default ports by scheme) and TLS', () => {
    assert.deepEqual(classifyConnectProblem('connect ECONNREFUSED', WS), {
      kind: 'refused',
      host: '127.0.0.1',
      hostPort: '127.0.0.1:1',
      secure: false,
    });
    const p = classifyConnectProblem('connect ECONNREFUSED', WSS);
    assert.equal(p.hostPort, 'db.example.com:443');
    assert.equal(p.secure, true);
  });

  test('each certificate failure keeps which check failed', () => {
    const cert = (reason: string) => classifyConnectProblem(reason, WSS).certificate;
    assert.equal(cert('DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate'), 'self-signed');
    assert.equal(cert('SELF_SIGNED_CERT_IN_CHAIN: x'), 'untrusted-ca');
    assert.equal(cert('UNABLE_TO_VERIFY_LEAF_SIGNATURE: x'), 'untrusted-ca');
    assert.equal(cert('CERT_HAS_EXPIRED: x'), 'expired');
    assert.equal(cert('CERT_NOT_YET_VALID: x'), 'not-yet-valid');
    assert.equal(cert("ERR_TLS_CERT_ALTNAME_INVALID: Hostname/IP does not match certificate's altnames"), 'wrong-host');
  });

  test('a plain answer to TLS and a failed TLS handshake are told apart', () => {
    assert.equal(classifyConnectProblem('SSL routines::wrong version number', WSS).handshake, undefined);
    const hs = classifyConnectProblem(Object.assign(new Error('handshake'), { code: 'EPROTO' }), WSS);
    assert.equal(hs.kind, 'not-tls');
    assert.equal(hs.handshake, true);
  });

  test('HTTP status, SockJS, an unknown reason kept raw, and a version problem', () => {
    assert.equal(classifyConnectProblem('Unexpected server response: 404', WS).status, 404);
    assert.equal(
      classifyConnectProblem(Object.assign(new Error('x'), { code: 'UNSUPPORTED_TRANSPORT' }), WS).kind,
      'sockjs',
    );
    assert.deepEqual(classifyConnectProblem('something odd\n', WS), {
      kind: 'other',
      host: '127.0.0.1',
      hostPort: '127.0.0.1:1',
      secure: false,
      message: 'something odd\n',
    });
    assert.deepEqual(versionProblem(WS, ['1']), {
      kind: 'version',
      host: '127.0.0.1',
      hostPort: '127.0.0.1:1',
      secure: false,
      versions: ['1'],
    });
  });
});
