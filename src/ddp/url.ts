const SCHEMES: Record<string, string> = {
  'ws:': 'ws:',
  'wss:': 'wss:',
  'http:': 'ws:',
  'https:': 'wss:',
  // Meteor's DDP.connect accepts these; we speak the raw WebSocket endpoint every Meteor server also serves.
  'ddp:': 'ws:',
  'ddp+sockjs:': 'ws:',
  'ddpi+sockjs:': 'ws:',
};

/**
 * Turns what a user types (`ws://h:3000/websocket`, `https://h`, `h:3000`) into the WebSocket URL of a DDP
 * server, the way Meteor does: http -> ws, https -> wss, bare host -> ws, and `/websocket` appended.
 * Throws a TypeError with a message fit to show the user.
 */
export function normalizeUrl(input: string): string {
  const text = input.trim();
  if (!text) throw new TypeError('Enter the server URL, for example ws://localhost:3000/websocket');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `ws://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new TypeError(`Not a valid URL: ${text}`);
  }
  const scheme = SCHEMES[url.protocol.toLowerCase()];
  if (!scheme) throw new TypeError(`Unsupported scheme ${url.protocol} (use ws, wss, http or https)`);
  if (!url.hostname) throw new TypeError(`The URL has no host: ${text}`);
  // URL refuses to change a special scheme (http) into a non-special one (ws) in place, so rebuild it.
  let path = url.pathname.replace(/\/+$/, '');
  if (path.endsWith('/sockjs')) path = path.slice(0, -'/sockjs'.length);
  if (!path.endsWith('/websocket')) path += '/websocket';
  const auth = url.username ? `${url.username}${url.password ? `:${url.password}` : ''}@` : '';
  return `${scheme}//${auth}${url.host}${path}${url.search}`;
}
