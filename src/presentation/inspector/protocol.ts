// Messages between the inspector panel (extension host) and its webview. Plain module (also in the webview).
// The webview masks what it shows (./batch.ts); anything exact (copy, resend) is done by the host from the capture.
import type { FrameBatch } from './batch';

export interface SourceInfo {
  /** Connection name, tap client or file name. */
  title: string;
  /** URL, state, file path: one line of plain text. */
  detail: string;
  /** Frames still arrive. */
  live: boolean;
  /** Method and sub frames can be sent again (our own connections, while connected). */
  canResend: boolean;
}

export type HostMessage =
  /** `key` is kept in the webview's state, so that the panel reopens on the same source after a reload. */
  | { type: 'init'; key: string; source: SourceInfo; paused: boolean; maxFrames: number }
  /** The frames since the last message, in pieces of at most 64 KiB (./feed.ts). */
  | { type: 'frames'; batches: FrameBatch[] }
  | { type: 'source'; source: SourceInfo }
  | { type: 'paused'; paused: boolean }
  /** The setting changed: keep only the newest `maxFrames` (the host's capture did the same). */
  | { type: 'maxFrames'; maxFrames: number }
  | { type: 'cleared' };

export type ViewMessage =
  | { type: 'ready' }
  | { type: 'pause'; paused: boolean }
  | { type: 'clear' }
  | { type: 'copy'; seq: number }
  | { type: 'resend'; seq: number; edit: boolean }
  /** `seqs`: the frames shown when a filter is on (the host offers them or everything); null without a filter. */
  | { type: 'export'; seqs: number[] | null };

/** Checks a message from the webview (its code is ours, but a message is still input). */
export function parseViewMessage(value: unknown): ViewMessage | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const m = value as Record<string, unknown>;
  const seq = typeof m.seq === 'number' && Number.isInteger(m.seq) && m.seq > 0 ? m.seq : undefined;
  switch (m.type) {
    case 'ready':
    case 'clear':
      return { type: m.type };
    case 'pause':
      return typeof m.paused === 'boolean' ? { type: 'pause', paused: m.paused } : undefined;
    case 'copy':
      return seq !== undefined ? { type: 'copy', seq } : undefined;
    case 'resend':
      return seq !== undefined && typeof m.edit === 'boolean' ? { type: 'resend', seq, edit: m.edit } : undefined;
    case 'export':
      if (m.seqs === null) return { type: 'export', seqs: null };
      if (Array.isArray(m.seqs) && m.seqs.every((s) => typeof s === 'number' && Number.isInteger(s))) {
        return { type: 'export', seqs: m.seqs as number[] };
      }
      return undefined;
    default:
      return undefined;
  }
}
