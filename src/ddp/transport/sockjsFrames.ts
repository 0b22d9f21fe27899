// SockJS framing (sockjs-protocol 0.3): the server sends `o` (open), `h` (heartbeat), `a[...]` (a JSON array of
// message strings) and `c[code,"reason"]` (close); the client sends a JSON array of message strings.
// Everything here is untrusted input: a frame that is not exactly one of these is a problem, never an exception.

export type SockJsFrame =
  | { type: 'open' }
  | { type: 'heartbeat' }
  | { type: 'messages'; messages: string[] }
  | { type: 'close'; code: number; reason: string }
  | { type: 'invalid'; problem: string };

/** Longest close reason kept: it is server text shown to a person. */
const MAX_REASON = 200;

export function parseSockJsFrame(text: string): SockJsFrame {
  if (text === 'o') return { type: 'open' };
  // xhr-streaming opens with a prelude of 2048 `h` (to get past buffering proxies): a heartbeat too.
  if (text === 'h' || (text.charCodeAt(0) === 104 && /^h+$/.test(text))) return { type: 'heartbeat' };
  const kind = text.charAt(0);
  if (kind !== 'a' && kind !== 'c') return { type: 'invalid', problem: 'not a SockJS frame' };
  let body: unknown;
  try {
    body = JSON.parse(text.slice(1));
  } catch {
    return { type: 'invalid', problem: `SockJS "${kind}" frame is not JSON` };
  }
  if (!Array.isArray(body)) return { type: 'invalid', problem: `SockJS "${kind}" frame is not an array` };
  if (kind === 'a') {
    for (const m of body)
      if (typeof m !== 'string') return { type: 'invalid', problem: 'SockJS message is not a string' };
    return { type: 'messages', messages: body as string[] };
  }
  const [code, reason] = body as unknown[];
  if (!Number.isInteger(code)) return { type: 'invalid', problem: 'SockJS close frame without a numeric code' };
  return {
    type: 'close',
    code: code as number,
    reason: typeof reason === 'string' ? reason.slice(0, MAX_REASON) : '',
  };
}

/** What the client sends: a JSON array of message strings. */
export function encodeSockJsMessages(messages: readonly string[]): string {
  return JSON.stringify(messages);
}

/**
 * Splits an HTTP streaming body (xhr-streaming, xhr-polling) into newline-terminated frames. A frame longer than
 * `limit` characters is refused before it is buffered whole, and each chunk is scanned once, so cost follows size.
 */
export class FrameSplitter {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly limit: number) {}

  /** The complete frames in `chunk`, or `undefined` when a frame is over the limit. */
  push(chunk: string): string[] | undefined {
    const frames: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      const piece = chunk.slice(start, nl);
      if (this.size + piece.length > this.limit) return undefined;
      frames.push(this.parts.length > 0 ? this.parts.join('') + piece : piece);
      this.parts = [];
      this.size = 0;
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.slice(start);
      this.size += rest.length;
      if (this.size > this.limit) return undefined;
      this.parts.push(rest);
    }
    return frames;
  }

  /** Characters after the last newline (a complete response ends on one). */
  get pending(): number {
    return this.size;
  }
}
