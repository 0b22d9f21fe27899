// Evaluates `> expect <subject> <op> <value>` against what a request produced. Values compare as EJSON (Dates,
// binary, ObjectIDs); an assertion that cannot be evaluated (a bad variable, a bad value) fails with the reason.
import { ejsonEquals, parseEJSON, stringifyEJSON } from '../../ddp/ejson';
import type { Assertion, Check, Subject } from './ast';
import { getPath } from './path';
import { printAssertion } from './printer';
import type { Resolver } from './variables';
import { countWhere } from './where';

/** What a request produced, as assertions see it. */
export interface Outcome {
  result?: unknown;
  /** The error as a plain object: `{ error, reason, message, details, errorType }`. */
  error?: Record<string, unknown>;
  duration: number;
  /** SUBSCRIBE: true once ready, false after nosub. */
  ready?: boolean;
}

/** The client's documents, EJSON-decoded, by collection and id (DdpClient.collections). */
export type Collections = ReadonlyMap<string, ReadonlyMap<string, Record<string, unknown>>>;

export interface AssertionOutcome {
  line: number;
  /** The assertion as written (normalised). */
  text: string;
  pass: boolean;
  expected: string;
  actual: string;
  /** Why it could not be evaluated, when it could not. */
  message?: string;
}

const MAX_SHOWN = 500;

/** A value for a report line: compact EJSON, cut at 500 characters. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (stringifyEJSON(value, 0) ?? plainText(value));
  } catch {
    text = plainText(value);
  }
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}… (${text.length} characters)` : text;
}

/** Last-resort text of a value EJSON cannot print. */
function plainText(value: unknown): string {
  return value !== null && typeof value === 'object' ? Object.prototype.toString.call(value) : String(value);
}

export function subjectValue(
  subject: Subject,
  outcome: Outcome,
  collections: Collections,
  resolver: Resolver,
): unknown {
  switch (subject.kind) {
    case 'result':
      return getPath(outcome.result, subject.path);
    case 'error':
      return getPath(outcome.error, subject.path);
    case 'duration':
      return outcome.duration;
    case 'ready':
      return outcome.ready;
    case 'collectionCount': {
      const collection = resolver.fill(subject.collection, false);
      if (subject.where !== undefined) return countWhere(collections, collection, resolver.fill(subject.where, true));
      return collections.get(collection)?.size ?? 0;
    }
    case 'collectionDoc': {
      const raw = subject.id;
      const id = raw.startsWith('"') ? String(JSON.parse(resolver.fill(raw, true))) : resolver.fill(raw, false);
      const fields = collections.get(resolver.fill(subject.collection, false))?.get(id);
      return getPath(fields === undefined ? undefined : { _id: id, ...fields }, subject.path);
    }
  }
}

function expectedOf(check: Check, resolver: Resolver): unknown {
  if (check.op === 'exists' || check.op === 'not exists' || check.op === 'truthy' || check.op === 'matches')
    return undefined;
  return parseEJSON(resolver.fill(check.value, true));
}

function order(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  return undefined;
}

function contains(actual: unknown, expected: unknown): boolean {
  if (typeof actual === 'string') return typeof expected === 'string' && actual.includes(expected);
  if (Array.isArray(actual)) return actual.some((item) => ejsonEquals(item, expected) || partial(item, expected));
  if (actual !== null && typeof actual === 'object') {
    if (typeof expected === 'string') return Object.prototype.hasOwnProperty.call(actual, expected);
    return partial(actual, expected);
  }
  return false;
}

/** Every key of `expected` (a plain object) is in `actual` with an equal value. */
function partial(actual: unknown, expected: unknown): boolean {
  if (
    actual === null ||
    typeof actual !== 'object' ||
    expected === null ||
    typeof expected !== 'object' ||
    Array.isArray(expected)
  )
    return false;
  if (expected instanceof Date || expected instanceof Uint8Array) return false;
  return Object.keys(expected).every(
    (k) =>
      Object.prototype.hasOwnProperty.call(actual, k) &&
      ejsonEquals((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k]),
  );
}

export function evaluate(
  a: Assertion,
  outcome: Outcome,
  collections: Collections,
  resolver: Resolver,
): AssertionOutcome {
  const text = printAssertion(a).replace(/^> expect /, '');
  let actual: unknown;
  let expected: unknown;
  try {
    actual = subjectValue(a.subject, outcome, collections, resolver);
    expected = expectedOf(a.check, resolver);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      line: a.line,
      text,
      pass: false,
      expected: describeCheck(a.check, undefined),
      actual: show(actual),
      message,
    };
  }
  let pass: boolean;
  let message: string | undefined;
  const c = a.check;
  switch (c.op) {
    case '==':
      pass = ejsonEquals(actual, expected);
      break;
    case '!=':
      pass = !ejsonEquals(actual, expected);
      break;
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const d = order(actual, expected);
      if (d === undefined) {
        pass = false;
        message = `cannot compare ${kind(actual)} with ${kind(expected)}`;
      } else pass = c.op === '<' ? d < 0 : c.op === '<=' ? d <= 0 : c.op === '>' ? d > 0 : d >= 0;
      break;
    }
    case 'exists':
      pass = actual !== undefined && actual !== null;
      break;
    case 'not exists':
      pass = actual === undefined || actual === null;
      break;
    case 'contains':
      pass = contains(actual, expected);
      break;
    case 'matches': {
      let re: RegExp;
      try {
        re = new RegExp(resolver.fill(c.source, false), c.flags);
      } catch (err) {
        return {
          line: a.line,
          text,
          pass: false,
          expected: describeCheck(c, undefined),
          actual: show(actual),
          message: String(err),
        };
      }
      pass = (typeof actual === 'string' || typeof actual === 'number') && re.test(String(actual));
      if (typeof actual !== 'string' && typeof actual !== 'number') message = `${kind(actual)} is not text`;
      break;
    }
    case 'truthy':
      pass = actual === true;
      break;
  }
  return { line: a.line, text, pass, expected: describeCheck(c, expected), actual: show(actual), message };
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a Date';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function describeCheck(c: Check, expected: unknown): string {
  switch (c.op) {
    case 'exists':
      return 'a value';
    case 'not exists':
      return 'no value';
    case 'truthy':
      return 'true';
    case 'matches':
      return `/${c.source}/${c.flags}`;
    case '==':
      return expected === undefined ? c.value : show(expected);
    default:
      return `${c.op} ${expected === undefined ? c.value : show(expected)}`;
  }
}
