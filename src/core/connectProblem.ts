// Why a first connect cannot succeed, as a kind the extension can act on (the sentence for the user is written
// by src/presentation/connectProblemText.ts).
//
// Input is what the DDP client reports: the `socket_closed` reason (`connect ECONNREFUSED 127.0.0.1:1`,
// `Unexpected server response: 404`, `EPROTO: write EPROTO ...wrong version number...`,
// `DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate`, `connect timed out`) or an error with a `code`
// (`UNSUPPORTED_TRANSPORT` for a SockJS endpoint, `TIMEOUT`).

export type ConnectProblemKind =
  | 'refused'
  | 'dns'
  | 'unreachable'
  | 'http'
  | 'not-tls'
  | 'tls-to-plain'
  | 'certificate'
  | 'sockjs'
  | 'timeout'
  | 'version'
  | 'reset'
  | 'proxy'
  | 'other';

/** Which certificate check failed (each has its own advice). */
export type CertificateProblem = 'self-signed' | 'untrusted-ca' | 'expired' | 'not-yet-valid' | 'wrong-host';

export interface ConnectProblem {
  kind: ConnectProblemKind;
  /** Host name, `host:port` and whether TLS was asked for (wss:, https:), from the WebSocket URL. */
  host: string;
  hostPort: string;
  secure: boolean;
  /** HTTP status, when the server answered one instead of upgrading. */
  status?: number;
  certificate?: CertificateProblem;
  /** `not-tls`: the TLS layer itself failed (not a plain-text answer to a TLS hello). */
  handshake?: boolean;
  /** `version`: the DDP versions the client offered. */
  versions?: string[];
  /** `timeout`: the connection was taken but the WebSocket upgrade never answered (and no SockJS either). */
  upgrade?: boolean;
  /** `other`: the raw reason (server or OS text, unescaped: the presentation escapes it). */
  message?: string;
  /**
   * `proxy`: the HTTP proxy in the way: its `host:port` (never credentials), and its answer to CONNECT (`status`,
   * `statusText`: the proxy's own words, unescaped) or, when it could not be reached, the OS error `code`.
   */
  proxy?: { at?: string; status?: number; statusText?: string; code?: string };
}

const CODE =
  /\b(E[A-Z][A-Z_]{2,}|ERR_[A-Z0-9_]+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_[A-Z_]+|CERT_[A-Z_]+|UNSUPPORTED_TRANSPORT|TIMEOUT)\b/;

function parts(error: unknown): { code?: string; message: string } {
  if (typeof error === 'string') return { message: error, code: CODE.exec(error)?.[1] };
  if (error && typeof error === 'object') {
    const e = error as { code?: unknown; message?: unknown };
    const message = typeof e.message === 'string' ? e.message : (error as { toString(): string }).toString();
    // DdpConnectionError's 'SOCKET' only says "the socket failed": the socket's own code is in its message.
    const code = typeof e.code === 'string' && e.code !== 'SOCKET' ? e.code : CODE.exec(message)?.[1];
    return { code, message };
  }
  return { message: String(error) };
}

function where(url: string): { host: string; hostPort: string; secure: boolean } {
  try {
    const u = new URL(url);
    const secure = u.protocol === 'wss:' || u.protocol === 'https:';
    const port = u.port || (secure ? '443' : '80');
    return { host: u.hostname, hostPort: `${u.hostname}:${port}`, secure };
  } catch {
    return { host: url, hostPort: url, secure: false };
  }
}

const CERTIFICATE: Record<string, CertificateProblem> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'untrusted-ca',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'untrusted-ca',
  UNABLE_TO_GET_ISSUER_CERT: 'untrusted-ca',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'untrusted-ca',
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not-yet-valid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'wrong-host',
};

/**
 * The kind of a connect that failed before the first DDP `connected` (`url`: the WebSocket URL; `proxy`: `host:port`
 * of the HTTP proxy in use, if any).
 */
export function classifyConnectProblem(error: unknown, url: string, proxy?: string): ConnectProblem {
  const { code, message } = parts(error);
  const at = where(url);
  // The library's proxy errors (src/ddp/proxy.ts) say which proxy and what it answered, in these words.
  const refused = /The proxy at (\S+) refused the tunnel to \S+: (\d{3})(?: ([^\n]*))?/.exec(message);
  if (refused)
    return { kind: 'proxy', ...at, proxy: { at: refused[1], status: Number(refused[2]), statusText: refused[3] } };
  const unreachable = /The proxy at (\S+) cannot be reached: ([^\n]*)/.exec(message);
  if (unreachable) return { kind: 'proxy', ...at, proxy: { at: unreachable[1], code: CODE.exec(unreachable[2])?.[1] } };
  const status = /Unexpected server response: (\d{3})/.exec(message)?.[1];
  // Only proxies answer 407, also when another agent (VS Code's own proxy support) opened the tunnel.
  if (status === '407')
    return { kind: 'proxy', ...at, proxy: { at: proxy, status: 407, statusText: 'Proxy Authentication Required' } };
  if (status) return { kind: 'http', ...at, status: Number(status) };
  if (code === 'UNSUPPORTED_TRANSPORT' || /sockjs/i.test(message)) return { kind: 'sockjs', ...at };
  switch (code) {
    case 'ECONNREFUSED':
      return { kind: 'refused', ...at };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return { kind: 'dns', ...at };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return { kind: 'unreachable', ...at };
  }
  const certificate = code !== undefined ? CERTIFICATE[code] : undefined;
  if (certificate) return { kind: 'certificate', ...at, certificate };
  if (
    code === 'ERR_SSL_WRONG_VERSION_NUMBER' ||
    code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' ||
    /wrong version number|packet length too long|http request/i.test(message)
  ) {
    return { kind: 'not-tls', ...at };
  }
  if (code === 'EPROTO' || (code?.startsWith('ERR_SSL') ?? false)) return { kind: 'not-tls', ...at, handshake: true };
  if (code === 'TIMEOUT' || code === 'ETIMEDOUT' || /timed out/i.test(message)) {
    // The library's own words when the server took the connection but never answered the WebSocket upgrade.
    const upgrade = /WebSocket upgrade got no answer/.test(message);
    return { kind: 'timeout', ...at, ...(upgrade ? { upgrade } : {}) };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(message))
    return { kind: at.secure ? 'reset' : 'tls-to-plain', ...at };
  return { kind: 'other', ...at, message };
}

/** The server speaks none of the DDP versions the client offered. */
export function versionProblem(url: string, versions: string[]): ConnectProblem {
  return { kind: 'version', ...where(url), versions };
}
