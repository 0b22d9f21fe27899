// "__proto__" is data wherever it appears: inside `$`-objects that are not EJSON wire forms (`{"$gt": ...}`), at
// every depth, in added, changed and method results, in $escape, in arrays, in the store's copies, and on the way
// back out (params, "Copy Document as JSON"). Frames are JSON text, so every "__proto__" here is a real own key.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { fromEJSON, toEJSON, stringifyEJSON } from '../../src/ddp';
import { parseFrame } from '../../src/ddp/messages';
import { assertOwnProto, P, SHAPES } from '../support/protoShapes';

describe('hostile-proto: decoding', () => {
  for (const [name, wire, reach] of SHAPES) {
    test(`fromEJSON keeps "__proto__" as data: ${name}`, () => {
      const v = fromEJSON(JSON.parse(wire));
      assertOwnProto(reach(v), name);
      assert.equal(({} as { x?: unknown }).x, undefined);
    });
  }

  test('added, changed and result frames keep "__proto__" inside $-objects as data', () => {
    for (const [name, wire, reach] of SHAPES) {
      const added = parseFrame(`{"msg":"added","collection":"c","id":"i","fields":{"f":${wire}}}`);
      assert.ok(added.ok);
      assertOwnProto(reach((added.message as any).fields.f), `added ${name}`);
      const changed = parseFrame(`{"msg":"changed","collection":"c","id":"i","fields":{"f":${wire}}}`);
      assert.ok(changed.ok);
      assertOwnProto(reach((changed.message as any).fields.f), `changed ${name}`);
      const result = parseFrame(`{"msg":"result","id":"1","result":{"r":${wire}}}`);
      assert.ok(result.ok);
      assertOwnProto(reach((result.message as any).result.r), `result ${name}`);
    }
  });

  test('encoding keeps an own "__proto__" key: params and copied documents are exact', () => {
    const value = fromEJSON(JSON.parse(`{"top":${P},"$gt":${P},"list":[${P}],"when":{"$date":5}}`));
    const wire = toEJSON(value) as any;
    assertOwnProto(wire.top, 'toEJSON top');
    assertOwnProto(wire.$gt, 'toEJSON $gt');
    assertOwnProto(wire.list[0], 'toEJSON array');
    assert.deepEqual(wire.when, { $date: 5 });
    const text = stringifyEJSON(value, 0);
    assert.equal(text, `{"top":${P},"$gt":${P},"list":[${P}],"when":{"$date":5}}`);
    // Wire-form look-alikes are escaped, and round-trip.
    const lookalike = fromEJSON(JSON.parse(`{"$escape":{"$date":${P}}}`));
    assert.equal(JSON.stringify(toEJSON(lookalike)), `{"$escape":{"$date":${P}}}`);
    assertOwnProto((fromEJSON(JSON.parse(JSON.stringify(toEJSON(lookalike)))) as any).$date, 'round trip');
  });
});
