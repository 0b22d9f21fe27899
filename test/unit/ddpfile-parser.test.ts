// The .ddp parser: every construct of the language, problems with their line numbers, and print/parse round trips.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDdp } from '../../src/core/ddpFile/parser';
import { printDdp } from '../../src/core/ddpFile/printer';
import { withoutLines } from './ddpfile-helpers';

const EXAMPLE = `# A comment (also //). File variables:
@url = ws://127.0.0.1:3000/websocket
@user = demo

CONNECT {{url}}

### Add two numbers
# @name add
CALL math.add [2, 3]
> expect result == 5
> expect duration < 2000

### Log in
// @name login
LOGIN {{user}} {{$dotenv DEMO_PASSWORD}}
> expect result.id exists

### Subscribe
# @name tasks
SUBSCRIBE tasks []
> expect ready
> expect collection tasks count >= 1
> expect collection tasks doc task-1.owner["name"] == "grace"

### Use earlier results
CALL echo [
  {{add.result}},
  "{{login.result.id}}"
]
> expect result[0] == 5
> expect result[1] matches /^demo-/i

### Errors are results too
CALL fail
> expect error.error == "demo-failure"
> expect error.details not exists

UNSUBSCRIBE tasks
WAIT 10
LOGOUT
`;

describe('.ddp parser', () => {
  it('reads variables, CONNECT, titles, names, commands, multi-line params and assertions', () => {
    const f = parseDdp(EXAMPLE);
    assert.deepEqual(f.problems, []);
    assert.deepEqual(f.variables, [
      { name: 'url', value: 'ws://127.0.0.1:3000/websocket', line: 2 },
      { name: 'user', value: 'demo', line: 3 },
    ]);
    assert.deepEqual(f.connect, { url: '{{url}}', line: 5 });
    assert.equal(f.requests.length, 8);
    const [add, login, tasks, echo, fail, unsub, wait, logout] = f.requests;
    assert.deepEqual(
      {
        title: add.title,
        name: add.name,
        line: add.line,
        commandLine: add.commandLine,
        endLine: add.endLine,
        command: add.command,
      },
      {
        title: 'Add two numbers',
        name: 'add',
        line: 7,
        commandLine: 9,
        endLine: 11,
        command: { kind: 'call', method: 'math.add', params: '[2, 3]' },
      },
    );
    assert.deepEqual(add.assertions, [
      { line: 10, subject: { kind: 'result', path: [] }, check: { op: '==', value: '5' } },
      { line: 11, subject: { kind: 'duration' }, check: { op: '<', value: '2000' } },
    ]);
    assert.equal(login.name, 'login');
    assert.deepEqual(login.command, { kind: 'login', user: '{{user}}', password: '{{$dotenv DEMO_PASSWORD}}' });
    assert.deepEqual(login.assertions[0].subject, { kind: 'result', path: [{ kind: 'key', key: 'id' }] });
    assert.deepEqual(login.assertions[0].check, { op: 'exists' });
    assert.deepEqual(tasks.command, { kind: 'subscribe', name: 'tasks', params: '[]' });
    assert.deepEqual(
      tasks.assertions.map((a) => a.subject),
      [
        { kind: 'ready' },
        { kind: 'collectionCount', collection: 'tasks' },
        {
          kind: 'collectionDoc',
          collection: 'tasks',
          id: 'task-1',
          path: [
            { kind: 'key', key: 'owner' },
            { kind: 'key', key: 'name' },
          ],
        },
      ],
    );
    assert.deepEqual(tasks.assertions[0].check, { op: 'truthy' });
    assert.deepEqual(echo.command, {
      kind: 'call',
      method: 'echo',
      params: '[\n  {{add.result}},\n  "{{login.result.id}}"\n]',
    });
    assert.equal(echo.endLine, 31);
    assert.deepEqual(echo.assertions[0].subject, { kind: 'result', path: [{ kind: 'index', index: 0 }] });
    assert.deepEqual(echo.assertions[1].check, { op: 'matches', source: '^demo-', flags: 'i' });
    assert.deepEqual(fail.command, { kind: 'call', method: 'fail', params: undefined });
    assert.deepEqual(fail.assertions[1].check, { op: 'not exists' });
    assert.deepEqual(unsub.command, { kind: 'unsubscribe', name: 'tasks' });
    assert.equal(unsub.title, undefined);
    assert.deepEqual(wait.command, { kind: 'wait', ms: '10' });
    assert.deepEqual(logout.command, { kind: 'logout' });
  });

  it('reports each problem with its line number and keeps parsing', () => {
    const f = parseDdp(
      [
        '@ok = 1', // 1
        '@bad name = 2', // 2
        '> expect result == 1', // 3: before any request
        'CALL', // 4
        'CALL echo [1,', // 5
        '  2,,', // 6: the bad token is here
        ']', // 7
        '> expect result === 3', // 8
        '> expect nothing == 1', // 9
        '> expect result', // 10
        '> expect result == {bad}', // 11
        '> expect result matches /(/', // 12
        'LOGIN onlyuser', // 13
        'WAIT soon', // 14
        'CONNECT ws://a', // 15
        'CONNECT ws://b', // 16
        'what is this', // 17
        '# @name 9lives', // 18
        'LOGOUT now', // 19
        '> hello', // 20
      ].join('\n'),
    );
    assert.deepEqual(
      f.problems.map((p) => p.line),
      [2, 3, 4, 6, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19, 20],
    );
    assert.match(f.problems.find((p) => p.line === 6)!.message, /Invalid EJSON params/);
    assert.match(
      f.problems.find((p) => p.line === 16)!.message,
      /Only one CONNECT per file \(the first is on line 15\)/,
    );
    assert.match(f.problems.find((p) => p.line === 17)!.message, /Unexpected line/);
    assert.match(f.problems.find((p) => p.line === 9)!.message, /Unknown subject "nothing"/);
  });

  it('params continue until a blank line, an assertion or ###; a variable inside them is not an error', () => {
    const f = parseDdp('CALL a {"x":\n  "{{v}}", "n": {{n}}}\n\nCALL b\n[1]\n### t\nCALL c [1]');
    assert.deepEqual(f.problems, []);
    assert.deepEqual(
      f.requests.map((r) => r.command),
      [
        { kind: 'call', method: 'a', params: '{"x":\n  "{{v}}", "n": {{n}}}' },
        { kind: 'call', method: 'b', params: '[1]' },
        { kind: 'call', method: 'c', params: '[1]' },
      ],
    );
    assert.equal(f.requests[2].title, 't');
  });

  it('a blank line ends params: what follows is not glued onto them', () => {
    const f = parseDdp('CALL a [1,\n\n2]');
    assert.deepEqual(
      f.problems.map((p) => p.line),
      [1, 3],
    );
  });

  it('keywords are case-insensitive; CRLF line ends are fine', () => {
    const f = parseDdp('call math.add [1, 2]\r\n> expect result == 3\r\n');
    assert.deepEqual(f.problems, []);
    assert.equal(f.requests[0].command.kind, 'call');
    assert.equal(f.requests[0].assertions.length, 1);
  });

  it('a request name used twice is a problem', () => {
    const f = parseDdp('# @name a\nLOGOUT\n# @name a\nLOGOUT');
    assert.deepEqual(
      f.problems.map((p) => p.line),
      [3],
    );
  });

  it('quoted document ids and quoted path keys', () => {
    const f = parseDdp('CALL x\n> expect collection c doc "a.b c"["k.1"][2] == 1');
    assert.deepEqual(f.problems, []);
    assert.deepEqual(f.requests[0].assertions[0].subject, {
      kind: 'collectionDoc',
      collection: 'c',
      id: '"a.b c"',
      path: [
        { kind: 'key', key: 'k.1' },
        { kind: 'index', index: 2 },
      ],
    });
  });

  it('printing the example and parsing it again gives the same requests', () => {
    const f = parseDdp(EXAMPLE);
    const again = parseDdp(printDdp(f));
    assert.deepEqual(again.problems, []);
    assert.deepEqual(withoutLines(again), withoutLines(f));
  });
});
