// Keys whose string values are secrets in DDP traffic: login digests, plain passwords, resume tokens, two-factor
// codes (Rocket.Chat's `twoFactorCode` method argument).
const SECRET_KEYS =
  /("(?:digest|password|resume|token|hashedToken|newPassword|oldPassword|srp|twoFactorCode)"\s*:\s*)"(?:[^"\\]|\\.)*\\?(?:"|$)/g;
/**
 * Rocket.Chat's two-factor login `{"totp": {"login": {...}, "code": "123456"}}`: "code" is a secret only inside
 * "totp" (elsewhere it is an error code), so the first "code" after a "totp" key is masked, in either order.
 */
const TOTP_CODE = /("totp"\s*:\s*\{(?:[^"]|"(?!code")(?:[^"\\]|\\.)*")*?"code"\s*:\s*)"(?:[^"\\]|\\.)*\\?(?:"|$)/g;

/** Replaces secret values in a JSON text (a frame, a log line, even a truncated one) with "***". */
export function maskSecrets(text: string): string {
  const masked = text.replace(SECRET_KEYS, '$1"***"');
  return masked.includes('"totp"') ? masked.replace(TOTP_CODE, '$1"***"') : masked;
}

const EXCERPT = 2048;

/** A frame as shown with a protocol error: secrets masked, and short enough for a log line. */
export function excerpt(text: string): string {
  const head = text.length > EXCERPT ? `${text.slice(0, EXCERPT)}… (${text.length} characters)` : text;
  return maskSecrets(head);
}
