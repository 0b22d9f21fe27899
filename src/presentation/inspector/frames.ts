// What the inspector shows of one frame: its type, key and a one-line preview, read from the (already masked) text.
// Plain module, also bundled into the webview: no VS Code API, no Node API.
import { streamEventOf } from '../../ddp/streams';

export type Direction = 'in' | 'out';

/** A frame as the inspector receives it: text already masked, size counted on the exact text. */
export interface WireFrame {
  seq: number;
  at: number;
  dir: Direction;
  bytes: number;
  text: string;
}

/** The type chips, in the order shown. `connect` covers connect/connected/failed; `sub` covers sub and unsub. */
export const FRAME_TYPES = [
  'connect',
  'method',
  'result',
  'updated',
  'sub',
  'ready',
  'nosub',
  'added',
  'changed',
  'removed',
  'addedBefore',
  'movedBefore',
  'ping',
  'pong',
  'other',
] as const;
export type FrameType = (typeof FRAME_TYPES)[number];

export interface FrameView extends WireFrame {
  /** ms since the previous frame of the capture (set by the list that holds it). */
  gap: number;
  /** The `msg` field as sent ('' when there is none or the text is not a JSON object). */
  msg: string;
  type: FrameType;
  /** Method or publication name, `collection/id`, or the id. */
  key: string;
  /** Method id (method, result) or subscription id (sub, unsub, nosub). */
  id?: string;
  /** Subscription ids of `ready`, method ids of `updated`. */
  ids?: string[];
  collection?: string;
  /** Method or publication name; for result/updated/ready/nosub, filled in by the linker. */
  name?: string;
  preview: string;
}

const PREVIEW_CHARS = 200;

const TYPE_OF_MSG: Record<string, FrameType> = {
  connect: 'connect',
  connected: 'connect',
  failed: 'connect',
  method: 'method',
  result: 'result',
  updated: 'updated',
  sub: 'sub',
  unsub: 'sub',
  ready: 'ready',
  nosub: 'nosub',
  added: 'added',
  changed: 'changed',
  removed: 'removed',
  addedBefore: 'addedBefore',
  movedBefore: 'movedBefore',
  ping: 'ping',
  pong: 'pong',
};

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function oneLine(value: unknown): string {
  if (value === undefined) return '';
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? '');
  } catch {
    text = '';
  }
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}

/** Every view has the same properties in the same order: one hidden class, so filtering 100,000 of them stays fast. */
function shaped(f: WireFrame, msg: string, type: FrameType, preview: string): FrameView {
  return {
    seq: f.seq,
    at: f.at,
    dir: f.dir,
    bytes: f.bytes,
    text: f.text,
    gap: 0,
    msg,
    type,
    key: '',
    id: undefined,
    ids: undefined,
    collection: undefined,
    name: undefined,
    preview,
  };
}

/** Reads one frame. Anything that is not a DDP-shaped JSON object is `other`, shown as text. */
export function describeFrame(f: WireFrame): FrameView {
  let m: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(f.text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) m = parsed as Record<string, unknown>;
  } catch {
    /* not JSON: shown as text */
  }
  if (!m) return shaped(f, '', 'other', oneLine(f.text));
  const msg = str(m.msg) ?? '';
  const type = Object.hasOwn(TYPE_OF_MSG, msg) ? TYPE_OF_MSG[msg] : 'other';
  const id = str(m.id);
  const view = shaped(f, msg, type, '');
  switch (msg) {
    case 'method':
      view.id = id;
      view.name = str(m.method);
      view.key = view.name ?? '';
      view.preview = oneLine(m.params);
      break;
    case 'result':
      view.id = id;
      view.key = id ?? '';
      view.preview = m.error !== undefined ? `error ${oneLine(m.error)}` : oneLine(m.result);
      break;
    case 'updated':
    case 'ready': {
      const ids = Array.isArray(m[msg === 'ready' ? 'subs' : 'methods'])
        ? (m[msg === 'ready' ? 'subs' : 'methods'] as unknown[])
        : [];
      view.ids = ids.filter((x): x is string => typeof x === 'string');
      view.key = view.ids.join(', ');
      view.preview = '';
      break;
    }
    case 'sub':
      view.id = id;
      view.name = str(m.name);
      view.key = view.name ?? '';
      view.preview = oneLine(m.params);
      break;
    case 'unsub':
    case 'nosub':
      view.id = id;
      view.key = id ?? '';
      view.preview = m.error !== undefined ? `error ${oneLine(m.error)}` : '';
      break;
    case 'added':
    case 'changed':
    case 'removed':
    case 'addedBefore':
    case 'movedBefore': {
      view.collection = str(m.collection);
      view.key = `${view.collection ?? '?'}/${id ?? '?'}`;
      // A Rocket.Chat stream event (src/ddp/streams.ts): keyed by stream and event name, previewed by its args, named
      // by its event name (the Name filter finds it), so that "stream-room-messages/GENERAL" shows and is found (its
      // document id is always "id").
      const stream = msg === 'changed' ? streamFrame(view.collection, m.fields, m.cleared) : undefined;
      if (stream) {
        view.key = `${stream.collection}/${stream.eventName}`;
        view.name = stream.eventName;
        view.preview = oneLine(stream.args);
        break;
      }
      const parts: string[] = [];
      if (m.fields !== undefined) parts.push(oneLine(m.fields));
      if (Array.isArray(m.cleared) && m.cleared.length > 0) parts.push(`cleared ${oneLine(m.cleared)}`);
      if (m.before !== undefined) parts.push(`before ${oneLine(m.before)}`);
      view.preview = parts.join(' ');
      break;
    }
    case 'connect':
      view.key = str(m.version) ?? '';
      view.preview = oneLine(m.support);
      break;
    case 'connected':
      view.key = str(m.session) ?? '';
      break;
    case 'failed':
      view.key = str(m.version) ?? '';
      break;
    case 'ping':
    case 'pong':
      view.key = id ?? '';
      break;
    default:
      view.key = str(m.reason) ?? '';
      view.preview = oneLine(f.text);
  }
  return view;
}

function streamFrame(collection: string | undefined, fields: unknown, cleared: unknown) {
  if (collection === undefined || !fields || typeof fields !== 'object' || Array.isArray(fields)) return undefined;
  return streamEventOf(
    collection,
    fields as Record<string, unknown>,
    Array.isArray(cleared) ? (cleared as string[]) : [],
  );
}

/** Pretty-printed EJSON (the wire form is JSON); text that is not JSON comes back as it is. */
export function prettyFrame(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
