// Text from a server or a user, made safe to put in one line of anything. Plain module: no VS Code API.
// (The helpers for each VS Code sink are built on these in presentation/sanitize.ts.)

/** `scheme://user:pass@` -> `scheme://***@` (and `//user@` too: a user name alone is still an account). */
export function maskUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]*@/gi, '$1***@');
}

/**
 * Control characters as visible escapes (`\n`, `\r`, `\u001b`, ...): C0, DEL, C1, line/paragraph separators and
 * the bidirectional overrides that would reorder what a reader sees.
 */
export function escapeControl(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, (c) => {
    switch (c) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
}
