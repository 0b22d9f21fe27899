// Masks secrets in log text: the JSON fields the library knows (digest, password, resume, token...) and
// every secret value registered at run time (resume tokens, typed passwords). Plain module: no VS Code API.
import { maskSecrets } from '../ddp/mask';
import { mayHoldSecretFields, maskSecretFields } from '../core/secretKeys';
import { batchBytes, batchIn, unzeroedMemory } from '../core/frameRing';
import type { FrameBatch } from './inspector/batch';

/** Secrets shorter than this are not masked by value (they would hide ordinary text); patterns still apply. */
export const MIN_SECRET_LENGTH = 6;

export class SecretMasker {
  private readonly secrets = new Set<string>();

  add(value: string | undefined): void {
    if (value && value.length >= MIN_SECRET_LENGTH) this.secrets.add(value);
    // JSON-escaped forms too, so that a secret with quotes or backslashes is found inside a frame.
    if (value && value.length >= MIN_SECRET_LENGTH) {
      const escaped = JSON.stringify(value).slice(1, -1);
      if (escaped !== value) this.secrets.add(escaped);
    }
  }

  delete(value: string | undefined): void {
    if (!value) return;
    this.secrets.delete(value);
    this.secrets.delete(JSON.stringify(value).slice(1, -1));
  }

  clear(): void {
    this.secrets.clear();
  }

  /**
   * A batch for the inspector's webview with the registered secret values masked (it masks the secret fields itself:
   * see src/presentation/inspector/batch.ts). Each value is one native byte search over the whole batch; only a frame
   * holding one is decoded, masked like a log line and encoded again. A batch without any comes back as it is.
   */
  maskValuesIn(batch: FrameBatch): FrameBatch {
    if (this.secrets.size === 0 || batch.data.length === 0) return batch;
    const data = Buffer.from(batch.data.buffer, batch.data.byteOffset, batch.data.byteLength);
    const n = batch.sizes.length;
    const lengths = batch.lengths ?? batch.sizes;
    const needles = [...this.secrets].map((secret) => Buffer.from(secret, 'utf8'));
    // Nearly every batch holds none: the frames' bounds are only worked out once one is found.
    if (needles.every((needle) => data.indexOf(needle) < 0)) return batch;
    const ends = new Float64Array(unzeroedMemory(n * 8));
    for (let i = 0, o = 0; i < n; i++) ends[i] = o += lengths[i];
    const hit = new Set<number>();
    for (const needle of needles) {
      for (let at = data.indexOf(needle); at >= 0;) {
        const frame = frameAt(ends, at);
        hit.add(frame);
        at = data.indexOf(needle, ends[frame]);
      }
    }
    if (hit.size === 0) return batch;
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let i = 0; i < n; i++) {
      const start = i === 0 ? 0 : ends[i - 1];
      const part = hit.has(i)
        ? Buffer.from(this.mask(data.toString('utf8', start, ends[i])), 'utf8')
        : data.subarray(start, ends[i]);
      parts.push(part);
      total += part.length;
    }
    // A fresh buffer for the whole batch, facts too: the webview is sent the whole buffer under an array, and the
    // batch's own buffer (a page, or a pooled one) still holds the unmasked frames.
    const out = batchIn(unzeroedMemory(batchBytes(n, total, true)), batch.first, n, total, true);
    out.ats.set(batch.ats);
    out.sizes.set(batch.sizes);
    out.dirs.set(batch.dirs);
    for (let i = 0, o = 0; i < n; o += parts[i].length, i++) {
      out.lengths![i] = parts[i].length;
      out.data.set(parts[i], o);
    }
    return out;
  }

  mask(text: string): string {
    let out = mayHoldSecretFields(text) ? maskSecretFields(maskSecrets(text)) : text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join('***');
    return out;
  }
}

/** Index of the frame whose bytes hold offset `at` (`ends`: each frame's end offset, ascending). */
function frameAt(ends: Float64Array, at: number): number {
  let lo = 0;
  let hi = ends.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ends[mid] <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
