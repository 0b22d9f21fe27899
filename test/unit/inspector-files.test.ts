// Export and reopen of captures (JSON Lines, secrets masked) and what Resend sends.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Capture } from '../../src/core/capture';
import { parseJsonLines, toJsonLines } from '../../src/core/captureFile';
import { paramsText, replayOf } from '../../src/core/replay';
import { SecretMasker } from '../../src/presentation/masker';
import { parseViewMessage } from '../../src/presentation/inspector/protocol';

describe('inspector capture files', () => {
  it('exports one masked frame a line and reads it back', () => {
    const c = new Capture(10);
    const login =
      '{"msg":"method","id":"1","method":"login","params":[{"user":{"username":"a"},"password":{"digest":"abc123","algorithm":"sha-256"}}]}';
    c.record('out', login, 1000);
    c.record('in', '{"msg":"result","id":"1","result":{"id":"u","token":"tok-secret-1"}}', 1010);
    c.record('in', 'not json at all', 1020);
    const masker = new SecretMasker();
    masker.add('extra-secret-value');
    c.record('in', '{"msg":"changed","collection":"c","id":"1","fields":{"note":"extra-secret-value"}}', 1030);
    const text = toJsonLines(c.ring.range(0), (t) => masker.mask(t));
    assert.equal(text.split('\n').length, 5);
    assert.ok(!text.includes('abc123') && !text.includes('tok-secret-1') && !text.includes('extra-secret-value'), text);
    const back = parseJsonLines(text);
    assert.equal(back.skipped, 0);
    assert.deepEqual(
      back.frames.map((f) => [f.at, f.dir]),
      [
        [1000, 'out'],
        [1010, 'in'],
        [1020, 'in'],
        [1030, 'in'],
      ],
    );
    assert.equal(back.frames[0].bytes, Buffer.byteLength(login), 'size of the exact frame');
    assert.equal(back.frames[2].text, 'not json at all');
    assert.match(back.frames[0].text, /"digest":"\*\*\*"/);
  });

  it('skips and names lines that are not frames, never throws', () => {
    const r = parseJsonLines(
      '{"at":1,"dir":"in","text":"{}"}\n\nnope\n[1]\n{"dir":"sideways","text":""}\n{"dir":"in"}\n{"dir":"out","text":"x","at":"soon","bytes":-1}\r\n',
    );
    assert.equal(r.frames.length, 2);
    assert.equal(r.skipped, 4);
    assert.deepEqual(r.problems, [
      'line 3: not JSON',
      'line 4: not a frame object',
      'line 5: "dir" must be "in" or "out"',
      'line 6: no "text"',
    ]);
    assert.deepEqual(r.frames[1], { at: 0, dir: 'out', bytes: 1, text: 'x' });
  });
});

describe('inspector replay', () => {
  it('reads the method or subscription and its EJSON params from the exact frame', () => {
    const r = replayOf('{"msg":"method","id":"3","method":"math.add","params":[2,{"$date":0}]}');
    assert.equal(r?.kind, 'method');
    assert.equal(r?.name, 'math.add');
    assert.ok(r?.params[1] instanceof Date);
    assert.equal(paramsText(r.params), '[2,{"$date":0}]');
    assert.deepEqual(replayOf('{"msg":"sub","id":"a","name":"tasks"}'), { kind: 'sub', name: 'tasks', params: [] });
  });

  it('anything else cannot be resent', () => {
    for (const t of [
      '{"msg":"result","id":"1"}',
      '{"msg":"method","params":[]}',
      '{"msg":"method","method":"m","params":{}}',
      'x',
      '[]',
    ]) {
      assert.equal(replayOf(t), undefined, t);
    }
  });
});

describe('inspector webview messages', () => {
  it('accepts the known messages and nothing else', () => {
    assert.deepEqual(parseViewMessage({ type: 'resend', seq: 3, edit: true }), { type: 'resend', seq: 3, edit: true });
    assert.deepEqual(parseViewMessage({ type: 'export', seqs: [1, 2] }), { type: 'export', seqs: [1, 2] });
    assert.deepEqual(parseViewMessage({ type: 'export', seqs: null }), { type: 'export', seqs: null });
    for (const bad of [
      null,
      1,
      {},
      { type: 'copy' },
      { type: 'copy', seq: -1 },
      { type: 'resend', seq: 1 },
      { type: 'export', seqs: ['1'] },
      { type: 'eval' },
    ]) {
      assert.equal(parseViewMessage(bad), undefined, JSON.stringify(bad));
    }
  });
});
