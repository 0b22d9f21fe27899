// The VS Code-free parts of .ddp editing and reporting: Meteor names for completions, the response view's text,
// and the CLI's escaping of server text.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { meteorNames } from '../../src/core/ddpFile/meteorNames';
import { parseDdp } from '../../src/core/ddpFile/parser';
import type { RequestReport, FileReport } from '../../src/core/ddpFile/runner';
import { responseText, DOCS_SHOWN } from '../../src/presentation/ddpFile/responseText';
import { safe, xml } from '../../src/cli/reporters';

describe('Meteor names for completions', () => {
  it('reads Meteor.methods keys (quoted, async, shorthand, function values), ValidatedMethod names and publications', () => {
    const source = `
      Meteor.methods({
        'tasks.add'(title) { if (title) { return { nested: 1, 'inner.key': 2 }; } },
        remove: function (id) { const o = { alsoInner: 1 }; },
        async 'tasks.setChecked'(id, checked) {},
        // 'commented.out'() {},
        "dq.name": async () => {},
        plain(a, b) { return [a, b].map((x) => ({ x })); },
      });
      export const insert = new ValidatedMethod({ name: 'lists.insert', validate: null, run() {} });
      Meteor.publish('tasks', function () { return Tasks.find(); });
      Meteor.publish("lists.public", () => Lists.find());
    `;
    const names = meteorNames(source);
    assert.deepEqual(names.methods.sort(), [
      'dq.name',
      'lists.insert',
      'plain',
      'remove',
      'tasks.add',
      'tasks.setChecked',
    ]);
    assert.deepEqual(names.publications.sort(), ['lists.public', 'tasks']);
  });
});

function report(over: Partial<RequestReport>, text = 'CALL x'): RequestReport {
  const request = parseDdp(text).requests[0];
  return { index: 0, request, label: 'x', status: 'passed', assertions: [], secrets: [], ...over };
}

describe('the response view text', () => {
  it('shows what was sent, the result, the duration and each assertion with expected and actual', () => {
    const r = report(
      {
        status: 'failed',
        sent: 'CALL math.add [2,2]',
        outcome: { result: 4, duration: 12 },
        assertions: [
          { line: 4, text: 'result == 5', pass: false, expected: '5', actual: '4' },
          { line: 5, text: 'duration < 100', pass: true, expected: '< 100', actual: '12' },
        ],
      },
      '### Add\nCALL math.add [2, 2]\n> expect result == 5',
    );
    const text = responseText({ url: 'ws://h/websocket', requests: [r] }, { file: 'a.ddp' });
    assert.equal(
      text,
      [
        'a.ddp → ws://h/websocket',
        '0 passed, 1 failed',
        '',
        '### Add    (a.ddp:1)',
        'CALL math.add [2,2]',
        'FAILED · 12 ms',
        '',
        'Result:',
        '4',
        '',
        'Assertions:',
        '  ✗ result == 5    (line 4)',
        '      expected: 5',
        '      actual:   4',
        '  ✓ duration < 100    (line 5)',
        '',
      ].join('\n'),
    );
  });

  it('server text cannot forge lines or hide text: controls and bidi overrides are shown as escapes', () => {
    const r = report({
      status: 'failed',
      failure: 'bad\u202eevil\u001b[2J [x]',
      outcome: { error: { error: 'e', reason: 'a\u202eb' }, duration: 1 },
    });
    const text = responseText({ requests: [r] }, { file: 'a.ddp' });
    assert.match(text, /Failure: bad\\u202eevil\\u001b\[2J \[x\]/);
    assert.ok(!/[\u0000-\u0009\u000b-\u001f\u202e]/.test(text), text);
  });

  it('masks the secrets of a run wherever they appear', () => {
    const token = 'tok-0123456789abcdef';
    const r = report(
      {
        sent: 'LOGIN demo ***',
        outcome: { result: { id: 'u', token, note: 'pw was hunter22!' }, duration: 1 },
        secrets: ['hunter22!', token],
      },
      'LOGIN demo {{pw}}',
    );
    const text = responseText({ requests: [r] }, { file: 'a.ddp' });
    assert.ok(!text.includes(token) && !text.includes('hunter22!'), text);
  });

  it('shows at most DOCS_SHOWN documents of each filled collection, and counts the rest', () => {
    const docs = new Map<string, Record<string, unknown>>();
    for (let i = 0; i < DOCS_SHOWN + 5; i++) docs.set(`d${i}`, { n: i });
    const r = report(
      { outcome: { result: 'sub1', ready: true, duration: 3 }, collections: [{ name: 'big', count: docs.size }] },
      'SUBSCRIBE big',
    );
    const file: FileReport = { requests: [r] };
    const text = responseText(file, { file: 'a.ddp', collections: new Map([['big', docs]]) });
    assert.match(text, /Subscription ready \(id sub1\)/);
    assert.match(text, /big: 25 documents/);
    assert.equal((text.match(/"_id": "d\d+"/g) ?? []).length, DOCS_SHOWN);
    assert.match(text, /… 5 more \(see the DDP view\)/);
  });
});

describe('CLI output of server text', () => {
  it('escapes control characters (no ANSI sequences reach the terminal) and makes XML safe', () => {
    assert.equal(safe('a\u001b[31mred\u0007\u202e\nb ws://u:p@h'), 'a\\u001b[31mred\\u0007\\u202e\nb ws://***@h');
    assert.equal(xml('<a href="x">&\u0000\u001b'), '&lt;a href=&quot;x&quot;&gt;&amp;\ufffd\ufffd');
  });
});
