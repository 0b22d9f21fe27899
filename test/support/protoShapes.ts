// "__proto__" shapes shared by the hostile-proto tests (decoding in test/unit, a live client in test/integration).

import assert from 'node:assert/strict';

export const own = (o: unknown, key: string) => Object.prototype.hasOwnProperty.call(o, key);

/** Fails unless `v` is a plain object with an own "__proto__" key holding `{ x: 1 }`, and an untouched prototype. */
export function assertOwnProto(v: unknown, where: string): void {
  assert.ok(v !== null && typeof v === 'object', `${where}: not an object`);
  assert.equal(Object.getPrototypeOf(v), Object.prototype, `${where}: "__proto__" became the prototype`);
  assert.ok(own(v, '__proto__'), `${where}: "__proto__" is not an own key`);
  assert.deepEqual(
    { ...(Object.getOwnPropertyDescriptor(v, '__proto__')!.value as object) },
    { x: 1 },
    `${where}: wrong value`,
  );
  assert.equal((v as { x?: unknown }).x, undefined, `${where}: an inherited field appeared`);
}

export const P = '{"__proto__":{"x":1}}';
/** Wire values holding P at various depths, and how to reach P in the decoded value. */
export const SHAPES: Array<[string, string, (v: any) => unknown]> = [
  ['$gt', `{"$gt":${P}}`, (v) => v.$gt],
  ['$gt nested', `{"$gt":{"b":${P}}}`, (v) => v.$gt.b],
  ['$in array', `{"$in":[${P}]}`, (v) => v.$in[0]],
  ['two $ keys', `{"$gt":${P},"$lt":1}`, (v) => v.$gt],
  ['under a plain key', `{"a":{"$gt":${P}}}`, (v) => v.a.$gt],
  ['$escape', `{"$escape":{"$gt":${P}}}`, (v) => v.$gt],
  ['$escape array', `{"$escape":{"$date":[${P}]}}`, (v) => v.$date[0]],
  ['array of $-objects', `[{"$gt":${P}},{"$ne":${P}}]`, (v) => v[1].$ne],
  ['next to a $date', `{"$gt":${P},"when":{"$date":0}}`, (v) => v.$gt],
];
