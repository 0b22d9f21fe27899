import { decodeInPlace, fromEJSON } from './ejson';
import { excerpt } from './mask';
import type { DdpErrorObject, Fields } from './types';

/** Every server message the client acts on, validated and EJSON-decoded. */
export type ServerMessage =
  /** `session` is missing when a server sends none or another shape (Tarang's ddp-server: numeric `session_id`). */
  | { msg: 'connected'; session?: string }
  | { msg: 'failed'; version?: string }
  | { msg: 'ping'; id?: string }
  | { msg: 'pong'; id?: string }
  | { msg: 'added'; collection: string; id: string; fields: Fields }
  | { msg: 'changed'; collection: string; id: string; fields: Fields; cleared: string[] }
  | { msg: 'removed'; collection: string; id: string }
  | { msg: 'addedBefore'; collection: string; id: string; fields: Fields; before: string | null }
  | { msg: 'movedBefore'; collection: string; id: string; before: string | null }
  | { msg: 'ready'; subs: string[] }
  | { msg: 'nosub'; id: string; error?: DdpErrorObject }
  | { msg: 'result'; id: string; error?: DdpErrorObject; result?: unknown }
  | { msg: 'updated'; methods: string[] }
  /**
   * `id` and `error`: a non-standard answer to one call or subscription (`{"msg":"error","id","error"}`, or
   * `{"id","error"}` without `msg`, as ddp-server-reactive and Tarang's ddp-server send for a failed method).
   */
  | { msg: 'error'; reason: string; offendingMessage?: unknown; id?: string; error?: DdpErrorObject };

/** What the client handles once the connection has taken care of the handshake and heartbeats. */
export type DataMessage = Exclude<ServerMessage, { msg: 'connected' | 'failed' | 'ping' | 'pong' }>;

export type ParseOutcome =
  /** `quirk`: the frame was read although it is not standard DDP; the text says how (for one protocol_error). */
  | { ok: true; message: ServerMessage; quirk?: string }
  | { ok: false; ignored: true }
  /** `methodId` / `subId`: the frame answered this call or subscription, so it can still be settled. */
  | { ok: false; ignored: false; problem: string; methodId?: string; subId?: string };

/** Deeper documents are refused: every later walk over them (diffs, display, EJSON) would risk the stack. */
const MAX_DEPTH = 1000;

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
  if (typeof v !== 'string') fail(`"${String(raw.msg)}" needs a string "${key}"`);
  return v;
}

function optStr(raw: Raw, key: string): string | undefined {
  const v = raw[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') fail(`"${String(raw.msg)}" has a non-string "${key}"`);
  return v;
}

function before(raw: Raw): string | null {
  const v = raw.before;
  if (v === null || typeof v === 'string') return v;
  fail(`"${String(raw.msg)}" needs "before" as a string or null`);
}

function strArray(raw: Raw, key: string): string[] {
  const v = raw[key];
  if (!Array.isArray(v) || !v.every((s): s is string => typeof s === 'string'))
    fail(`"${String(raw.msg)}" needs "${key}" as an array of strings`);
  return v;
}

function isPlainObject(v: unknown): v is Raw {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `fields` is optional on the wire; EJSON decoding is skipped when the frame has no `$` at all. */
function fields(raw: Raw, hasDollar: boolean): Fields {
  const v = raw.fields;
  if (v === undefined) return {};
  if (!isPlainObject(v)) fail(`"${String(raw.msg)}" needs "fields" as an object`);
  return hasDollar ? (decodeInPlace(v) as Fields) : v;
}

/** Collects the one note on how a frame departs from the spec while still being read. */
interface Notes {
  quirk?: string;
}

function note(notes: Notes, quirk: string): void {
  notes.quirk ??= quirk;
}

const ANSWERS = 'Meteor answers a method with "result" and a subscription with "nosub"';

/**
 * The error of a `result`, `nosub` or non-standard error frame. Anything a server puts there still makes an error
 * (a string, a number, an object without a code), so the call or subscription it answers is settled, not left hanging.
 */
function errorObject(raw: Raw, notes: Notes, what = `"${String(raw.msg)}"`): DdpErrorObject | undefined {
  const v = raw.error;
  if (v === undefined || v === null) return undefined;
  if (isPlainObject(v)) {
    const code = v.error;
    const reason = typeof v.reason === 'string' ? v.reason : undefined;
    const message = typeof v.message === 'string' ? v.message : undefined;
    const errorType = typeof v.errorType === 'string' ? v.errorType : undefined;
    if (typeof code === 'string' || typeof code === 'number')
      return { error: code, reason, message, details: v.details, errorType };
    note(notes, `${what} has an error object without an "error" code`);
    const text =
      message ??
      (reason === undefined ? `The server sent an error without a code: ${excerpt(JSON.stringify(v))}` : undefined);
    return { error: 'unknown', reason, message: text, details: v.details, errorType };
  }
  if (typeof v === 'string') {
    note(notes, `${what} has "error" as a string, not an error object`);
    return { error: v, message: v };
  }
  if (typeof v === 'number') {
    note(notes, `${what} has "error" as a number, not an error object`);
    return { error: v };
  }
  note(notes, `${what} has an unreadable "error"`);
  return {
    error: 'unknown',
    message: `The server sent an unreadable error: ${excerpt(JSON.stringify(v))}`,
    details: v,
  };
}

/** The id of a call a frame answers. Our ids are strings; a server that echoes them as numbers still means them. */
function answerId(raw: Raw, notes: Notes, what: string): string | undefined {
  const v = raw.id;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) {
    note(notes, `${what} has a numeric "id"`);
    return String(v);
  }
  return undefined;
}

/** A list of ids (`ready.subs`, `updated.methods`); a single string is read as a list of one. */
function idList(raw: Raw, key: string, notes: Notes): string[] {
  const v = raw[key];
  if (typeof v === 'string') {
    note(notes, `"${String(raw.msg)}" has "${key}" as a string, not an array`);
    return [v];
  }
  return strArray(raw, key);
}

function validate(raw: Raw, hasDollar: boolean, notes: Notes): ServerMessage | undefined {
  switch (raw.msg) {
    case 'connected': {
      if (typeof raw.session === 'string') return { msg: 'connected', session: raw.session };
      const other = raw.session === undefined ? Object.keys(raw).find((k) => /session/i.test(k)) : 'session';
      note(
        notes,
        `"connected" without a string "session"${other ? ` (it has "${other}")` : ''}: connected without a session id`,
      );
      return { msg: 'connected' };
    }
    case 'failed':
      return { msg: 'failed', version: optStr(raw, 'version') };
    case 'ping':
    case 'pong':
      return { msg: raw.msg, id: optStr(raw, 'id') };
    case 'added':
      return { msg: 'added', collection: str(raw, 'collection'), id: str(raw, 'id'), fields: fields(raw, hasDollar) };
    case 'changed': {
      const cleared = raw.cleared === undefined ? [] : strArray(raw, 'cleared');
      return {
        msg: 'changed',
        collection: str(raw, 'collection'),
        id: str(raw, 'id'),
        fields: fields(raw, hasDollar),
        cleared,
      };
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
      return { msg: 'ready', subs: idList(raw, 'subs', notes) };
    case 'nosub':
      return { msg: 'nosub', id: str(raw, 'id'), error: errorObject(raw, notes) };
    case 'result': {
      const id = answerId(raw, notes, '"result"') ?? fail('"result" needs a string "id"');
      const result = hasDollar ? fromEJSON(raw.result) : raw.result;
      return { msg: 'result', id, error: errorObject(raw, notes), result };
    }
    case 'updated': {
      if (raw.methods === undefined && typeof raw.id === 'string') {
        // ddp-server-reactive: {"msg":"updated","id":"2"}
        note(notes, '"updated" with "id" instead of "methods"');
        return { msg: 'updated', methods: [raw.id] };
      }
      return { msg: 'updated', methods: idList(raw, 'methods', notes) };
    }
    case 'error': {
      const id = raw.id === undefined ? undefined : answerId(raw, notes, '"error"');
      const error =
        id === undefined
          ? undefined
          : (errorObject(raw, notes, '"error"') ?? { error: 'unknown', reason: optReason(raw) });
      if (id !== undefined) notes.quirk = `non-standard error frame {"msg":"error","id","error"} (${ANSWERS})`;
      const reason = optReason(raw) ?? error?.reason ?? error?.message ?? 'unspecified error';
      return { msg: 'error', reason, offendingMessage: raw.offendingMessage, id, error };
    }
    case undefined:
      return withoutMsg(raw, hasDollar, notes);
    default:
      // A type we do not know (Rocket.Chat's "server_id", a future message): ignore.
      return undefined;
  }
}

function optReason(raw: Raw): string | undefined {
  return typeof raw.reason === 'string' ? raw.reason : undefined;
}

/**
 * No `msg`: old Meteor's {"server_id":"0"} is ignored; but some servers answer a method without `msg`:
 * {"id":"1","error":{...}} (ddp-server-reactive, Tarang's ddp-server). Read those, so the call is settled.
 */
function withoutMsg(raw: Raw, hasDollar: boolean, notes: Notes): ServerMessage | undefined {
  if (raw.id === undefined) return undefined;
  if (raw.error !== undefined && raw.error !== null) {
    const id = answerId(raw, notes, 'the error frame');
    if (id === undefined) return undefined;
    const error = errorObject(raw, notes, 'the error frame');
    notes.quirk = `non-standard error frame {"id","error"} without "msg" (${ANSWERS})`;
    return { msg: 'error', reason: error?.reason ?? error?.message ?? 'unspecified error', id, error };
  }
  if ('result' in raw) {
    const id = answerId(raw, notes, 'the result frame');
    if (id === undefined) return undefined;
    notes.quirk = 'non-standard result frame {"id","result"} without "msg"';
    return { msg: 'result', id, result: hasDollar ? fromEJSON(raw.result) : raw.result };
  }
  return undefined;
}

/** The id a frame answers, for settling its call or subscription when the frame cannot be read. */
function answeredIds(raw: Raw): { methodId?: string; subId?: string } {
  const id = typeof raw.id === 'string' ? raw.id : typeof raw.id === 'number' ? String(raw.id) : undefined;
  if (id === undefined) return {};
  if (raw.msg === 'result') return { methodId: id };
  if (raw.msg === 'nosub') return { subId: id };
  if (raw.msg === 'error' || (raw.msg === undefined && ('error' in raw || 'result' in raw)))
    return { methodId: id, subId: id };
  return {};
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
  // Nesting deeper than MAX_DEPTH takes at least twice as many characters, so short frames skip the scan.
  if (text.length > 2 * MAX_DEPTH && nestsDeeper(text, MAX_DEPTH)) {
    return {
      ok: false,
      ignored: false,
      problem: `"${String(raw.msg)}" is nested deeper than ${MAX_DEPTH} levels`,
      ...answeredIds(raw),
    };
  }
  const notes: Notes = {};
  try {
    const message = validate(raw, text.includes('$'), notes);
    if (!message) return { ok: false, ignored: true };
    return notes.quirk === undefined ? { ok: true, message } : { ok: true, message, quirk: notes.quirk };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, ignored: false, problem: err.message, ...answeredIds(raw) };
    // Anything unexpected while decoding: still just a bad frame.
    return {
      ok: false,
      ignored: false,
      problem: `cannot decode "${String(raw.msg)}": ${(err as Error).message}`,
      ...answeredIds(raw),
    };
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

/** The message a server `error` refers to: an object, or (some servers) its JSON text. */
export function readOffending(offending: unknown): { msg?: unknown; id?: unknown } | undefined {
  let o = offending;
  if (typeof o === 'string') {
    try {
      o = JSON.parse(o);
    } catch {
      return undefined;
    }
  }
  return o !== null && typeof o === 'object' ? o : undefined;
}
