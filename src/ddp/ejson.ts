import EJSONModule from 'ejson';

/** The ejson functions used here, typed as they behave (@types/ejson says `string` where any JSON value goes). */
const EJSON = EJSONModule as unknown as {
  addType: typeof EJSONModule.addType;
  toJSONValue(value: unknown): unknown;
  fromJSONValue(value: unknown): unknown;
  equals(a: unknown, b: unknown): boolean;
};

/** Mongo's ObjectID as Meteor sends it (`{"$type":"oid","$value":"<24 hex>"}`). */
export class ObjectID {
  constructor(readonly hexString: string) {}
  typeName(): string {
    return 'oid';
  }
  toJSONValue(): string {
    return this.hexString;
  }
  equals(other: unknown): boolean {
    return other instanceof ObjectID && other.hexString === this.hexString;
  }
  clone(): ObjectID {
    return new ObjectID(this.hexString);
  }
  toString(): string {
    return `ObjectID("${this.hexString}")`;
  }
}

let registered = false;
function registerTypes(): void {
  if (registered) return;
  registered = true;
  try {
    EJSON.addType('oid', (hex: unknown) => new ObjectID(String(hex)));
  } catch {
    // Another copy of this module already registered it in the same ejson instance.
  }
}
registerTypes();

/** Only objects of at most two keys, all starting with `$`, can be EJSON wire forms. */
function isCandidate(obj: Record<string, unknown>): boolean {
  // for-in with an early exit, not Object.keys: no array per object on the hot path.
  let n = 0;
  for (const k in obj) {
    if (!Object.prototype.hasOwnProperty.call(obj, k)) continue;
    if (++n > 2 || k.charCodeAt(0) !== 36 /* $ */) return false;
  }
  return n > 0;
}

/**
 * Is this object one of EJSON's wire forms (`{$date}`, `{$binary}`, `{$InfNaN}`, `{$escape}`, `{$regexp, $flags}`,
 * `{$type, $value}`)? Only those go to the ejson package: it copies whatever else it is given with plain
 * assignments, which turns an own "__proto__" key (`{"$gt": {"__proto__": ...}}`) into a prototype.
 */
function isWireForm(obj: Record<string, unknown>): boolean {
  let n = 0;
  let first = '';
  let second = '';
  for (const k in obj) {
    if (!Object.prototype.hasOwnProperty.call(obj, k)) continue;
    if (++n > 2) return false;
    if (n === 1) first = k;
    else second = k;
  }
  if (n === 1) return first === '$date' || first === '$binary' || first === '$InfNaN' || first === '$escape';
  if (n !== 2) return false;
  const pair = first < second ? `${first} ${second}` : `${second} ${first}`;
  return pair === '$type $value' || pair === '$flags $regexp';
}

/** `{$type, $value}` objects of custom types the client does not know, as received (see fromEJSON). */
const unknownTypes = new WeakSet<object>();

/** Is this value a custom EJSON type the client does not know, kept exactly as the server sent it? */
export function isUnknownType(value: unknown): boolean {
  return value !== null && typeof value === 'object' && unknownTypes.has(value);
}

/** Sets a key without ever touching a prototype, even for `__proto__`. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/**
 * Decodes EJSON wire forms inside a parsed JSON value. Unlike `EJSON.fromJSONValue`, an unknown or broken
 * `$type` does not throw: the raw value is kept so the document stays visible. Recursion depth is bounded by
 * the caller's try/catch (a RangeError on absurd nesting becomes a protocol error there).
 */
export function fromEJSON(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const d = fromEJSON(v);
      if (d !== v) {
        out ??= value.slice();
        out[i] = d;
      }
    }
    return out ?? value;
  }
  const obj = value as Record<string, unknown>;
  const escaped = obj.$escape;
  if (escaped !== null && typeof escaped === 'object' && !Array.isArray(escaped) && Object.keys(obj).length === 1) {
    // Decoded here, not by the ejson package: it would assign a "__proto__" key straight onto the result.
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(escaped)) setOwn(out, key, fromEJSON((escaped as Record<string, unknown>)[key]));
    return out;
  }
  if (isCandidate(obj) && isWireForm(obj)) {
    try {
      return EJSON.fromJSONValue(obj);
    } catch {
      // A custom type this client does not know: kept as received and marked, so that it goes back to the server
      // as the same `{$type, $value}` (toEJSON would otherwise escape it into a plain object).
      if (typeof obj.$type === 'string' && '$value' in obj) unknownTypes.add(obj);
      return obj;
    }
  }
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    const d = fromEJSON(v);
    if (d !== v) {
      out ??= copyObject(obj);
      setOwn(out, key, d);
    }
  }
  return out ?? obj;
}

/**
 * fromEJSON for a tree fresh from JSON.parse that nobody else holds: decodes in place instead of copying every
 * object on the way to a `$date` (the copy was half the garbage of an `added` frame). Same results as fromEJSON.
 */
export function decodeInPlace(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v !== null && typeof v === 'object') {
        const d = decodeInPlace(v);
        if (d !== v) value[i] = d;
      }
    }
    return value;
  }
  const obj = value as Record<string, unknown>;
  if (obj.$escape !== undefined || isCandidate(obj)) {
    // Wire forms (and $escape) are rare and tiny: the copying decoder, with all its care, handles them.
    const ms = obj.$date;
    if (typeof ms === 'number' && isSingleKey(obj)) return new Date(ms);
    return fromEJSON(obj);
  }
  for (const key in obj) {
    const v = obj[key];
    if (v !== null && typeof v === 'object') {
      const d = decodeInPlace(v);
      if (d !== v) setOwn(obj, key, d);
    }
  }
  return obj;
}

function isSingleKey(obj: Record<string, unknown>): boolean {
  let n = 0;
  for (const k in obj) if (Object.prototype.hasOwnProperty.call(obj, k) && ++n > 1) return false;
  return n === 1;
}

function copyObject(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) setOwn(out, key, obj[key]);
  return out;
}

/**
 * Encodes a value (Date, Uint8Array, ObjectID, ...) into its JSON wire form. Arrays and plain objects are walked
 * here, not by the ejson package, whose copies assign keys plainly: an own "__proto__" key would become a prototype
 * (a document copied as JSON, or params, would silently lose it). Objects that look like a wire form are escaped
 * with `$escape`, as EJSON does.
 */
export function toEJSON(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return EJSON.toJSONValue(value);
  if (Array.isArray(value)) return value.map(toEJSON);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return EJSON.toJSONValue(value);
  const obj = value as Record<string, unknown>;
  if (unknownTypes.has(obj)) return { $type: obj.$type, $value: obj.$value };
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) setOwn(out, key, toEJSON(obj[key]));
  return isWireForm(obj) ? { $escape: out } : out;
}

/** Parses EJSON text as users type it (`[{"$date": 0}, 2]`). Throws SyntaxError with the parser's message. */
export function parseEJSON(text: string): unknown {
  return fromEJSON(JSON.parse(text));
}

/** Pretty EJSON text of a value, for humans. */
export function stringifyEJSON(value: unknown, indent: number | string = 2): string {
  return JSON.stringify(toEJSON(value), null, indent);
}

export function ejsonEquals(a: unknown, b: unknown): boolean {
  try {
    return EJSON.equals(a, b);
  } catch {
    return false;
  }
}

/** The EJSON wire form of params; throws a TypeError for values JSON cannot carry (BigInt, cycles). */
export function encodeParams(params: unknown[]): unknown[] {
  const wire = toEJSON(params) as unknown[];
  try {
    JSON.stringify(wire);
  } catch (err) {
    throw new TypeError(`Params cannot be sent as EJSON: ${(err as Error).message}`);
  }
  return wire;
}
