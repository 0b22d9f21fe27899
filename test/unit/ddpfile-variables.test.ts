// Variables and assertions of .ddp files: every source of a value, text vs EJSON insertion, and every subject and
// operator of `> expect`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDdp } from '../../src/core/ddpFile/parser';
import { Resolver, fileVariables, knownReference, type RequestResult } from '../../src/core/ddpFile/variables';
import { environmentVariables, parseEnvironments } from '../../src/core/ddpFile/environments';
import { dotenvFor } from '../../src/core/ddpFile/dotenv';
import { evaluate, type Collections, type Outcome } from '../../src/core/ddpFile/assertions';
import { parseAssertion } from '../../src/core/ddpFile/parser';

function resolver(
  opts: {
    file?: string;
    env?: Record<string, unknown>;
    dotenv?: Record<string, string>;
    results?: Map<string, RequestResult>;
  } = {},
) {
  const file = parseDdp(opts.file ?? '');
  return new Resolver({
    file: fileVariables(file),
    environment: opts.env ?? {},
    dotenv: (n) => opts.dotenv?.[n],
    processEnv: (n) => (n === 'DDP_TEST_VAR' ? 'from-process' : undefined),
    results: opts.results ?? new Map(),
    now: () => 1_700_000_000_000,
  });
}

describe('.ddp variables', () => {
  it('file variables, with references inside them; a string variable outside a JSON string becomes a JSON string', () => {
    const r = resolver({ file: '@host = 127.0.0.1\n@url = ws://{{host}}:3000/websocket\n@n = 5\n@user = demo' });
    assert.equal(r.fill('{{url}}', false), 'ws://127.0.0.1:3000/websocket');
    assert.equal(r.fill('[{{n}}, {{user}}, "{{user}}-{{n}}"]', true), '[5, "demo", "demo-5"]');
  });

  it('inside a JSON string a value is inserted as escaped text, outside as EJSON', () => {
    const results = new Map<string, RequestResult>([
      ['add', { result: 5, duration: 12 }],
      ['now', { result: new Date(0), duration: 1 }],
      ['q', { result: { text: 'say "hi"\n' }, duration: 1 }],
    ]);
    const r = resolver({ results });
    assert.equal(
      r.fill('[{{add.result}}, "{{add.result}}", {{now.result}}, "{{q.result.text}}", {{q.result}}]', true),
      '[5, "5", {"$date":0}, "say \\"hi\\"\\n", {"text":"say \\"hi\\"\\n"}]',
    );
    assert.deepEqual(JSON.parse(r.fill('["{{q.result.text}}"]', true)), ['say "hi"\n']);
  });

  it('earlier results by path: .key, [i], error fields and duration; a request not yet run is named', () => {
    const results = new Map<string, RequestResult>([
      ['echo', { result: [{ id: 'a' }, { id: 'b' }], duration: 7 }],
      ['bad', { error: { error: 'demo-failure', reason: 'nope' }, duration: 3 }],
    ]);
    const file = '# @name later\nLOGOUT';
    const r = resolver({ results, file });
    assert.equal(r.fill('{{echo.result[1].id}} {{bad.error.reason}} {{echo.duration}}', false), 'b nope 7');
    assert.throws(() => r.fill('{{later.result}}', false), /request "later" has not run yet/);
    assert.throws(() => r.fill('{{nothing}}', false), /Unknown variable "\{\{nothing\}\}"/);
  });

  it('the selected environment overrides $shared and the file; typed values stay typed', () => {
    const envs = parseEnvironments({
      $shared: { user: 'shared', n: 1 },
      local: { url: 'ws://local', n: 2, obj: { a: [1] } },
      bad: 3,
    });
    assert.deepEqual(envs.problems, ['Environment "bad" must be an object of variables']);
    const env = environmentVariables(envs, 'local');
    const r = resolver({ file: '@url = ws://file\n@user = fileuser', env });
    assert.equal(r.fill('{{url}} {{user}}', false), 'ws://local shared');
    assert.equal(r.fill('[{{n}}, {{obj}}, {{obj.a[0]}}]', true), '[2, {"a":[1]}, 1]');
    assert.deepEqual({ ...environmentVariables(envs, undefined) }, { user: 'shared', n: 1 });
  });

  it('$dotenv (beside the file first, then the workspace root), $processEnv, $guid, $timestamp, $randomInt', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ddp-env-'));
    try {
      fs.mkdirSync(path.join(root, 'sub'));
      fs.writeFileSync(path.join(root, '.env'), 'A=root-a\nB=root-b\n');
      fs.writeFileSync(path.join(root, 'sub', '.env'), 'A="beside a"\n');
      const dotenv = dotenvFor(path.join(root, 'sub', 'x.ddp'), root);
      assert.equal(dotenv('A'), 'beside a');
      assert.equal(dotenv('B'), 'root-b');
      assert.equal(dotenv('C'), undefined);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
    const r = resolver({ dotenv: { PW: 'p"w' } });
    assert.equal(r.fill('{{$dotenv PW}}', false), 'p"w');
    assert.equal(r.fill('["{{$dotenv PW}}"]', true), '["p\\"w"]');
    assert.equal(r.fill('{{$processEnv DDP_TEST_VAR}}', false), 'from-process');
    assert.throws(
      () => r.fill('{{$processEnv NOPE_NOT_SET}}', false),
      /Environment variable "NOPE_NOT_SET" is not set/,
    );
    assert.throws(() => r.fill('{{$dotenv NOPE}}', false), /"NOPE" is not set in a \.env file/);
    assert.match(r.fill('{{$guid}}', false), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(r.fill('[{{$timestamp}}]', true), '[1700000000000]');
    for (let i = 0; i < 50; i++) {
      const n = Number(r.fill('{{$randomInt 3 5}}', false));
      assert.ok(n === 3 || n === 4, String(n));
    }
    assert.throws(() => r.fill('{{$randomInt 5 3}}', false), /min < max/);
    assert.throws(() => r.fill('{{$nope}}', false), /Unknown dynamic variable/);
  });

  it('a variable that refers to itself is an error, not a hang', () => {
    const r = resolver({ file: '@a = {{b}}\n@b = x{{a}}' });
    assert.throws(() => r.fill('{{a}}', false), /refers to itself/);
  });

  it('knownReference: what diagnostics call unknown', () => {
    const file = parseDdp('@v = 1\n# @name add\nCALL math.add [1, 2]');
    assert.ok(knownReference('v', file, {}));
    assert.ok(knownReference('add.result[0]', file, {}));
    assert.ok(knownReference('url', file, { url: 'x' }));
    assert.ok(knownReference('$dotenv X', file, {}));
    assert.ok(!knownReference('nope', file, {}));
    assert.ok(!knownReference('nope.result', file, {}));
    assert.ok(!knownReference('$nope', file, {}));
  });
});

describe('.ddp assertions', () => {
  const collections: Collections = new Map([
    [
      'tasks',
      new Map([
        ['task-1', { title: 'Write the release notes', owner: { name: 'grace' }, createdAt: new Date(5) }],
        ['task-2', { title: 'b' }],
      ]),
    ],
  ]);
  const check = (text: string, outcome: Outcome, r = resolver()) => {
    const a = parseAssertion(text, 1);
    assert.ok(!('message' in a), 'message' in a ? a.message : '');
    return evaluate(a, outcome, collections, r);
  };
  const ok = { result: { id: 'u1', n: 5, list: [1, { a: 2 }], text: 'Hello world', when: new Date(10) }, duration: 40 };
  const failed = {
    error: { error: 'demo-failure', reason: 'This method always fails (on purpose)', details: 'x' },
    duration: 3,
  };

  it('every operator passes when it should and fails when it should', () => {
    const cases: Array<[string, Outcome, boolean]> = [
      ['result.n == 5', ok, true],
      ['result.n == 6', ok, false],
      ['result.n != 6', ok, true],
      ['result.n != 5', ok, false],
      ['result.n < 6', ok, true],
      ['result.n < 5', ok, false],
      ['result.n <= 5', ok, true],
      ['result.n > 5', ok, false],
      ['result.n >= 5', ok, true],
      ['result.text > "Hello"', ok, true],
      ['result.when < {"$date": 11}', ok, true],
      ['result.when == {"$date": 10}', ok, true],
      ['result.when > {"$date": 11}', ok, false],
      ['result.n < "6"', ok, false],
      ['result.id exists', ok, true],
      ['result.nope exists', ok, false],
      ['result.nope not exists', ok, true],
      ['result.id not exists', ok, false],
      ['result.text contains "world"', ok, true],
      ['result.text contains "planet"', ok, false],
      ['result.list contains 1', ok, true],
      ['result.list contains {"a": 2}', ok, true],
      ['result.list contains 3', ok, false],
      ['result contains "id"', ok, true],
      ['result contains {"n": 5}', ok, true],
      ['result contains {"n": 4}', ok, false],
      ['result.text matches /^hello/i', ok, true],
      ['result.text matches /^world/', ok, false],
      ['result.list[1].a == 2', ok, true],
      ['result.list == [1, {"a": 2}]', ok, true],
      ['duration < 1000', ok, true],
      ['duration < 10', ok, false],
      ['error not exists', ok, true],
      ['error.error == "demo-failure"', failed, true],
      ['error.reason contains "always fails"', failed, true],
      ['error.details == "y"', failed, false],
      ['ready', { duration: 1, ready: true }, true],
      ['ready', { duration: 1, ready: false }, false],
      ['ready == false', { duration: 1, ready: false }, true],
      ['collection tasks count == 2', ok, true],
      ['collection tasks count >= 3', ok, false],
      ['collection nothing count == 0', ok, true],
      ['collection tasks doc task-1.owner.name == "grace"', ok, true],
      ['collection tasks doc "task-1"._id == "task-1"', ok, true],
      ['collection tasks doc task-1.createdAt == {"$date": 5}', ok, true],
      ['collection tasks doc task-9 not exists', ok, true],
      ['collection tasks doc task-2 exists', ok, true],
    ];
    for (const [text, outcome, pass] of cases) assert.equal(check(text, outcome).pass, pass, text);
  });

  it('a failure shows expected and actual', () => {
    const o = check('result.n == 6', ok);
    assert.deepEqual(
      { expected: o.expected, actual: o.actual, text: o.text, line: o.line },
      { expected: '6', actual: '5', text: 'result.n == 6', line: 1 },
    );
    const lt = check('duration < 10', ok);
    assert.deepEqual({ expected: lt.expected, actual: lt.actual }, { expected: '< 10', actual: '40' });
    const cmp = check('result.n < "6"', ok);
    assert.match(cmp.message ?? '', /cannot compare a number with a string/);
  });

  it('expected values may use variables; an unknown one fails the assertion with the reason', () => {
    const r = resolver({ results: new Map([['login', { result: { id: 'u1' }, duration: 1 }]]) });
    assert.equal(check('result.id == "{{login.result.id}}"', ok, r).pass, true);
    assert.equal(check('collection tasks doc {{first}} exists', ok, resolver({ env: { first: 'task-1' } })).pass, true);
    const bad = check('result.id == {{nope}}', ok, r);
    assert.equal(bad.pass, false);
    assert.match(bad.message ?? '', /Unknown variable/);
  });
});
