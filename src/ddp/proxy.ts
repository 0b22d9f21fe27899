// Which HTTP agent a socket to a DDP server goes through: the caller's own `agent`, a CONNECT tunnel through the
// proxy the options or the environment name, or none (a direct connection).
//
// The tunnel is https-proxy-agent's (CONNECT, Proxy-Authorization from the proxy URL's user:password, TLS to the
// server inside the tunnel); the environment rules are proxy-from-env's (HTTPS_PROXY / HTTP_PROXY / ALL_PROXY /
// NO_PROXY, lower case first). ws:// follows the http:// rules and wss:// the https:// ones. CONNECT is used for
// ws:// too: RFC 6455 §4.1 asks for it, and forward proxies do not relay an Upgrade request.
import type * as http from 'node:http';
import type * as net from 'node:net';
import type { AgentConnectOpts } from 'agent-base';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';
import type { SocketError } from './types';

/** The options that decide the agent (a subset of DdpClientOptions). */
export interface ProxyOptions {
  /** Used as is: the caller decides everything (proxy, keep-alive, TLS). */
  agent?: http.Agent;
  /** A proxy URL (`http://user:pass@proxy:3128`), or false for never a proxy; default: the environment's. */
  proxy?: string | false;
  /** Hosts that bypass the proxy (`host`, `host:port`, `.suffix`, `*.suffix`, `*`); default: NO_PROXY. */
  noProxy?: string | readonly string[];
  rejectUnauthorized?: boolean;
  ca?: string | Buffer | Array<string | Buffer>;
}

/** A socket error that happened at the proxy, not at the DDP server: `proxy` is its host:port (never credentials). */
export type ProxyError = SocketError & { proxy: string; proxyStatus?: number };

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443 };

/** The URL with ws/wss read as http/https, the schemes proxy rules are written for. */
function httpForm(url: string): URL | undefined {
  try {
    const u = new URL(url);
    if (u.protocol === 'ws:') u.protocol = 'http:';
    else if (u.protocol === 'wss:') u.protocol = 'https:';
    return u;
  } catch {
    return undefined;
  }
}

function envNoProxy(): string {
  return process.env.no_proxy || process.env.NO_PROXY || '';
}

/** NO_PROXY matching as proxy-from-env does it (which keeps its matcher private), for lists given as options. */
export function bypassesProxy(url: string, noProxy: string | readonly string[]): boolean {
  const u = httpForm(url);
  if (!u) return false;
  const host = u.hostname.toLowerCase();
  const port = Number(u.port) || DEFAULT_PORTS[u.protocol] || 0;
  const entries = (typeof noProxy === 'string' ? noProxy.split(/[,\s]+/) : noProxy.flatMap((e) => e.split(/[,\s]+/)))
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  return entries.some((entry) => {
    if (entry === '*') return true;
    const withPort = /^(.+):(\d+)$/.exec(entry);
    let name = withPort ? withPort[1] : entry;
    if (withPort && Number(withPort[2]) !== port) return false;
    if (!/^[.*]/.test(name)) return host === name || `[${host}]` === name || host === name.replace(/^\[|\]$/g, '');
    if (name.startsWith('*')) name = name.slice(1);
    return host.endsWith(name) || `.${host}` === name;
  });
}

/**
 * The proxy a connection to `url` goes through (a URL, possibly with credentials), or undefined for a direct one.
 * An explicit `agent` is not a proxy this module knows of: undefined too.
 */
export function proxyFor(url: string, options: ProxyOptions): string | undefined {
  if (options.agent || options.proxy === false) return undefined;
  const target = httpForm(url);
  if (!target) return undefined;
  if (bypassesProxy(url, options.noProxy ?? envNoProxy())) return undefined;
  if (typeof options.proxy === 'string' && options.proxy.trim() !== '') return options.proxy.trim();
  return getProxyForUrl(target.href) || undefined;
}

/** The proxy as a URL; a bare `host:port` is an http:// proxy. Throws a TypeError (credentials masked) otherwise. */
export function parseProxyUrl(proxy: string): URL {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new TypeError(`The proxy URL ${maskCredentials(proxy)} is not a valid URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new TypeError(
      `The proxy URL ${maskCredentials(proxy)} is not supported: only http:// and https:// proxies are`,
    );
  return u;
}

/** `host:port` of a proxy, the only part of it a message may show. */
export function proxyAddress(proxy: string | URL): string {
  try {
    const u = typeof proxy === 'string' ? parseProxyUrl(proxy) : proxy;
    return `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return maskCredentials(String(proxy));
  }
}

function maskCredentials(text: string): string {
  return text.replace(
    /^([a-z][a-z0-9+.-]*:\/\/)?[^/?#@\s]*@/i,
    (_m, scheme: string | undefined) => `${scheme ?? ''}***@`,
  );
}

/**
 * The agent for a socket to `url`: `options.agent` as is, a new CONNECT tunnel (one per socket), or undefined for a
 * direct connection. Throws a TypeError for a proxy URL that cannot be used.
 */
export function agentFor(url: string, options: ProxyOptions): http.Agent | undefined {
  if (options.agent) return options.agent;
  const proxy = proxyFor(url, options);
  if (proxy === undefined) return undefined;
  return new TunnelAgent(parseProxyUrl(proxy), options);
}

/** Printable, short: a proxy's status text is whatever it chose to send. */
function statusText(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
    .slice(0, 100)
    .trim();
}

/**
 * https-proxy-agent answers a refused CONNECT by replaying the proxy's response as if the server had sent it,
 * which would read as "the server answered 407". Here it is an error about the proxy instead, and so is a proxy that
 * cannot be reached; a CONNECT still pending when the request is given up closes its socket to the proxy.
 */
class TunnelAgent extends HttpsProxyAgent<string> {
  private readonly at: string;

  constructor(proxy: URL, options: ProxyOptions) {
    super(proxy, { rejectUnauthorized: options.rejectUnauthorized, ca: options.ca });
    this.at = proxyAddress(proxy);
  }

  override async connect(req: http.ClientRequest, opts: AgentConnectOpts): Promise<net.Socket> {
    let answer: { statusCode: number; statusText: string } | undefined;
    const onAnswer = (connect: { statusCode: number; statusText: string }) => (answer = connect);
    const giveUp = new AbortController();
    const onGiveUp = () => giveUp.abort();
    req.once('proxyConnect', onAnswer);
    req.once('abort', onGiveUp);
    req.once('close', onGiveUp);
    // The socket to the proxy is opened synchronously by super.connect from connectOpts: this one can be aborted.
    const shared = this.connectOpts;
    this.connectOpts = { ...shared, signal: giveUp.signal };
    const pending = super.connect(req, opts);
    this.connectOpts = shared;
    const target = `${opts.host}:${opts.port}`;
    try {
      const socket = await pending;
      if (answer && answer.statusCode !== 200) {
        socket.destroy();
        const text = statusText(answer.statusText);
        const error: ProxyError = Object.assign(
          new Error(
            `The proxy at ${this.at} refused the tunnel to ${target}: ${answer.statusCode}${text ? ` ${text}` : ''}`,
          ),
          { code: 'ERR_PROXY_REFUSED', proxy: this.at, proxyStatus: answer.statusCode },
        );
        throw error;
      }
      return socket;
    } catch (err) {
      if ((err as ProxyError).proxy !== undefined) throw err;
      const e = err as SocketError;
      const error: ProxyError = Object.assign(
        new Error(`The proxy at ${this.at} cannot be reached: ${e.message ?? String(err)}`, { cause: err }),
        { code: e.code, proxy: this.at },
      );
      throw error;
    } finally {
      req.off('proxyConnect', onAnswer);
      req.off('abort', onGiveUp);
      req.off('close', onGiveUp);
    }
  }
}
