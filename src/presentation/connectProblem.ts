// Why a first connect cannot succeed, in plain words. Plain module: no VS Code API. The kind comes from
// src/core/connectProblem.ts; raw OpenSSL text never reaches the user.
import { classifyConnectProblem, type ConnectProblem, type ConnectProblemKind } from '../core/connectProblem';
import { escapeControl, maskUrlCredentials } from './sanitize';

export type { ConnectProblem, ConnectProblemKind };

function httpSentence(status: number, secure: boolean): string {
  const head = `The server answered HTTP ${status}`;
  if (status === 404 || (status >= 200 && status < 300)) {
    const what = status === 404 ? '' : ' (a web page, not a WebSocket)';
    return `${head}${what}: is this a Meteor/DDP server? Meteor serves DDP at /websocket.`;
  }
  if (status >= 300 && status < 400)
    return `${head} (a redirect)${secure ? '' : ': try wss://'}. Use the address the server redirects to.`;
  if (status === 401 || status === 403)
    return `${head} (${status === 401 ? 'authentication required' : 'forbidden'}) to the WebSocket upgrade.`;
  if (status >= 500) return `${head}: the server, or a proxy in front of it, has a problem.`;
  return `${head} instead of upgrading to a WebSocket: is this a Meteor/DDP server? Meteor serves DDP at /websocket.`;
}

function certificateSentence(p: ConnectProblem): string {
  switch (p.certificate) {
    case 'self-signed':
      return `The server's TLS certificate is self-signed, so it is not trusted. Trust it in the operating system, or set "rejectUnauthorized": false in this connection's options (insecure).`;
    case 'untrusted-ca':
      return `The server's TLS certificate is signed by an authority this machine does not trust (a self-signed or private CA). Trust that CA in the operating system, or set "rejectUnauthorized": false in this connection's options (insecure).`;
    case 'expired':
      return `The server's TLS certificate has expired.`;
    case 'not-yet-valid':
      return `The server's TLS certificate is not valid yet (check this machine's clock).`;
    case 'wrong-host':
    default:
      return `The server's TLS certificate is for another host name than ${p.host}.`;
  }
}

const PROXY_SETTINGS = 'http.proxy (or HTTPS_PROXY / HTTP_PROXY in the environment)';

/** The proxy refused the tunnel or cannot be reached: what it said, and where to look. */
function proxySentence(p: ConnectProblem): string {
  const proxy = p.proxy ?? {};
  const at = proxy.at ? `The proxy at ${proxy.at}` : 'The proxy';
  if (proxy.status === undefined) {
    const why = proxy.code ? ` (${proxy.code})` : '';
    if (proxy.code === 'ENOTFOUND' || proxy.code === 'EAI_AGAIN')
      return `${at} cannot be reached: its host name could not be found (DNS). Check ${PROXY_SETTINGS}.`;
    return `${at} cannot be reached${why}: check ${PROXY_SETTINGS}.`;
  }
  const answer = `${proxy.status}${proxy.statusText ? ` ${escapeControl(proxy.statusText).slice(0, 100)}` : ''}`;
  if (proxy.status === 407)
    return `${at} refused the tunnel: ${answer} — check the user and password in ${PROXY_SETTINGS}.`;
  if (proxy.status === 403)
    return `${at} refused the tunnel: ${answer} — it does not allow connections to ${p.hostPort}; ask its administrator, or list ${p.host} in http.noProxy (or NO_PROXY) if it is reachable without the proxy.`;
  if (proxy.status === 502 || proxy.status === 503 || proxy.status === 504)
    return `${at} could not reach ${p.hostPort}: ${answer} — check the server's address, and that the proxy can reach it.`;
  return `${at} refused the tunnel: ${answer}.`;
}

/** One plain sentence for the notification, the log and the tooltip. */
export function connectProblemSentence(p: ConnectProblem): string {
  switch (p.kind) {
    case 'http':
      return httpSentence(p.status ?? 0, p.secure);
    case 'sockjs':
      return 'This address speaks SockJS only and the connection\'s "transport" option is "websocket": set it to "auto" or "sockjs" (or use the plain WebSocket endpoint, which Meteor serves at /websocket).';
    case 'refused':
      return `Nothing is listening on ${p.hostPort}.`;
    case 'dns':
      return `The host name "${p.host}" could not be found (DNS).`;
    case 'unreachable':
      return `${p.host} cannot be reached from this machine (no route to the host).`;
    case 'certificate':
      return certificateSentence(p);
    case 'not-tls':
      return p.handshake
        ? 'The TLS handshake with the server failed: does it speak TLS on this port? Try ws:// instead of wss://.'
        : 'The server does not speak TLS: try ws:// instead of wss://.';
    case 'timeout':
      return p.upgrade
        ? `${p.hostPort} took the connection but never answered the WebSocket upgrade, and does not serve SockJS either: a proxy in between may be swallowing WebSocket upgrades; check the address and port.`
        : `${p.hostPort} did not answer in time.`;
    case 'reset':
      return `${p.hostPort} closed the connection during the handshake.`;
    case 'tls-to-plain':
      return `${p.hostPort} closed the connection without answering: if it serves TLS, try wss://.`;
    case 'proxy':
      return proxySentence(p);
    case 'version':
      return `The server speaks none of the DDP versions offered (${(p.versions ?? []).join(', ')}).`;
    case 'other': {
      const reason = escapeControl(maskUrlCredentials(p.message ?? '')).slice(0, 300);
      return `Could not connect to ${p.hostPort}${reason ? `: ${reason}` : ''}.`;
    }
  }
}

/** The kind and the plain sentence for a connect that failed before the first DDP `connected`. */
export function explainConnectProblem(error: unknown, url: string): ConnectProblem & { sentence: string } {
  const problem = classifyConnectProblem(error, url);
  return { ...problem, sentence: connectProblemSentence(problem) };
}
