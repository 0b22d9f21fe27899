// Captures as JSON Lines, to attach to a bug report and open again offline. One frame a line:
//   {"at":1700000000000,"dir":"out","bytes":62,"text":"{\"msg\":\"method\",...}"}
// `text` is the frame text (masked on export); `bytes` its size on the wire. Plain module: no VS Code API.
import type { CapturedFrame, Direction } from './capture';

export interface FileFrame {
  at: number;
  dir: Direction;
  bytes: number;
  text: string;
}

/** The lines of an export, secrets masked by `mask` (as in the log). */
export function toJsonLines(frames: Iterable<CapturedFrame>, mask: (text: string) => string): string {
  const lines: string[] = [];
  for (const f of frames) lines.push(JSON.stringify({ at: f.at, dir: f.dir, bytes: f.bytes, text: mask(f.text) }));
  return lines.length ? `${lines.join('\n')}\n` : '';
}

export interface ParsedCapture {
  frames: FileFrame[];
  /** Lines that are not frames (numbered from 1), at most a few listed. */
  problems: string[];
  skipped: number;
}

const MAX_PROBLEMS = 5;

/** Reads a capture file. It is untrusted input: a line that is not a frame is skipped and named, never thrown on. */
export function parseJsonLines(text: string): ParsedCapture {
  const frames: FileFrame[] = [];
  const problems: string[] = [];
  let skipped = 0;
  const skip = (n: number, why: string) => {
    skipped++;
    if (problems.length < MAX_PROBLEMS) problems.push(`line ${n}: ${why}`);
  };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      skip(i + 1, 'not JSON');
      continue;
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      skip(i + 1, 'not a frame object');
      continue;
    }
    const o = v as Record<string, unknown>;
    if (typeof o.text !== 'string') {
      skip(i + 1, 'no "text"');
      continue;
    }
    if (o.dir !== 'in' && o.dir !== 'out') {
      skip(i + 1, '"dir" must be "in" or "out"');
      continue;
    }
    const at = typeof o.at === 'number' && Number.isFinite(o.at) ? o.at : 0;
    const bytes =
      typeof o.bytes === 'number' && Number.isInteger(o.bytes) && o.bytes >= 0 ? o.bytes : Buffer.byteLength(o.text);
    frames.push({ at, dir: o.dir, bytes, text: o.text });
  }
  return { frames, problems, skipped };
}
