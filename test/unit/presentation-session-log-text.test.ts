// The words of the "DDP" log (src/presentation/sessionLogText.ts): one line per session log record, the same
// lines as before the session layer stopped writing text.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { DdpError } from '../../src/ddp';
import type { SessionLogRecord, SessionLogRecordType } from '../../src/core/sessionLog';
import { classifyConnectProblem } from '../../src/core/connectProblem';
import { cancelled } from '../../src/core/writePolicy';
import { logLine, problemText, textLog, type LogLevel } from '../../src/presentation/sessionLogText';

const refused = classifyConnectProblem('connect ECONNREFUSED 127.0.0.1:1', 'ws://127.0.0.1:1/websocket');
const denied = new DdpError({ error: 'not-allowed', reason: 'Fixture says no' });
const report = { id: 's1', ms: 36, cause: undefined, again: false };

/** One record of every type (the Record type makes a new record type fail to compile here until it has a line). */
const every: { [T in SessionLogRecordType]: [Extract<SessionLogRecord, { type: T }>, LogLevel, string | RegExp] } = {
  'cannot-connect': [
    { type: 'cannot-connect', problem: { type: 'connect', problem: refused } },
    'error',
    'Cannot connect: Nothing is listening on 127.0.0.1:1.',
  ],
  'connect-failed': [{ type: 'connect-failed', error: new Error('boom') }, 'warn', 'Connect failed: boom'],
  connecting: [{ type: 'connecting', url: 'ws://h/websocket' }, 'info', 'Connecting to ws://h/websocket'],
  'tls-unverified': [{ type: 'tls-unverified' }, 'warn', /verification is OFF/],
  connected: [{ type: 'connected', version: '1', session: 'abc' }, 'info', 'Connected (DDP 1, session abc)'],
  'socket-closed': [{ type: 'socket-closed', code: 1006, reason: 'gone' }, 'warn', 'Socket closed (code 1006, gone)'],
  'reconnect-scheduled': [
    { type: 'reconnect-scheduled', attempt: 2, delay: 1499.6 },
    'info',
    'Reconnect attempt 2 in 1500 ms',
  ],
  'reconnect-now': [{ type: 'reconnect-now' }, 'info', 'Reconnecting now'],
  'version-mismatch': [
    { type: 'version-mismatch', versions: ['1', 'pre2'] },
    'error',
    'DDP version mismatch (tried 1, pre2)',
  ],
  'version-refused': [
    { type: 'version-refused', proposed: 'pre1' },
    'warn',
    'Server refused the DDP version (it proposes pre1)',
  ],
  'protocol-error': [{ type: 'protocol-error', problem: 'bad frame' }, 'warn', 'Protocol error: bad frame'],
  'listener-error': [
    { type: 'listener-error', event: 'added', error: new Error('boom') },
    'error',
    'DDP Explorer failed while handling the event "added" (the connection goes on; please report it): boom',
  ],
  disconnected: [{ type: 'disconnected' }, 'info', 'Disconnected'],
  'options-changed': [
    { type: 'options-changed', source: 'settings' },
    'info',
    'Settings changed: reconnecting with the new options',
  ],
  subscribing: [
    { type: 'subscribing', sub: { name: 'docs', params: ['people'] } },
    'info',
    'Subscribing to docs ["people"]',
  ],
  'subscription-ready': [
    { type: 'subscription-ready', sub: { name: 'big', params: [] }, report },
    'info',
    'Subscription ready: big in 36 ms',
  ],
  'subscription-stopped': [
    { type: 'subscription-stopped', sub: { name: 'denied' }, error: denied },
    'error',
    'Subscription denied stopped by the server: Fixture says no [not-allowed]',
  ],
  unsubscribed: [{ type: 'unsubscribed', sub: { name: 'tasks', params: [] } }, 'info', 'Unsubscribed from tasks'],
  'request-not-sent': [
    {
      type: 'request-not-sent',
      kind: 'method',
      name: 'tasks.remove',
      error: cancelled({ kind: 'method', name: 'tasks.remove', params: [], connection: 'PRODUCTION' }),
    },
    'info',
    'Not sent: call of tasks.remove (not confirmed)',
  ],
  calling: [{ type: 'calling', method: 'math.add', params: [2, 3] }, 'info', 'Calling math.add [2,3]'],
  'call-result': [{ type: 'call-result', method: 'math.add', result: 5, ms: 12 }, 'info', /^math\.add → 5 \(12 ms\)$/],
  'call-error': [
    { type: 'call-error', method: 'fail', error: new DdpError({ error: 'oops', reason: 'Bad thing' }), ms: 3 },
    'error',
    /^fail failed: Bad thing \[oops\] \(3 ms\)$/,
  ],
  'logging-in': [{ type: 'logging-in', user: 'alice' }, 'info', 'Logging in as alice'],
  'login-failed': [
    { type: 'login-failed', error: new DdpError({ error: 403, reason: 'Incorrect password' }) },
    'error',
    'Login failed: Incorrect password [403]',
  ],
  'logged-in': [{ type: 'logged-in', userId: 'u1' }, 'info', 'Logged in as user u1'],
  'logged-out': [{ type: 'logged-out' }, 'info', 'Logged out'],
  'resuming-login': [{ type: 'resuming-login' }, 'info', 'Resuming the saved login'],
  'resume-refused': [
    { type: 'resume-refused', error: new DdpError({ error: 403, reason: 'expired' }) },
    'warn',
    'Saved login refused: expired [403]',
  ],
  'token-not-stored': [
    { type: 'token-not-stored', error: new Error('locked') },
    'warn',
    'Could not store the login token: locked',
  ],
  'id-not-assigned': [
    { type: 'id-not-assigned', error: new Error('read-only') },
    'warn',
    'Could not give the connection an id: read-only',
  ],
};

describe('session log text (sessionLogText.ts)', () => {
  for (const [type, [record, level, text]] of Object.entries(every)) {
    test(`${type}: ${level}`, () => {
      const line = logLine(record);
      assert.equal(line.level, level);
      if (typeof text === 'string') assert.equal(line.text, text);
      else assert.match(line.text, text);
    });
  }

  test('a subscription stopped without an error is an info line', () => {
    assert.deepEqual(logLine({ type: 'subscription-stopped', sub: { name: 'tasks', params: [] } }), {
      level: 'info',
      text: 'Subscription stopped: tasks',
    });
  });

  test('server text stays one line, secrets masked', () => {
    const { text } = logLine({
      type: 'login-failed',
      error: new DdpError({ error: 403, reason: 'no\n[info] forged {"resume":"tok123"}' }),
    });
    assert.doesNotMatch(text, /\n/);
    assert.doesNotMatch(text, /tok123/);
  });

  test('problems as tooltip text', () => {
    assert.equal(problemText({ type: 'socket-closed', code: 1006, reason: '' }), 'code 1006');
    assert.equal(problemText({ type: 'socket-closed', code: 1006, reason: 'ECONNRESET' }), 'ECONNRESET (code 1006)');
    assert.equal(
      problemText({ type: 'invalid-url', error: new TypeError('Unsupported scheme ftp:') }),
      'Unsupported scheme ftp:',
    );
    assert.equal(problemText({ type: 'connect', problem: refused }), 'Nothing is listening on 127.0.0.1:1.');
  });

  test('textLog prefixes each line and frame with the connection name and passes secrets on', () => {
    const lines: string[] = [];
    const secrets: string[] = [];
    const log = textLog({
      info: (m) => lines.push(`info ${m}`),
      warn: (m) => lines.push(`warn ${m}`),
      error: (m) => lines.push(`error ${m}`),
      frame: (l) => lines.push(`frame ${l}`),
      secret: (v) => secrets.push(v),
    });
    log.record('local', { type: 'disconnected' });
    log.record('local', { type: 'socket-closed', code: 1000, reason: '' });
    log.frame('local', '> {"msg":"ping"}');
    log.secret?.('tok');
    assert.deepEqual(lines, [
      'info [local] Disconnected',
      'warn [local] Socket closed (code 1000)',
      'frame [local] > {"msg":"ping"}',
    ]);
    assert.deepEqual(secrets, ['tok']);
  });
});
