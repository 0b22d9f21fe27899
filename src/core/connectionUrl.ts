// Server URLs typed by the user or read from settings. Plain module: no VS Code API.
import { normalizeUrl } from '../ddp';

export const CREDENTIALS_IN_URL =
  'The URL holds a user name or password. DDP Explorer does not take credentials in URLs (they would end up in ' +
  'settings, the recent list and the log): remove them, connect, then use "DDP: Log In...".';

/** Whether the URL (in any form normalizeUrl accepts) carries `user[:password]@`. */
export function hasCredentials(text: string): boolean {
  try {
    const u = new URL(normalizeUrl(text));
    return u.username !== '' || u.password !== '';
  } catch {
    // Not a URL normalizeUrl accepts: look for userinfo the plain way, so that nothing with one gets stored.
    return /^[^/?#]*\/\/[^/?#]*@|^[^/?#:]+:[^/?#@]*@/.test(text.trim());
  }
}

/** The WebSocket URL for `text`; throws a TypeError fit to show the user (invalid, or with credentials). */
export function serverUrl(text: string): string {
  const url = normalizeUrl(text);
  if (hasCredentials(url)) throw new TypeError(CREDENTIALS_IN_URL);
  return url;
}
