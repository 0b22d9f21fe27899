// Unit tests of the DDP library: frame parsing (src/ddp/messages.ts).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseFrame } from '../../src/ddp/messages';

describe('ddp parseFrame', () => {
  test('valid messages', () => {
    const r = parseFrame('{"msg":"added","collection":"c","id":"1","fields":{"d":{"$date":3}}}');
    assert.ok(r.ok);
    if (r.ok && r.message.msg === 'added') assert.ok(r.message.fields.d instanceof Date);
    const ch = parseFrame('{"msg":"changed","collection":"c","id":"1"}');
    assert.ok(ch.ok && ch.message.msg === 'changed' && ch.message.cleared.length === 0);
  });
  test('ignored: no msg, unknown msg', () => {
    for (const f of ['{"server_id":"0"}', '{"msg":"server_id","server_id":"0"}', '{"msg":"future"}']) {
      const r = parseFrame(f);
      assert.ok(!r.ok && r.ignored, f);
    }
  });
  test('malformed: a problem, never a throw', () => {
    for (const f of ['x', '[]', '1', 'null', '{"msg":1}', '{"msg":"added","id":"1"}', '{"msg":"ready","subs":[1]}']) {
      const r = parseFrame(f);
      assert.ok(!r.ok && !r.ignored && r.problem.length > 0, f);
    }
  });
});
