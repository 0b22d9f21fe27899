// Which object keys hold secrets: one answer for the whole extension (log redaction, the params history, login
// results in notifications). Plain module: no VS Code API.
//
// The library's list (src/ddp/mask.ts: the keys it masks in every traced frame) is the reference: a key is secret
// when the library masks it. The extension adds the words a human would also call secret in method params
// (apiKey, clientSecret, newPassword, ...), matched case-insensitively inside the key.
import { maskSecrets } from '../ddp/mask';

const SECRET_WORDS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'credential',
  'digest',
  'resume',
  'srp',
];

const known = new Map<string, boolean>();

function libraryMasks(key: string): boolean {
  const probe = JSON.stringify({ [key]: 'x' });
  return maskSecrets(probe) !== probe;
}

/** True when a value under this key must not be shown in a log or notification, nor stored on disk. */
export function isSecretKey(key: string): boolean {
  let hit = known.get(key);
  if (hit === undefined) {
    const plain = key.toLowerCase().replace(/[-_\s.]/g, '');
    hit = libraryMasks(key) || SECRET_WORDS.some((w) => plain.includes(w));
    if (known.size > 10_000) known.clear(); // keys come from servers too: bound the cache
    known.set(key, hit);
  }
  return hit;
}

// Every key isSecretKey() accepts holds one of the words, in any case, with separators in between: this finds them
// all (and a few more) in a whole text at once. The Kelvin sign (U+212A) is the one non-ASCII character that
// toLowerCase() turns into an ASCII letter ("k"), which a case-insensitive regex does not fold.
const MAY_HOLD_SECRET = new RegExp(SECRET_WORDS.map((w) => [...w].join('[-_\\s.]*')).join('|'), 'i');

/**
 * False when neither maskSecretFields() nor the library's maskSecrets() would change the text: a quick test run
 * first, so that ordinary frames (almost all of them) cost one regex scan instead of the masking.
 */
export function mayHoldSecretFields(text: string): boolean {
  return MAY_HOLD_SECRET.test(text) || text.includes('\u212a');
}

/** Whether a value holds a secret-looking key at any depth (arrays and plain objects; bounded). */
export function hasSecretKeys(value: unknown, depth = 0): boolean {
  if (depth > 100 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => hasSecretKeys(v, depth + 1));
  for (const k of Object.keys(value)) {
    if (isSecretKey(k)) return true;
    if (hasSecretKeys((value as Record<string, unknown>)[k], depth + 1)) return true;
  }
  return false;
}

/**
 * Replaces the string value of every secret-looking key in JSON text (a traced frame, a log line) with "***": the
 * library masks its own keys in frames; this adds the rest of the list (apiKey, clientSecret, ...), so that the log
 * hides what the params history refuses to keep.
 */
export function maskSecretFields(text: string): string {
  if (!text.includes('":')) return text;
  return text.replace(/"((?:[^"\\]|\\.){1,200})"(\s*:\s*)"(?:[^"\\]|\\.)*\\?(?:"|$)/g, (m, key: string, sep: string) =>
    isSecretKey(key) ? `"${key}"${sep}"***"` : m,
  );
}
