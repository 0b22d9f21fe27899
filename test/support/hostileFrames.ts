// Shared pieces of the hostile-frames property tests (test/unit and test/integration): prototype guards,
// a canonical form of decoded values, a model of the data set, and the fast-check generators.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ObjectID } from '../../src/ddp';

export const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20_251_128;

// ------------------------------------------------------------------------------------------------
// Prototype guards

export const PROTOS: Array<[string, object]> = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['Map.prototype', Map.prototype],
  ['Date.prototype', Date.prototype],
  ['Uint8Array.prototype', Uint8Array.prototype],
  ['String.prototype', String.prototype],
];

export function protoSnapshot(): string {
  return PROTOS.map(([name, p]) => `${name}:${Reflect.ownKeys(p).map(String).sort().join(',')}`).join('\n');
}

export const PROTO_BEFORE = protoSnapshot();

export function assertPrototypesUntouched(): void {
  assert.equal(protoSnapshot(), PROTO_BEFORE, 'a built-in prototype was modified');
  const probe: Record<string, unknown> = {};
  for (const k of ['polluted', 'x', 'a', 'isAdmin'])
    assert.equal(probe[k], undefined, `Object.prototype.${k} appeared`);
}

// ------------------------------------------------------------------------------------------------
// Canonical form of decoded values (order-free for object keys, exact for prototypes and EJSON types)

export function canon(v: unknown): unknown {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'number' && !Number.isFinite(v)) return `num:${v}`;
    return v;
  }
  if (v instanceof Date) return ['Date', v.getTime()];
  if (v instanceof Uint8Array) return ['Bytes', Buffer.from(v).toString('hex')];
  if (v instanceof ObjectID) return ['ObjectID', v.hexString];
  if (Array.isArray(v)) return ['Array', ...v.map(canon)];
  const proto = Object.getPrototypeOf(v);
  const keys = Object.keys(v).sort();
  const body = keys.map((k) => [k, canon((v as Record<string, unknown>)[k])]);
  if (proto !== Object.prototype) return ['PROTOTYPE-CHANGED', String(proto?.constructor?.name), ...body];
  return ['Object', ...body];
}

// ------------------------------------------------------------------------------------------------
// A simple model of the data set and of EJSON decoding for well-formed values

export type Wire = unknown;
export type Doc = Record<string, unknown>;

/** Expected decoding of the well-formed wire values the generator makes. */
export function decode(w: Wire): unknown {
  if (w === null || typeof w !== 'object') return w;
  if (Array.isArray(w)) return w.map(decode);
  const o = w as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length >= 1 && keys.length <= 2 && keys.every((k) => k.startsWith('$'))) {
    if (keys.length === 1 && keys[0] === '$date') return new Date(o.$date as number);
    if (keys.length === 1 && keys[0] === '$binary') return new Uint8Array(Buffer.from(o.$binary as string, 'base64'));
    if (keys.length === 1 && keys[0] === '$InfNaN')
      return o.$InfNaN === 1 ? Infinity : o.$InfNaN === -1 ? -Infinity : NaN;
    if (keys.length === 1 && keys[0] === '$escape') {
      const inner = o.$escape as Record<string, unknown>;
      const out: Doc = {};
      for (const k of Object.keys(inner))
        Object.defineProperty(out, k, {
          value: decode(inner[k]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return out;
    }
    if (o.$type === 'oid') return new ObjectID(o.$value as string);
    return o; // unknown $type: kept as sent
  }
  const out: Doc = {};
  for (const k of keys)
    Object.defineProperty(out, k, { value: decode(o[k]), enumerable: true, writable: true, configurable: true });
  return out;
}

export class Model {
  /** collection -> ordered [id, fields] */
  readonly colls = new Map<string, Array<[string, Doc]>>();

  private coll(name: string): Array<[string, Doc]> {
    let c = this.colls.get(name);
    if (!c) this.colls.set(name, (c = []));
    return c;
  }
  has(name: string, id: string): boolean {
    return this.colls.get(name)?.some(([i]) => i === id) ?? false;
  }
  ids(name: string): string[] {
    return (this.colls.get(name) ?? []).map(([i]) => i);
  }
  get(name: string, id: string): Doc | undefined {
    return this.colls.get(name)?.find(([i]) => i === id)?.[1];
  }
  added(name: string, id: string, fields: Doc): void {
    this.coll(name).push([id, fields]);
  }
  addedBefore(name: string, id: string, fields: Doc, before: string | null): void {
    const c = this.coll(name);
    const at = before === null ? -1 : c.findIndex(([i]) => i === before);
    if (at < 0) c.push([id, fields]);
    else c.splice(at, 0, [id, fields]);
  }
  movedBefore(name: string, id: string, before: string | null): void {
    const c = this.coll(name);
    const from = c.findIndex(([i]) => i === id);
    const [entry] = c.splice(from, 1);
    const at = before === null ? -1 : c.findIndex(([i]) => i === before);
    if (at < 0) c.push(entry);
    else c.splice(at, 0, entry);
  }
  changed(name: string, id: string, fields: Doc, cleared: string[]): void {
    const doc = this.get(name, id)!;
    for (const k of Object.keys(fields))
      Object.defineProperty(doc, k, { value: fields[k], enumerable: true, writable: true, configurable: true });
    for (const k of cleared) delete doc[k];
  }
  removed(name: string, id: string): void {
    const c = this.coll(name);
    c.splice(
      c.findIndex(([i]) => i === id),
      1,
    );
  }
}

/** Canonical text of a store (Map of Maps) or the model, non-empty collections only, in server order. */
export function storeText(
  colls: ReadonlyMap<string, ReadonlyMap<string, Readonly<Doc>>> | ReadonlyMap<string, Array<[string, Doc]>>,
): string {
  const out: string[] = [];
  for (const name of [...colls.keys()].sort()) {
    const c = colls.get(name)!;
    const entries: Array<[string, Doc]> = Array.isArray(c) ? c : [...c.entries()];
    if (entries.length === 0) continue;
    out.push(`${JSON.stringify(name)}: ${JSON.stringify(entries.map(([id, d]) => [id, canon(d)]))}`);
  }
  return out.join('\n');
}

// ------------------------------------------------------------------------------------------------
// Generators

export const DANGEROUS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'isAdmin',
];
export const nameArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...DANGEROUS) },
  { weight: 2, arbitrary: fc.constantFrom('a', 'b', 'c', '', ' ', 'a.b', 'é', '😀', '$date', '$') },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);
/** Plain keys: anything that does not start with `$` (a `$` key could make an object an EJSON candidate). */
export const keyArb = nameArb.filter((k) => !k.startsWith('$'));
export const hexArb = fc.uint8Array({ minLength: 12, maxLength: 12 }).map((b) => Buffer.from(b).toString('hex'));

/** Well-formed wire values, EJSON included, whose decoding the model knows. */
export const { value: valueArb } = fc.letrec<{ value: Wire }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ maxLength: 8 }),
    fc.boolean(),
    fc.constant(null),
    fc.integer({ min: -8.64e15, max: 8.64e15 }).map((ms) => ({ $date: ms })),
    fc.uint8Array({ maxLength: 8 }).map((b) => ({ $binary: Buffer.from(b).toString('base64') })),
    hexArb.map((h) => ({ $type: 'oid', $value: h })),
    fc.constantFrom(0, 1, -1).map((n) => ({ $InfNaN: n })),
    fc
      .constantFrom('unknownType', 'constructor', '__proto__', 'prototype')
      .map((t) => ({ $type: t, $value: { a: 1 } })),
    // $escape keeps `$` keys as data. Two cases have tests of their own below and are left out here:
    // `__proto__` as a key anywhere inside the escaped object, and an unknown $type anywhere inside it.
    fc
      .dictionary(
        fc.oneof(keyArb, fc.constantFrom('$date', '$type', '$value', '$escape')).filter((k) => k !== '__proto__'),
        tie('value'),
        {
          maxKeys: 2,
        },
      )
      .filter((d) => !/"\$type":"(?!oid")/.test(JSON.stringify(d)) && !JSON.stringify(d).includes('"__proto__"'))
      .map((d) => ({ $escape: d })),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(keyArb, tie('value'), { maxKeys: 3 }),
  ),
}));
export const fieldsArb = fc.dictionary(keyArb, valueArb, { maxKeys: 4 });

/** A raw op; `validify` turns a list of them into a valid DDP sequence against the model. */
export type RawOp =
  | { t: 'added'; c: string; id: string; f: Doc; before?: string | null; ordered: boolean }
  | { t: 'changed'; c: string; id: string; f: Doc; cleared: string[] }
  | { t: 'removed'; c: string; id: string }
  | { t: 'movedBefore'; c: string; id: string; before: string | null };

export const collArb = fc.constantFrom('__proto__', 'constructor', 'prototype', 'docs', 'toString', 'hasOwnProperty');
export const idArb = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', '1', '2', 'x', '');
export const rawOpArb: fc.Arbitrary<RawOp> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('added' as const),
      c: collArb,
      id: idArb,
      f: fieldsArb,
      before: fc.option(idArb, { nil: null }),
      ordered: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('changed' as const),
      c: collArb,
      id: idArb,
      f: fieldsArb,
      cleared: fc.array(keyArb, { maxLength: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('removed' as const), c: collArb, id: idArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('movedBefore' as const),
      c: collArb,
      id: idArb,
      before: fc.option(idArb, { nil: null }),
    }),
  },
);

/** Frames that are invalid (or change nothing in the data set): the store must ignore them. */
export function hostileArb(): fc.Arbitrary<string> {
  const validShape = fc.record({ c: collArb, id: idArb, f: fieldsArb });
  const badType = fc.oneof(
    fc.integer(),
    fc.constant(null),
    fc.constant(true),
    fc.array(fc.integer(), { maxLength: 2 }),
    fc.dictionary(keyArb, fc.integer(), { maxKeys: 2 }),
  );
  const badFields = fc.oneof(
    fc.integer(),
    fc.string(),
    fc.constant(true),
    fc.array(fc.integer(), { maxLength: 2 }),
    fc.constant(null),
  );
  return fc.oneof(
    // Not JSON at all, or JSON that is not an object.
    fc.string({ maxLength: 30 }).filter((s) => {
      try {
        const v = JSON.parse(s);
        return v === null || typeof v !== 'object' || Array.isArray(v);
      } catch {
        return true;
      }
    }),
    fc
      .jsonValue({ maxDepth: 2 })
      .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))
      .map((v) => JSON.stringify(v)),
    // A valid frame, truncated: never valid JSON.
    fc.tuple(validShape, fc.integer({ min: 1, max: 1000 })).map(([v, cut]) => {
      const text = JSON.stringify({ msg: 'added', collection: v.c, id: v.id, fields: v.f });
      return text.slice(0, Math.max(1, text.length - 1 - (cut % (text.length - 1))));
    }),
    // `msg` of the wrong type, or unknown (ignored).
    fc.tuple(badType, validShape).map(([m, v]) => JSON.stringify({ msg: m, collection: v.c, id: v.id, fields: v.f })),
    fc
      .tuple(
        fc.constantFrom('add', 'Added', 'ADDED', 'added ', 'server_id', '__proto__', 'constructor', 'toString'),
        validShape,
      )
      .map(([m, v]) => JSON.stringify({ msg: m, collection: v.c, id: v.id, fields: v.f })),
    // Data messages with a required field of the wrong type.
    fc
      .tuple(
        fc.constantFrom('added', 'changed', 'removed', 'addedBefore', 'movedBefore'),
        fc.constantFrom('collection', 'id'),
        badType,
        validShape,
      )
      .map(([msg, key, bad, v]) => {
        const frame: Record<string, unknown> = { msg, collection: v.c, id: v.id, fields: v.f, before: null };
        if (bad === undefined) delete frame[key];
        else frame[key] = bad;
        return JSON.stringify(frame);
      }),
    fc
      .tuple(fc.constantFrom('added', 'changed', 'addedBefore'), badFields, validShape)
      .map(([msg, bad, v]) => JSON.stringify({ msg, collection: v.c, id: v.id, fields: bad, before: null })),
    fc
      .tuple(
        fc.oneof(fc.integer(), fc.string(), fc.array(fc.integer(), { minLength: 1, maxLength: 2 }), fc.constant({})),
        validShape,
      )
      .map(([bad, v]) => JSON.stringify({ msg: 'changed', collection: v.c, id: v.id, fields: v.f, cleared: bad })),
    fc
      .tuple(
        fc.constantFrom('addedBefore', 'movedBefore'),
        fc.oneof(fc.integer(), fc.constant({}), fc.constant([]), fc.constant(undefined)),
        validShape,
      )
      .map(([msg, bad, v]) => JSON.stringify({ msg, collection: v.c, id: v.id, fields: v.f, before: bad })),
    // Valid frames that touch no document: they must not disturb anything either.
    fc.constantFrom(
      '{"msg":"ping"}',
      '{"msg":"ping","id":"__proto__"}',
      '{"msg":"pong","id":"x"}',
      '{"msg":"ready","subs":["__proto__","constructor"]}',
      '{"msg":"nosub","id":"__proto__","error":{"error":"x","reason":"y"}}',
      '{"msg":"updated","methods":["__proto__"]}',
      '{"msg":"result","id":"__proto__","result":{"__proto__":{"polluted":true}}}',
      '{"msg":"result","id":"999999","error":{"error":500}}',
      '{"msg":"error","reason":"bad","offendingMessage":{"__proto__":{"polluted":true}}}',
      '{"msg":"connected","session":"again"}',
      '{"msg":"ready","subs":"notanarray"}',
      '{"msg":"nosub"}',
      '{"msg":"result"}',
      '{"__proto__":{"polluted":true},"msg":"added"}',
      '{"msg":"added","collection":"c","id":"i","fields":{"a":1},"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'.replace(
        '"msg":"added"',
        '"msg":"addedX"',
      ),
    ),
  );
}

/** Turns raw ops into valid DDP frames against the model, applying them to the model as it goes. */
export function validify(ops: RawOp[], model: Model): string[] {
  const frames: string[] = [];
  for (const op of ops) {
    const exists = model.has(op.c, op.id);
    if (op.t === 'added' || (!exists && op.t === 'changed')) {
      if (exists) continue;
      const f = 'f' in op ? op.f : {};
      const ordered = op.t === 'added' && op.ordered;
      if (ordered) {
        const before =
          op.before !== null && op.before !== undefined && op.before !== op.id && model.has(op.c, op.before)
            ? op.before
            : null;
        frames.push(JSON.stringify({ msg: 'addedBefore', collection: op.c, id: op.id, fields: f, before }));
        model.addedBefore(op.c, op.id, decode(f) as Doc, before);
      } else {
        frames.push(JSON.stringify({ msg: 'added', collection: op.c, id: op.id, fields: f }));
        model.added(op.c, op.id, decode(f) as Doc);
      }
    } else if (!exists) {
      continue; // removed / movedBefore of an unknown document: not valid DDP
    } else if (op.t === 'changed') {
      frames.push(JSON.stringify({ msg: 'changed', collection: op.c, id: op.id, fields: op.f, cleared: op.cleared }));
      model.changed(op.c, op.id, decode(op.f) as Doc, op.cleared);
    } else if (op.t === 'removed') {
      frames.push(JSON.stringify({ msg: 'removed', collection: op.c, id: op.id }));
      model.removed(op.c, op.id);
    } else {
      const before = op.before !== null && op.before !== op.id && model.has(op.c, op.before) ? op.before : null;
      frames.push(JSON.stringify({ msg: 'movedBefore', collection: op.c, id: op.id, before }));
      model.movedBefore(op.c, op.id, before);
    }
  }
  return frames;
}

export function copy(d: Doc): Doc {
  const out: Doc = {};
  for (const k of Object.keys(d))
    Object.defineProperty(out, k, { value: d[k], enumerable: true, writable: true, configurable: true });
  return out;
}

export function fcParams(numRuns: number): fc.Parameters<unknown> {
  return { seed: SEED, numRuns, endOnFailure: false };
}

export async function assertProperty(name: string, run: () => Promise<void> | void): Promise<void> {
  try {
    await run();
  } catch (err) {
    const e = err as Error;
    const cause = (e as { cause?: Error }).cause;
    e.message =
      `[${name}] seed ${SEED} (rerun with FC_SEED=${SEED})\n${e.message}` +
      (cause ? `\nCaused by: ${cause.message}` : '');
    throw e;
  }
}
