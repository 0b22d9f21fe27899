import { decodeInPlace, fromEJSON } from './ejson';
import { excerpt } from './mask';
import type { DdpErrorObject, Fields } from './types';

/** Every server message the client acts on, validated and EJSON-decoded. */
export type ServerMessage =
  | { msg: 'connected'; session: string }
  | { msg: 'failed'; version?: string }
  | { msg: 'ping'; id?: string }
  | { msg: 'pong'; id?: string }
  | { msg: 'added'; collection: string; id: string; fields: Fields }
  | { msg: 'changed'; collection: string; id: string; fields: Fields; cleared: string[] }
  | { msg: 'removed'; collection: string; id: string }
  | { msg: 'addedBefore'; collection: string; id: string; fields: Fields; before: string | null }
  | { msg: 'movedBefore'; collection: string; id: string; before: string | null }
  | { msg: 'ready'; subs: string[] }
  /** `problem`: the server's error could not be read; `error` then describes what it sent. */
  | { msg: 'nosub'; id: string; error?: DdpErrorObject; problem?: string }
  | { msg: 'result'; id: string; error?: DdpErrorObject; result?: unknown }
  | { msg: 'updated'; methods: string[] }
  | { msg: 'error'; reason: string; offendingMessage?: unknown };

/** What the client handles once the connection has taken care of the handshake and heartbeats. */
export type DataMessage = Exclude<ServerMessage, { msg: 'connected' | 'failed' | 'ping' | 'pong' }>;

export type ParseOutcome =
  | { ok: true; message: ServerMessage }
  | { ok: false; ignored: true }
  /** `methodId`: the frame was a `result` for this call, so the call can still be settled. */
  | { ok: false; ignored: false; problem: string; methodId?: string };

/** Deeper documents are refused: every later walk over them (diffs, display, EJSON) would risk the stack. */
export const MAX_DEPTH = 1000;

/** Does the JSON text nest objects and arrays deeper than `max`? A scan of the text, no recursion. */
function nestsDeeper(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* backslash */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return false;
}

type Raw = Record<string, unknown>;

class Invalid extends Error {}

function fail(problem: string): never {
  throw new Invalid(problem);
}

function str(raw: Raw, key: string): string {
  const v = raw[key];
  if (typeof v !== 'string') fail(`"${raw.msg}" needs a string "${key}"`);
  return v;
}

function optStr(raw: Raw, key: string): string | undefined {
  const v = raw[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') fail(`"${raw.msg}" has a non-string "${key}"`);
  return v;
}

function before(raw: Raw): string | null {
  const v = raw.before;
  if (v === null || typeof v === 'string') return v;
  fail(`"${raw.msg}" needs "before" as a string or null`);
}

function strArray(raw: Raw, key: string): string[] {
  const v = raw[key];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) fail(`"${raw.msg}" needs "${key}" as an array of strings`);
  return v as string[];
}

function isPlainObject(v: unknown): v is Raw {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `fields` is optional on the wire; EJSON decoding is skipped when the frame has no `$` at all. */
function fields(raw: Raw, hasDollar: boolean): Fields {
  const v = raw.fields;
  if (v === undefined) return {};
  if (!isPlainObject(v)) fail(`"${raw.msg}" needs "fields" as an object`);
  return hasDollar ? (decodeInPlace(v) as Fields) : v;
}

function errorObject(raw: Raw): DdpErrorObject | undefined {
  const v = raw.error;
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v)) fail(`"${raw.msg}" needs "error" as an object`);
  const code = v.error;
  if (typeof code !== 'string' && typeof code !== 'number') fail(`"${raw.msg}" error needs an "error" code`);
  return {
    error: code,
    reason: typeof v.reason === 'string' ? v.reason : undefined,
    message: typeof v.message === 'string' ? v.message : undefined,
    details: v.details,
    errorType: typeof v.errorType === 'string' ? v.errorType : undefined,
  };
}

function validate(raw: Raw, hasDollar: boolean): ServerMessage | undefined {
  switch (raw.msg) {
    case 'connected':
      return { msg: 'connected', session: str(raw, 'session') };
    case 'failed':
      return { msg: 'failed', version: optStr(raw, 'version') };
    case 'ping':
    case 'pong':
      return { msg: raw.msg, id: optStr(raw, 'id') };
    case 'added':
      return { msg: 'added', collection: str(raw, 'collection'), id: str(raw, 'id'), fields: fields(raw, hasDollar) };
    case 'changed': {
      const cleared = raw.cleared === undefined ? [] : strArray(raw, 'cleared');
      return { msg: 'changed', collection: str(raw, 'collection'), id: str(raw, 'id'), fields: fields(raw, hasDollar), cleared };
    }
    case 'removed':
      return { msg: 'removed', collection: str(raw, 'collection'), id: str(raw, 'id') };
    case 'addedBefore':
      return {
        msg: 'addedBefore',
        collection: str(raw, 'collection'),
        id: str(raw, 'id'),
        fields: fields(raw, hasDollar),
        before: before(raw),
      };
    case 'movedBefore':
      return { msg: 'movedBefore', collection: str(raw, 'collection'), id: str(raw, 'id'), before: before(raw) };
    case 'ready':
      return { msg: 'ready', subs: strArray(raw, 'subs') };
    case 'nosub': {
      const id = str(raw, 'id');
      try {
        return { msg: 'nosub', id, error: errorObject(raw) };
      } catch (err) {
        // Dropping the frame would leave the subscription waiting forever (and freeze a catch-up): end it anyway.
        if (!(err instanceof Invalid)) throw err;
        const sent = excerpt(typeof raw.error === 'string' ? raw.error : JSON.stringify(raw.error));
        return { msg: 'nosub', id, error: { error: 'unreadable-error', reason: sent }, problem: err.message };
      }
    }
    case 'result': {
      const result = hasDollar ? fromEJSON(raw.result) : raw.result;
      return { msg: 'result', id: str(raw, 'id'), error: errorObject(raw), result };
    }
    case 'updated':
      return { msg: 'updated', methods: strArray(raw, 'methods') };
    case 'error':
      return {
        msg: 'error',
        reason: typeof raw.reason === 'string' ? raw.reason : 'unspecified error',
        offendingMessage: raw.offendingMessage,
      };
    default:
      // No `msg` (old Meteor's {"server_id":"0"}), or a type we do not know (Rocket.Chat's "server_id"): ignore.
      return undefined;
  }
}

/** Parses and validates one text frame. Never throws. */
export function parseFrame(text: string): ParseOutcome {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, ignored: false, problem: `not JSON: ${(err as Error).message}` };
  }
  if (!isPlainObject(raw)) return { ok: false, ignored: false, problem: 'not a JSON object' };
  if (raw.msg !== undefined && typeof raw.msg !== 'string') {
    return { ok: false, ignored: false, problem: '"msg" is not a string' };
  }
  const methodId = raw.msg === 'result' && typeof raw.id === 'string' ? raw.id : undefined;
  // Nesting deeper than MAX_DEPTH takes at least twice as many characters, so short frames skip the scan.
  if (text.length > 2 * MAX_DEPTH && nestsDeeper(text, MAX_DEPTH)) {
    return { ok: false, ignored: false, problem: `"${raw.msg}" is nested deeper than ${MAX_DEPTH} levels`, methodId };
  }
  try {
    const message = validate(raw, text.includes('$'));
    return message ? { ok: true, message } : { ok: false, ignored: true };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, ignored: false, problem: err.message, methodId };
    // Anything unexpected while decoding: still just a bad frame.
    return { ok: false, ignored: false, problem: `cannot decode "${raw.msg}": ${(err as Error).message}`, methodId };
  }
}

/** Messages the client sends. */
export type ClientMessage =
  | { msg: 'connect'; version: string; support: string[]; session?: string }
  | { msg: 'ping'; id?: string }
  | { msg: 'pong'; id?: string }
  | { msg: 'sub'; id: string; name: string; params: unknown[] }
  | { msg: 'unsub'; id: string }
  | { msg: 'method'; id: string; method: string; params: unknown[]; randomSeed?: string };
