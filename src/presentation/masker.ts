// Masks secrets in log text: the JSON fields the library knows (digest, password, resume, token...) and
// every secret value registered at run time (resume tokens, typed passwords). Plain module: no VS Code API.
import { maskSecrets } from '../ddp/mask';
import { mayHoldSecretFields, maskSecretFields } from '../core/secretKeys';

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

  mask(text: string): string {
    let out = mayHoldSecretFields(text) ? maskSecretFields(maskSecrets(text)) : text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join('***');
    return out;
  }
}
