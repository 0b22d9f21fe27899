// Why a first connect cannot succeed, in plain words. Plain module: no VS Code API.
//
// Input is what the DDP client reports today: the `socket_closed` reason (`connect ECONNREFUSED 127.0.0.1:1`,
// `Unexpected server response: 404`, `EPROTO: write EPROTO ...wrong version number...`,
// `DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate`, `connect timed out`) or an error with a `code`
// (`UNSUPPORTED_TRANSPORT` for a SockJS endpoint, `TIMEOUT`). Raw OpenSSL text never reaches the user.
import { escapeControl, maskUrlCredentials } from './text';

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
  | 'other';

export interface ConnectProblem {
  kind: ConnectProblemKind;
  /** One plain sentence for the notification and the log. */
  sentence: string;
  /** HTTP status, when the server answered one instead of upgrading. */
  status?: number;
}

const CODE = /\b(E[A-Z][A-Z_]{2,}|ERR_[A-Z0-9_]+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_[A-Z_]+|CERT_[A-Z_]+|UNSUPPORTED_TRANSPORT|TIMEOUT)\b/;

function parts(error: unknown): { code?: string; message: string } {
  if (typeof error === 'string') return { message: error, code: CODE.exec(error)?.[1] };
  if (error && typeof error === 'object') {
    const e = error as { code?: unknown; message?: unknown; cause?: { code?: unknown } };
    const message = typeof e.message === 'string' ? e.message : String(error);
    // The library's own wrapper code (SOCKET) says less than the OS error it carries as its cause.
    const code = [e.code, e.cause?.code, CODE.exec(message)?.[1]].find((c): c is string => typeof c === 'string' && c !== 'SOCKET');
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

function httpSentence(status: number, secure: boolean): string {
  const head = `The server answered HTTP ${status}`;
  if (status === 404 || (status >= 200 && status < 300)) {
    const what = status === 404 ? '' : ' (a web page, not a WebSocket)';
    return `${head}${what}: is this a Meteor/DDP server? Meteor serves DDP at /websocket.`;
  }
  if (status >= 300 && status < 400) return `${head} (a redirect)${secure ? '' : ': try wss://'}. Use the address the server redirects to.`;
  if (status === 401 || status === 403) return `${head} (${status === 401 ? 'authentication required' : 'forbidden'}) to the WebSocket upgrade.`;
  if (status >= 500) return `${head}: the server, or a proxy in front of it, has a problem.`;
  return `${head} instead of upgrading to a WebSocket: is this a Meteor/DDP server? Meteor serves DDP at /websocket.`;
}

/** The plain sentence for a connect that failed before the first DDP `connected` (`url`: the WebSocket URL). */
export function explainConnectProblem(error: unknown, url: string): ConnectProblem {
  const { code, message } = parts(error);
  const { host, hostPort, secure } = where(url);
  const status = /Unexpected server response: (\d{3})/.exec(message)?.[1];
  if (status) return { kind: 'http', status: Number(status), sentence: httpSentence(Number(status), secure) };
  if (code === 'UNSUPPORTED_TRANSPORT' || /sockjs/i.test(message)) {
    return { kind: 'sockjs', sentence: 'This address speaks SockJS only: DDP Explorer needs the plain WebSocket endpoint, which Meteor serves at /websocket.' };
  }
  switch (code) {
    case 'ECONNREFUSED':
      return { kind: 'refused', sentence: `Nothing is listening on ${hostPort}.` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return { kind: 'dns', sentence: `The host name "${host}" could not be found (DNS).` };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return { kind: 'unreachable', sentence: `${host} cannot be reached from this machine (no route to the host).` };
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return { kind: 'certificate', sentence: `The server's TLS certificate is self-signed, so it is not trusted. Trust it in the operating system, or set "rejectUnauthorized": false in this connection's options (insecure).` };
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return { kind: 'certificate', sentence: `The server's TLS certificate is signed by an authority this machine does not trust (a self-signed or private CA). Trust that CA in the operating system, or set "rejectUnauthorized": false in this connection's options (insecure).` };
    case 'CERT_HAS_EXPIRED':
      return { kind: 'certificate', sentence: `The server's TLS certificate has expired.` };
    case 'CERT_NOT_YET_VALID':
      return { kind: 'certificate', sentence: `The server's TLS certificate is not valid yet (check this machine's clock).` };
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return { kind: 'certificate', sentence: `The server's TLS certificate is for another host name than ${host}.` };
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' || /wrong version number|packet length too long|http request/i.test(message)) {
    return { kind: 'not-tls', sentence: 'The server does not speak TLS: try ws:// instead of wss://.' };
  }
  if (code === 'EPROTO' || (code?.startsWith('ERR_SSL') ?? false)) {
    return { kind: 'not-tls', sentence: 'The TLS handshake with the server failed: does it speak TLS on this port? Try ws:// instead of wss://.' };
  }
  if (code === 'TIMEOUT' || code === 'ETIMEDOUT' || /timed out/i.test(message)) {
    return { kind: 'timeout', sentence: `${hostPort} did not answer in time.` };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(message)) {
    return {
      kind: secure ? 'reset' : 'tls-to-plain',
      sentence: secure
        ? `${hostPort} closed the connection during the handshake.`
        : `${hostPort} closed the connection without answering: if it serves TLS, try wss://.`,
    };
  }
  const reason = escapeControl(maskUrlCredentials(message)).slice(0, 300);
  return { kind: 'other', sentence: `Could not connect to ${hostPort}${reason ? `: ${reason}` : ''}.` };
}
