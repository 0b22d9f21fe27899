// The timing view: each method and subscription as a bar from its frame to its answer (result, ready or nosub), on
// one time axis, so the slow ones stand out. Plain module (also in the webview).
import type { FrameList } from './frameList';

export interface Span {
  seq: number;
  kind: 'method' | 'sub';
  name: string;
  start: number;
  /** ms to the answer; undefined while waiting. */
  ms: number | undefined;
  outcome: 'result' | 'ready' | 'nosub' | 'waiting';
}

/** The last `limit` method and sub frames we sent, oldest first, with their answers' times. */
export function spansOf(list: FrameList, limit = 500): Span[] {
  const out: Span[] = [];
  for (let i = list.frames.length - 1; i >= 0 && out.length < limit; i--) {
    const f = list.frames[i];
    if (f.dir !== 'out' || (f.msg !== 'method' && f.msg !== 'sub')) continue;
    const link = list.linker.get(f.seq);
    if (f.msg === 'method') {
      out.push({
        seq: f.seq,
        kind: 'method',
        name: f.name ?? '',
        start: f.at,
        ms: link?.resultMs,
        outcome: link?.resultMs !== undefined ? 'result' : 'waiting',
      });
    } else {
      const ms = link?.readyMs ?? link?.nosubMs;
      out.push({
        seq: f.seq,
        kind: 'sub',
        name: f.name ?? '',
        start: f.at,
        ms,
        outcome: link?.readyMs !== undefined ? 'ready' : link?.nosubMs !== undefined ? 'nosub' : 'waiting',
      });
    }
  }
  return out.reverse();
}

export interface Bar {
  /** Fractions of the axis, 0..1. */
  left: number;
  width: number;
}

/** Places spans on one axis from the first start to the last end (a waiting span runs to `now`). */
export function layoutSpans(spans: readonly Span[], now: number): { bars: Bar[]; from: number; to: number } {
  if (spans.length === 0) return { bars: [], from: now, to: now };
  const from = spans[0].start;
  let to = from + 1;
  for (const s of spans) to = Math.max(to, s.ms !== undefined ? s.start + s.ms : now);
  const range = to - from;
  const bars = spans.map((s) => {
    const end = s.ms !== undefined ? s.start + s.ms : now;
    return { left: (s.start - from) / range, width: Math.max(0, end - s.start) / range };
  });
  return { bars, from, to };
}
