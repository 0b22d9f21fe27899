// Property tests of the .ddp parser (fast-check): any file the printer writes parses back to the same requests,
// and no text at all makes the parser throw or report a line outside the file. The seed is fixed unless FC_SEED
// is set; a failure prints it (FC_SEED=<seed> node --import tsx --test test/unit/ddpfile-properties.test.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDdp } from '../../src/core/ddpFile/parser';
import { printDdp } from '../../src/core/ddpFile/printer';
import type { Assertion, Check, Command, DdpFile, PathStep, Request, Subject } from '../../src/core/ddpFile/ast';
import { withoutLines } from './ddpfile-helpers';

const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20_261_130;
const params = (numRuns: number) => ({ seed: SEED, numRuns });

const name = fc.stringMatching(/^[A-Za-z_][\w-]{0,8}$/);
const bareWord = fc.stringMatching(/^[A-Za-z_][\w.:/-]{0,12}$/);
const variableRef = name.map((n) => `{{${n}}}`);
const dynamicRef = fc.constantFrom('{{$guid}}', '{{$timestamp}}', '{{$dotenv DEMO_PASSWORD}}', '{{$randomInt 1 10}}');
const quoted = fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s));
const word = fc.oneof(bareWord, variableRef, dynamicRef, quoted);
const oneLine = fc.string({ maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, ' ').trim());

/** EJSON text as people write it: compact or pretty (over several lines), sometimes with a variable in it. */
const ejsonText = fc
  .tuple(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom(0, 2),
    fc.option(fc.oneof(variableRef, dynamicRef), { nil: undefined }),
    fc.boolean(),
  )
  .map(([value, indent, ref, inString]) => {
    const items: unknown[] = Array.isArray(value) ? value : [value];
    let text = JSON.stringify(items, null, indent);
    if (ref)
      text = inString
        ? text.replace(/^\[/, `["${ref}"${items.length ? ',' : ''}`)
        : text.replace(/^\[/, `[${ref}${items.length ? ',' : ''}`);
    return text;
  });
const valueText = fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v));

const path: fc.Arbitrary<PathStep[]> = fc.array(
  fc.oneof(
    fc.string({ maxLength: 8 }).map((key): PathStep => ({ kind: 'key', key })),
    fc.nat({ max: 99 }).map((index): PathStep => ({ kind: 'index', index })),
  ),
  { maxLength: 3 },
);
const docId = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,10}$/), quoted);

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('call' as const), method: bareWord, params: fc.option(ejsonText, { nil: undefined }) }),
  fc.record({
    kind: fc.constant('subscribe' as const),
    name: bareWord,
    params: fc.option(ejsonText, { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('unsubscribe' as const), name: word }),
  fc.record({ kind: fc.constant('login' as const), user: word, password: word }),
  fc.constant({ kind: 'logout' as const }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.oneof(fc.nat().map(String), variableRef) }),
);

const subject: fc.Arbitrary<Subject> = fc.oneof(
  fc.record({ kind: fc.constant('result' as const), path }),
  fc.record({ kind: fc.constant('error' as const), path }),
  fc.constant({ kind: 'duration' as const }),
  fc.constant({ kind: 'ready' as const }),
  fc.record({ kind: fc.constant('collectionCount' as const), collection: bareWord }),
  fc.record({ kind: fc.constant('collectionDoc' as const), collection: bareWord, id: docId, path }),
);

const check: fc.Arbitrary<Check> = fc.oneof(
  fc.record({
    op: fc.constantFrom('==', '!=', '<', '<=', '>', '>=' as const),
    value: fc.oneof(valueText, variableRef),
  }),
  fc.constant({ op: 'exists' as const }),
  fc.constant({ op: 'not exists' as const }),
  fc.record({ op: fc.constant('contains' as const), value: valueText }),
  fc.record({
    op: fc.constant('matches' as const),
    source: fc.stringMatching(/^[a-z0-9^$.*+ /-]{1,10}$/).filter((s) => s.trim() === s && isRegExp(s)),
    flags: fc.constantFrom('', 'i', 'gm'),
  }),
);

function isRegExp(s: string): boolean {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}

const assertion: fc.Arbitrary<Assertion> = fc.oneof(
  fc.record({ line: fc.constant(0), subject, check }),
  fc.constant({ line: 0, subject: { kind: 'ready' as const }, check: { op: 'truthy' as const } }),
);

const request: fc.Arbitrary<Request> = fc.record({
  title: fc.option(
    oneLine.filter((t) => t !== ''),
    { nil: undefined },
  ),
  name: fc.option(name, { nil: undefined }),
  line: fc.constant(0),
  commandLine: fc.constant(0),
  endLine: fc.constant(0),
  command,
  assertions: fc.array(assertion, { maxLength: 4 }),
});

const file: fc.Arbitrary<DdpFile> = fc
  .record({
    variables: fc.uniqueArray(fc.record({ name, value: oneLine, line: fc.constant(0) }), {
      selector: (v) => v.name,
      maxLength: 4,
    }),
    connect: fc.option(fc.record({ url: fc.oneof(variableRef, fc.webUrl()), line: fc.constant(0) }), {
      nil: undefined,
    }),
    requests: fc.array(request, { maxLength: 6 }),
    problems: fc.constant([] as DdpFile['problems']),
  })
  .map((f) => {
    // Request names are unique within a file.
    const seen = new Set<string>();
    for (const r of f.requests) {
      if (r.name && seen.has(r.name)) r.name = undefined;
      if (r.name) seen.add(r.name);
    }
    return f;
  });

describe('.ddp parser properties', () => {
  it('printing a file and parsing it again gives the same file, without problems', () => {
    fc.assert(
      fc.property(file, (f) => {
        const text = printDdp(f);
        const again = parseDdp(text);
        assert.deepEqual(again.problems, [], text);
        assert.deepEqual(withoutLines(again), withoutLines(f));
      }),
      params(1500),
    );
  });

  it('printing twice is stable: print(parse(print(f))) == print(f)', () => {
    fc.assert(
      fc.property(file, (f) => {
        const text = printDdp(f);
        assert.equal(printDdp(parseDdp(text)), text);
      }),
      params(500),
    );
  });

  it('any text parses without throwing, and every problem points at a line of the file', () => {
    const lineish = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom(
        '###',
        '# @name x',
        'CALL a [1,',
        'CALL',
        '> expect',
        '> expect result ==',
        '@x =',
        'CONNECT',
        '}',
        '',
      ),
    );
    fc.assert(
      fc.property(fc.array(lineish, { maxLength: 30 }), (lines) => {
        const text = lines.join('\n');
        const f = parseDdp(text);
        const count = text.split(/\r?\n/).length;
        for (const p of f.problems) assert.ok(p.line >= 1 && p.line <= count, `line ${p.line} of ${count}`);
        for (const r of f.requests)
          assert.ok(r.line <= r.commandLine && r.commandLine <= r.endLine && r.endLine <= count);
      }),
      params(3000),
    );
  });
});
