// `.ddp` assertions with a selector: `> expect collection tasks where {done: true} count == 2`, through the same
// query module as the tree (src/core/query).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAssertion, parseDdp } from '../../src/core/ddpFile/parser';
import { printAssertion } from '../../src/core/ddpFile/printer';
import { evaluate, type Collections } from '../../src/core/ddpFile/assertions';
import { Resolver, fileVariables, type RequestResult } from '../../src/core/ddpFile/variables';

const collections: Collections = new Map([
  [
    'tasks',
    new Map<string, Record<string, unknown>>([
      ['task-1', { done: true, priority: 1, title: 'a count b', createdAt: new Date('2026-01-01T09:00:00Z') }],
      ['task-2', { done: false, priority: 2, title: 'b', createdAt: new Date('2026-01-01T10:00:00Z') }],
      ['task-3', { done: true, priority: 3, title: 'c', createdAt: new Date('2026-01-01T11:00:00Z') }],
    ]),
  ],
]);

function resolver(file = '', results = new Map<string, RequestResult>()) {
  return new Resolver({
    file: fileVariables(parseDdp(file)),
    environment: {},
    dotenv: () => undefined,
    processEnv: () => undefined,
    results,
  });
}

function run(text: string, r = resolver()) {
  const a = parseAssertion(text, 1);
  if ('message' in a) throw new Error(a.message);
  return evaluate(a, { duration: 1 }, collections, r);
}

describe('.ddp: collection <name> where <selector> count', () => {
  it('counts the documents the selector matches, with JSON5 keys and EJSON dates', () => {
    assert.equal(run('collection tasks where {done: true} count == 2').pass, true);
    assert.equal(run('collection tasks where { done: false, priority: { $gte: 2 } } count == 1').pass, true);
    assert.equal(run('collection tasks where {"done": true} count == 3').pass, false);
    assert.equal(
      run('collection tasks where {createdAt: {$gte: {$date: "2026-01-01T10:00:00Z"}}} count == 2').pass,
      true,
    );
    assert.equal(run("collection tasks where {title: 'a count b'} count == 1").pass, true, '"count" inside a string');
    assert.equal(run('collection nothing where {} count == 0').pass, true);
    const failed = run('collection tasks where {done: true} count == 5');
    assert.equal(failed.actual, '2');
  });

  it('a selector can use variables and earlier results', () => {
    const results = new Map<string, RequestResult>([['p', { result: { min: 2 }, duration: 1 }]]);
    const r = resolver('@state = true', results);
    assert.equal(
      run('collection tasks where {done: {{state}}, priority: {$gte: {{p.result.min}}}} count == 1', r).pass,
      true,
    );
  });

  it('prints back as written and parses again', () => {
    const text = '> expect collection tasks where { done: true } count >= 1';
    const a = parseAssertion(text.replace(/^> expect /, ''), 3);
    assert.ok(!('message' in a));
    assert.deepEqual(a.subject, { kind: 'collectionCount', collection: 'tasks', where: '{ done: true }' });
    assert.equal(printAssertion(a), text);
    const plain = parseAssertion('collection tasks count == 3', 1);
    assert.ok(!('message' in plain));
    assert.deepEqual(plain.subject, { kind: 'collectionCount', collection: 'tasks' }, 'no where key without where');
  });

  it('an invalid selector is a syntax problem of the file, with the library message', () => {
    const cases: Array<[string, RegExp]> = [
      ['collection tasks where {a: {$foo: 1}} count == 1', /unknown query operator \$foo/],
      ['collection tasks where {done: } count == 1', /Invalid selector: invalid character/],
      ['collection tasks where {done: true} == 1', /Expected "count" after the selector/],
      ['collection tasks where {}, {sort: {a: 1}} count == 1', /where takes a selector only/],
    ];
    for (const [text, re] of cases) {
      const a = parseAssertion(text, 1);
      assert.ok('message' in a, text);
      assert.match(a.message, re, text);
    }
    const file = parseDdp(
      'CONNECT ws://x\nSUBSCRIBE tasks\n> expect collection tasks where {a: {$foo: 1}} count == 1\n',
    );
    assert.equal(file.problems.length, 1);
    assert.equal(file.problems[0].line, 3);
  });
});
