// Keys whose string values are secrets in DDP traffic: login digests, plain passwords, resume tokens.
const SECRET_KEYS = /("(?:digest|password|resume|token|hashedToken|newPassword|oldPassword|srp)"\s*:\s*)"(?:[^"\\]|\\.)*\\?(?:"|$)/g;

/** Replaces secret values in a JSON text (a frame, a log line, even a truncated one) with "***". */
export function maskSecrets(text: string): string {
  return text.replace(SECRET_KEYS, '$1"***"');
}
