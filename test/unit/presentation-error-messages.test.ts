// One place turns errors into the user's words (src/presentation/errorMessages.ts): the library's codes, the
// session layer's, a server's error, and codes nobody knows yet.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DdpConnectionError, DdpError } from '../../src/ddp';
import { SessionError } from '../../src/core/sessionError';
import { callErrorNotification, errorMessage } from '../../src/presentation/errorMessages';

describe('error messages (errorMessages.ts)', () => {
  test('connection codes in plain words; a call says whether the method may have run', () => {
    assert.equal(
      errorMessage(new DdpConnectionError('TIMEOUT', 't'), 'call'),
      'the server did not answer in time; the method may still run on the server',
    );
    assert.equal(errorMessage(new DdpConnectionError('TIMEOUT', 't'), 'login'), 'the server did not answer in time');
    assert.equal(
      errorMessage(new DdpConnectionError('CONNECTION_LOST', 'x'), 'call'),
      'the connection dropped before the answer (the method may or may not have run)',
    );
    assert.equal(
      errorMessage(new DdpConnectionError('CONNECTION_LOST', 'x'), 'logout'),
      'the connection dropped before the answer',
    );
    assert.equal(
      errorMessage(new DdpConnectionError('CLOSED', 'Client closed')),
      'the connection was closed before the answer',
    );
    assert.match(errorMessage(new DdpConnectionError('UNSUPPORTED_TRANSPORT', 'sockjs')), /SockJS only.*\/websocket/);
    assert.equal(
      errorMessage(new DdpConnectionError('VERSION_MISMATCH', 'v')),
      'the server speaks none of the DDP versions offered',
    );
  });

  test("PROTOCOL, SOCKET and unknown codes show the error's own (escaped) text", () => {
    assert.equal(
      errorMessage(new DdpConnectionError('PROTOCOL', 'Server refused the login')),
      'Server refused the login (PROTOCOL)',
    );
    const later = Object.assign(new Error('something new\nhappened'), { code: 'SOMETHING_NEW' });
    assert.equal(errorMessage(later), 'something new\\nhappened (SOMETHING_NEW)');
  });

  test("a server's error is its reason and code; an OS error keeps its code", () => {
    assert.equal(errorMessage(new DdpError({ error: 'oops', reason: 'Bad thing' }), 'call'), 'Bad thing [oops]');
    assert.equal(
      errorMessage(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })),
      'connect ECONNREFUSED 127.0.0.1:1',
    );
  });

  test("the session layer's errors are written for the user already", () => {
    assert.equal(
      errorMessage(new SessionError('NOT_CONNECTED', 'local', '"local" is not connected')),
      '"local" is not connected',
    );
  });

  test('a failed call names the method', () => {
    assert.equal(
      callErrorNotification('slow', new DdpConnectionError('TIMEOUT', 't')),
      'slow: the server did not answer in time; the method may still run on the server',
    );
    assert.equal(
      callErrorNotification('fail', new DdpError({ error: 'oops', reason: 'Bad thing' })),
      'fail: Bad thing [oops]',
    );
  });
});
