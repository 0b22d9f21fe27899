// A batch of frames as the inspector's webview receives it (src/core/frameRing.ts packs it on the host), and the one
// place that turns it into frames to show. Plain module, also bundled into the webview: no VS Code API, no Node API.
//
// Masking is split by cost. The host masks the secret *values* it knows (resume tokens, typed passwords) before a
// batch leaves it: one native byte search per secret over the whole batch, and only a frame with a hit is decoded
// (src/presentation/masker.ts). The secret *fields* (password, digest, token...) are masked here, in the webview's
// own process, as each frame is decoded anyway: a regex test per frame that would otherwise run on the thread the
// DDP client shares. Together it is exactly the log's masking (test/unit/inspector-batch.test.ts checks that).
import { maskSecrets } from '../../ddp/mask';
import { mayHoldSecretFields, maskSecretFields } from '../../core/secretKeys';
import type { CaptureBatch } from '../../core/capture';
import type { WireFrame } from './frames';

/** Frames `first`, `first + 1`, ...: their texts one after another in `data` (packed by src/core/frameRing.ts). */
export type FrameBatch = CaptureBatch;

/** The log's masking of secret fields (the part that needs no secret values). */
export function maskSecretFieldsOf(text: string): string {
  return mayHoldSecretFields(text) ? maskSecretFields(maskSecrets(text)) : text;
}

/** Whether a message's `batch` has the shape the host sends (typed arrays of one length). */
export function isFrameBatch(value: unknown): value is FrameBatch {
  if (!value || typeof value !== 'object') return false;
  const b = value as Record<string, unknown>;
  if (typeof b.first !== 'number' || !(b.ats instanceof Float64Array) || !(b.dirs instanceof Uint8Array)) return false;
  if (!(b.sizes instanceof Uint32Array) || !(b.data instanceof Uint8Array)) return false;
  const n = b.ats.length;
  if (b.dirs.length !== n || b.sizes.length !== n) return false;
  const lengths = b.lengths === undefined ? b.sizes : b.lengths;
  if (!(lengths instanceof Uint32Array) || lengths.length !== n) return false;
  let total = 0;
  for (let i = 0; i < n; i++) total += lengths[i];
  return total === b.data.length;
}

const decoder = new TextDecoder();

/** The batch's frames, decoded and masked for display. */
export function unpackBatch(batch: FrameBatch, mask: (text: string) => string = maskSecretFieldsOf): WireFrame[] {
  const n = batch.sizes.length;
  const lengths = batch.lengths ?? batch.sizes;
  const out = new Array<WireFrame>(n);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const end = o + lengths[i];
    out[i] = {
      seq: batch.first + i,
      at: batch.ats[i],
      dir: batch.dirs[i] === 0 ? 'in' : 'out',
      bytes: batch.sizes[i],
      text: mask(decoder.decode(batch.data.subarray(o, end))),
    };
    o = end;
  }
  return out;
}
