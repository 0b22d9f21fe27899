// Settings of the extension (`ddpExplorer.*`), validated. Plain module: no VS Code API.
import { proxyFor } from '../ddp/proxy';
import type { DdpClientOptions, DdpVersion, TransportMode } from '../ddp/types';
import { maskUrlCredentials } from './text';
import { CONFIRM_LEVELS, OPEN_POLICY, type ConfirmLevel, type WritePolicy } from './writePolicy';

export type TraceSetting = 'off' | 'messages';

export interface Settings {
  autoReconnect: boolean;
  reconnectDelay: number;
  maxReconnectDelay: number;
  heartbeatInterval: number;
  /** Longest wait for a method's answer, in ms (0: no limit). */
  methodTimeout: number;
  pageSize: number;
  /** Most documents "Load all" shows in one collection. */
  loadAllLimit: number;
  trace: TraceSetting;
  /** VS Code's proxy settings (`http.*`), read by the extension; the CLI and tests leave them at their defaults. */
  proxy: ProxySettings;
  /** Rocket.Chat stream events kept per stream (`streams.maxEvents`). */
  streamMaxEvents: number;
}

/** VS Code's `http.proxy`, `http.proxyStrictSSL` and `http.noProxy`, as plain options. */
export interface ProxySettings {
  /** The proxy URL (`http://user:pass@proxy:3128`); '' leaves it to HTTPS_PROXY / HTTP_PROXY / NO_PROXY. */
  url: string;
  /** false: the server's certificate is not checked on connections that go through a proxy. */
  strictSSL: boolean;
  /** Hosts reached without the proxy (none: NO_PROXY). */
  noProxy: string[];
}

export const DEFAULT_PROXY_SETTINGS: ProxySettings = { url: '', strictSSL: true, noProxy: [] };

/** Reads VS Code's `http` section through `get(key)` (`proxy`, `proxyStrictSSL`, `noProxy`). */
export function readProxySettings(get: (key: string) => unknown): ProxySettings {
  const url = get('proxy');
  const strictSSL = get('proxyStrictSSL');
  const noProxy = get('noProxy');
  return {
    url: typeof url === 'string' ? url.trim() : '',
    strictSSL: typeof strictSSL === 'boolean' ? strictSSL : true,
    noProxy: Array.isArray(noProxy)
      ? noProxy.filter((h): h is string => typeof h === 'string' && h.trim() !== '').map((h) => h.trim())
      : [],
  };
}

/** The proxy settings for a log line: the URL's credentials masked. */
export function describeProxySettings(p: ProxySettings): string {
  const parts = [p.url ? maskUrlCredentials(p.url) : 'from the environment'];
  if (!p.strictSSL) parts.push('proxyStrictSSL off');
  if (p.noProxy.length) parts.push(`noProxy ${p.noProxy.join(', ')}`);
  return parts.join(', ');
}

export const DEFAULT_SETTINGS: Settings = {
  autoReconnect: true,
  reconnectDelay: 500,
  maxReconnectDelay: 30000,
  heartbeatInterval: 17500,
  methodTimeout: 60000,
  pageSize: 100,
  loadAllLimit: 10000,
  trace: 'off',
  proxy: DEFAULT_PROXY_SETTINGS,
  streamMaxEvents: 1000,
};

/** Per-connection options in the `ddpExplorer.connections` setting. No secrets belong here. */
export interface ConnectionOptions {
  autoReconnect?: boolean;
  reconnectDelay?: number;
  maxReconnectDelay?: number;
  heartbeatInterval?: number;
  connectTimeout?: number;
  methodTimeout?: number;
  versions?: DdpVersion[];
  headers?: Record<string, string>;
  rejectUnauthorized?: boolean;
  compression?: boolean;
  /** `auto` (default), `websocket` or `sockjs`. */
  transport?: TransportMode;
}

export interface SubscriptionSpec {
  name: string;
  params: unknown[];
}

export interface ConnectionConfig {
  /** Stable identity, written by DDP Explorer: the key of the connection's stored login. */
  id?: string;
  name: string;
  url: string;
  options?: ConnectionOptions;
  /** Publications to subscribe to on every connect. */
  subscriptions?: SubscriptionSpec[];
  /** A colour for the row icon and the status bar: one of CONNECTION_COLORS or a theme colour id ("charts.red"). */
  color?: string;
  /** Ask before sending: method calls ("writes") or calls and subscriptions ("all"). Default "none". */
  confirm?: ConfirmLevel;
  /** Refuse method calls (logins and logouts still go). */
  readOnly?: boolean;
}

/** The short colour names a connection may use, each one of the theme's chart colours. */
export const CONNECTION_COLORS = ['red', 'orange', 'yellow', 'green', 'blue', 'purple'] as const;

/** A theme colour id as VS Code names them: dotted words ("charts.red", "terminal.ansiBrightRed"). */
const THEME_COLOR_ID = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)+$/;

/** The theme colour id of a connection's `color` setting, or undefined when it has none (or an invalid one). */
export function connectionColorId(color: string | undefined): string | undefined {
  if (color === undefined) return undefined;
  if ((CONNECTION_COLORS as readonly string[]).includes(color)) return `charts.${color}`;
  return THEME_COLOR_ID.test(color) && color.length <= 100 ? color : undefined;
}

/** The connection's confirm / readOnly settings (none: calls and subscriptions go as they are). */
export function writePolicy(config: Pick<ConnectionConfig, 'confirm' | 'readOnly'>): WritePolicy {
  return { confirm: config.confirm ?? OPEN_POLICY.confirm, readOnly: config.readOnly ?? OPEN_POLICY.readOnly };
}

function num(v: unknown, fallback: number, min: number, max: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
}

/**
 * Reads the settings through `get(key)`, falling back to defaults for missing or invalid values; `http` reads VS
 * Code's `http` section (the proxy settings).
 */
export function readSettings(get: (key: string) => unknown, http?: (key: string) => unknown): Settings {
  const d = DEFAULT_SETTINGS;
  const trace = get('trace');
  return {
    autoReconnect: typeof get('autoReconnect') === 'boolean' ? (get('autoReconnect') as boolean) : d.autoReconnect,
    reconnectDelay: num(get('reconnectDelay'), d.reconnectDelay, 0, 3_600_000),
    maxReconnectDelay: num(get('maxReconnectDelay'), d.maxReconnectDelay, 0, 3_600_000),
    heartbeatInterval: num(get('heartbeatInterval'), d.heartbeatInterval, 0, 3_600_000),
    methodTimeout: num(get('methodTimeout'), d.methodTimeout, 0, 86_400_000),
    pageSize: Math.floor(num(get('pageSize'), d.pageSize, 1, 100_000)),
    loadAllLimit: Math.floor(num(get('loadAllLimit'), d.loadAllLimit, 1, 1_000_000)),
    trace: trace === 'messages' ? 'messages' : 'off',
    proxy: http ? readProxySettings(http) : DEFAULT_PROXY_SETTINGS,
    streamMaxEvents: Math.floor(num(get('streams.maxEvents'), d.streamMaxEvents, 1, 100_000)),
  };
}

const VERSIONS: DdpVersion[] = ['1', 'pre2', 'pre1'];

function parseOptions(raw: unknown): ConnectionOptions | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const o = raw as Record<string, unknown>;
  const out: ConnectionOptions = {};
  if (typeof o.autoReconnect === 'boolean') out.autoReconnect = o.autoReconnect;
  for (const k of [
    'reconnectDelay',
    'maxReconnectDelay',
    'heartbeatInterval',
    'connectTimeout',
    'methodTimeout',
  ] as const) {
    const v = o[k];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out[k] = v;
  }
  if (Array.isArray(o.versions)) {
    const v = o.versions.filter((x): x is DdpVersion => VERSIONS.includes(x as DdpVersion));
    if (v.length) out.versions = v;
  }
  if (o.headers && typeof o.headers === 'object' && !Array.isArray(o.headers)) {
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.headers as Record<string, unknown>)) if (typeof v === 'string') h[k] = v;
    out.headers = h;
  }
  if (typeof o.rejectUnauthorized === 'boolean') out.rejectUnauthorized = o.rejectUnauthorized;
  if (typeof o.compression === 'boolean') out.compression = o.compression;
  if (o.transport === 'auto' || o.transport === 'websocket' || o.transport === 'sockjs') out.transport = o.transport;
  return out;
}

export const CONNECTION_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface ParsedConnections {
  connections: ConnectionConfig[];
  /** Human-readable problems with entries that were skipped. */
  problems: string[];
}

/** Validates the `ddpExplorer.connections` setting: entries need a name and a url; duplicate names are skipped. */
export function parseConnections(raw: unknown, validateUrl: (url: string) => void): ParsedConnections {
  const connections: ConnectionConfig[] = [];
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { connections, problems };
  if (!Array.isArray(raw)) return { connections, problems: ['ddpExplorer.connections must be an array'] };
  const names = new Set<string>();
  const ids = new Set<string>();
  raw.forEach((entry, i) => {
    if (!entry || typeof entry !== 'object') {
      problems.push(`ddpExplorer.connections[${i}] is not an object`);
      return;
    }
    const e = entry as Record<string, unknown>;
    const url = typeof e.url === 'string' ? e.url.trim() : '';
    if (!url) {
      problems.push(`ddpExplorer.connections[${i}] has no url`);
      return;
    }
    try {
      validateUrl(url);
    } catch (err) {
      problems.push(`ddpExplorer.connections[${i}]: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const name = typeof e.name === 'string' && e.name.trim() ? e.name.trim() : url;
    if (names.has(name)) {
      problems.push(`ddpExplorer.connections[${i}]: duplicate name "${name}"`);
      return;
    }
    names.add(name);
    const cfg: ConnectionConfig = { name, url };
    // A copied entry keeps its id: only the first of two gets it, so logins never end up shared.
    if (typeof e.id === 'string' && CONNECTION_ID.test(e.id) && !ids.has(e.id)) {
      ids.add(e.id);
      cfg.id = e.id;
    }
    const options = parseOptions(e.options);
    if (options) cfg.options = options;
    if (Array.isArray(e.subscriptions)) {
      cfg.subscriptions = e.subscriptions
        .filter(
          (s): s is Record<string, unknown> =>
            !!s && typeof s === 'object' && typeof (s as { name?: unknown }).name === 'string',
        )
        .map((s) => ({ name: String(s.name), params: Array.isArray(s.params) ? s.params : [] }));
    }
    safety(e, i, cfg, problems);
    connections.push(cfg);
  });
  return { connections, problems };
}

/**
 * The entry's color, confirm and readOnly. A wrong value is reported, and a wrong `confirm` or `readOnly` makes the
 * connection ask before every request rather than silently not ask: a typo must never lower the guard.
 */
function safety(e: Record<string, unknown>, i: number, cfg: ConnectionConfig, problems: string[]): void {
  const where = `ddpExplorer.connections[${i}]`;
  if (e.color !== undefined) {
    if (typeof e.color === 'string' && connectionColorId(e.color.trim()) !== undefined) cfg.color = e.color.trim();
    else
      problems.push(
        `${where}: "color" must be one of ${CONNECTION_COLORS.join(', ')} or a theme color id such as "charts.red"`,
      );
  }
  if (e.confirm !== undefined) {
    if ((CONFIRM_LEVELS as readonly unknown[]).includes(e.confirm)) cfg.confirm = e.confirm as ConfirmLevel;
    else {
      cfg.confirm = 'all';
      problems.push(
        `${where}: "confirm" must be "none", "writes" or "all"; asking before every request until it is fixed`,
      );
    }
  }
  if (e.readOnly !== undefined) {
    if (typeof e.readOnly === 'boolean') cfg.readOnly = e.readOnly;
    else {
      cfg.readOnly = true;
      problems.push(`${where}: "readOnly" must be true or false; read-only until it is fixed`);
    }
  }
}

/**
 * Client options for a connection: its own options over the global settings. `url` (the WebSocket URL) lets
 * `http.proxyStrictSSL: false` turn certificate checks off on connections that go through a proxy, and only those.
 */
export function clientOptions(
  settings: Settings,
  options: ConnectionOptions | undefined,
  url?: string,
): DdpClientOptions {
  const o = options ?? {};
  const out: DdpClientOptions = {
    autoReconnect: o.autoReconnect ?? settings.autoReconnect,
    autoReconnectTimeout: o.reconnectDelay ?? settings.reconnectDelay,
    maxReconnectTimeout: o.maxReconnectDelay ?? settings.maxReconnectDelay,
    heartbeatInterval: o.heartbeatInterval ?? settings.heartbeatInterval,
    methodTimeout: o.methodTimeout ?? settings.methodTimeout,
  };
  if (o.connectTimeout !== undefined) out.connectTimeout = o.connectTimeout;
  if (o.versions) out.versions = o.versions;
  if (o.headers) out.headers = o.headers;
  if (o.rejectUnauthorized !== undefined) out.rejectUnauthorized = o.rejectUnauthorized;
  if (o.compression !== undefined) out.compression = o.compression;
  if (o.transport !== undefined) out.transport = o.transport;
  const proxy = settings.proxy ?? DEFAULT_PROXY_SETTINGS;
  if (proxy.url) out.proxy = proxy.url;
  if (proxy.noProxy.length) out.noProxy = [...proxy.noProxy];
  if (!proxy.strictSSL && out.rejectUnauthorized === undefined && url !== undefined && proxyFor(url, out))
    out.rejectUnauthorized = false;
  return out;
}

/** A name for an ad-hoc connection: host:port of its URL. */
export function adHocName(url: string): string {
  try {
    const u = new URL(url);
    return u.port ? `${u.hostname}:${u.port}` : u.hostname;
  } catch {
    return url;
  }
}
