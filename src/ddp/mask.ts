// Keys whose string values are secrets in DDP traffic: login digests, plain passwords, resume tokens.
const SECRET_KEYS =
  /("(?:digest|password|resume|token|hashedToken|newPassword|oldPassword|srp)"\s*:\s*)"(?:[^"\\]|\\.)*\\?(?:"|$)/g;

/** Replaces secret values in a JSON text (a frame, a log line, even a truncated one) with "***". */
export function maskSecrets(text: string): string {
  return text.replace(SECRET_KEYS, '$1"***"');
}

const EXCERPT = 2048;

/** A frame as shown with a protocol error: secrets masked, and short enough for a log line. */
export function excerpt(text: string): string {
  const head = text.length > EXCERPT ? `${text.slice(0, EXCERPT)}… (${text.length} characters)` : text;
  return maskSecrets(head);
}
