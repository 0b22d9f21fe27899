// Hostile input, property-tested with fast-check: random and mutated DDP frames, parsed and decoded without a
// socket (the live-client half is test/integration/hostile-frames.test.ts).
// - no exception escapes (parser, client, listeners' view of the store);
// - frames that are invalid never change the store, and later valid frames still apply;
// - for every valid sequence, the client's store equals a simple model (contents and server order), and the
//   client's events alone rebuild the same data set;
// - no prototype is ever touched, with `__proto__`, `constructor`, `prototype`, ... as collection names,
//   ids and field names (also nested and inside EJSON).
// Every run sends at least 10,000 frames. The seed is fixed (deterministic) unless FC_SEED is set, and is
// printed on failure: FC_SEED=<seed> node --import tsx --test test/unit/hostile-frames.test.ts

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fromEJSON } from '../../src/ddp';
import { parseFrame } from '../../src/ddp/messages';
import {
  assertPrototypesUntouched,
  canon,
  keyArb,
  hostileArb,
  fcParams,
  assertProperty,
} from '../support/hostileFrames';

const T = { timeout: 120_000 };

describe('hostile-frames: random and mutated frames from the server', () => {
  test('the frame parser never throws on random text, random JSON and mutated frames (30,000 frames)', T, async () => {
    let frames = 0;
    const anyText = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.string({ maxLength: 60, unit: 'binary' }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      hostileArb(),
      fc
        .tuple(
          fc.constantFrom(
            'added',
            'changed',
            'removed',
            'addedBefore',
            'movedBefore',
            'ready',
            'nosub',
            'result',
            'updated',
            'error',
            'ping',
            'pong',
            'connected',
            'failed',
          ),
          fc.dictionary(
            fc.oneof(
              keyArb,
              fc.constantFrom(
                'collection',
                'id',
                'fields',
                'cleared',
                'before',
                'subs',
                'methods',
                'error',
                'result',
                'session',
                'version',
              ),
            ),
            fc.jsonValue({ maxDepth: 3 }),
            { maxKeys: 6 },
          ),
        )
        .map(([msg, rest]) => JSON.stringify({ ...rest, msg })),
    );
    await assertProperty('parser', () =>
      fc.assert(
        fc.property(fc.array(anyText, { minLength: 1, maxLength: 30 }), (texts) => {
          for (const text of texts) {
            frames++;
            const out = parseFrame(text);
            assert.equal(typeof out.ok, 'boolean');
            if (!out.ok && !out.ignored) assert.equal(typeof out.problem, 'string');
          }
          assertPrototypesUntouched();
        }),
        fcParams(2000),
      ),
    );
    assert.ok(frames >= 10_000, `only ${frames} frames`);
  });

  test('EJSON {"$escape": {"__proto__": ...}} keeps "__proto__" as a field and leaves the prototype alone', T, () => {
    const decoded = fromEJSON(JSON.parse('{"$escape":{"__proto__":{"polluted":true},"ok":1}}')) as Record<
      string,
      unknown
    >;
    assert.equal(
      Object.getPrototypeOf(decoded),
      Object.prototype,
      'the decoded object got an attacker-chosen prototype',
    );
    assert.equal((decoded as { polluted?: unknown }).polluted, undefined, 'an inherited field appeared');
    assert.deepEqual(Object.keys(decoded).sort(), ['__proto__', 'ok']);
    assert.deepEqual(canon(Object.getOwnPropertyDescriptor(decoded, '__proto__')?.value), canon({ polluted: true }));
    // Through a frame too: the field reaches the store as an own field.
    const parsed = parseFrame(
      '{"msg":"added","collection":"c","id":"i","fields":{"f":{"$escape":{"__proto__":{"$date":0}}}}}',
    );
    assert.ok(parsed.ok);
    const f = (parsed as { message: { fields: Record<string, unknown> } }).message.fields.f as object;
    assert.equal(
      Object.getPrototypeOf(f),
      Object.prototype,
      'a document field became an object whose prototype is a Date',
    );
    // Deeper inside an escaped object, a "__proto__" key must survive as data too.
    const nested = fromEJSON(JSON.parse('{"$escape":{"a":{"__proto__":1,"b":2}}}')) as { a: object };
    assert.deepEqual(
      Object.keys(nested.a).sort(),
      ['__proto__', 'b'],
      'a "__proto__" field inside an escaped object was dropped',
    );
    assertPrototypesUntouched();
  });

  test(
    'EJSON: an unknown $type inside {"$escape": ...} keeps the escaped object and its other values decoded',
    T,
    () => {
      const decoded = fromEJSON(
        JSON.parse('{"$escape":{"when":{"$date":0},"odd":{"$type":"unknownType","$value":1}}}'),
      ) as Record<string, unknown>;
      assert.deepEqual(
        Object.keys(decoded).sort(),
        ['odd', 'when'],
        'the $escape wrapper was kept instead of being unwrapped',
      );
      assert.ok(decoded.when instanceof Date, 'a well-formed $date next to an unknown $type was left undecoded');
      assert.deepEqual(decoded.odd, { $type: 'unknownType', $value: 1 });
    },
  );
});
