// Runs the requests of a parsed .ddp file over a Connection: resolves variables, sends each request, waits for
// its answer (bounded by a timeout), evaluates its assertions and reports. VS Code-free: the CLI and the
// extension share it. Every wait settles: answers, nosub, the timeout or cancellation.
import { DdpConnectionError, DdpError } from '../../ddp/errors';
import { parseEJSON } from '../../ddp/ejson';
import { requestLabel, type DdpFile, type Request } from './ast';
import { evaluate, type AssertionOutcome, type Outcome } from './assertions';
import type { Connection } from './connection';
import { printCommand } from './printer';
import { fileVariables, Resolver, type RequestResult, type VariableSources } from './variables';

export type RequestStatus = 'passed' | 'failed' | 'skipped';

export interface RequestReport {
  index: number;
  request: Request;
  label: string;
  status: RequestStatus;
  /** The command as sent, variables filled in (the password of a LOGIN replaced by ***). */
  sent?: string;
  outcome?: Outcome;
  assertions: AssertionOutcome[];
  /** Why the request failed, besides failed assertions (a method error, a timeout, an unknown variable, ...). */
  failure?: string;
  /** SUBSCRIBE: the collections whose documents changed while it became ready, with their document counts. */
  collections?: Array<{ name: string; count: number }>;
  /** Values to mask wherever this report is shown or logged (passwords, login tokens). */
  secrets: string[];
}

export interface FileReport {
  url?: string;
  /** The file could not run at all: no URL, or the server could not be reached. */
  connectionError?: string;
  requests: RequestReport[];
}

export interface RunOptions {
  /** Opens (or reuses) a connection to the URL; throws when the server cannot be reached. */
  connect(url: string): Promise<Connection>;
  sources: Omit<VariableSources, 'file' | 'results'>;
  /** Results of named requests; pass the same map again to let later runs use earlier ones. */
  results?: Map<string, RequestResult>;
  /** Longest wait for one request, in ms (default 10000). */
  timeout?: number;
  /** Stop after the first failed request (the rest are skipped). */
  bail?: boolean;
  /** Run only these requests (indexes into file.requests). */
  only?: number[];
  signal?: AbortSignal;
  onStart?(index: number, request: Request): void;
  onReport?(report: RequestReport): void;
  /** A secret (LOGIN password, login token) became known: mask it in logs from now on. */
  onSecret?(value: string): void;
}

export const DEFAULT_TIMEOUT = 10_000;

class Timeout extends Error {}
class Cancelled extends Error {}

/** The error of a failed request as assertions see it: `error.error`, `error.reason`, ... */
export function errorObject(err: unknown): Record<string, unknown> {
  if (err instanceof DdpError) {
    const o: Record<string, unknown> = {
      error: err.error,
      reason: err.reason,
      message: err.message,
      errorType: err.errorType,
    };
    if (err.details !== undefined) o.details = err.details;
    if (err.reason === undefined) delete o.reason;
    return o;
  }
  if (err instanceof DdpConnectionError) return { error: err.code, reason: err.message, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { error: err instanceof Error ? err.name : 'Error', reason: message, message };
}

function bounded<T>(promise: Promise<T>, ms: number, signal: AbortSignal | undefined): Promise<T> {
  return boundedFromSend(
    (sent) => {
      sent();
      return promise;
    },
    ms,
    signal,
  );
}

/**
 * Like bounded, but the time limit starts when the request is sent (`sent()`), not while the connection may still be
 * asking the user whether to send it (its `confirm` setting): a slow answer to a modal is no server timeout.
 */
function boundedFromSend<T>(
  start: (sent: () => void, asking: () => void) => Promise<T>,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const onAbort = () => finish(() => reject(new Cancelled('Cancelled')));
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    const sent = () => {
      if (done || timer) return;
      timer = setTimeout(() => finish(() => reject(new Timeout(`No answer within ${ms} ms`))), ms);
    };
    // A person typing a code is not a server that does not answer.
    const asking = () => {
      clearTimeout(timer);
      timer = undefined;
    };
    start(sent, asking).then(
      (v) => finish(() => resolve(v)),
      (e: unknown) => finish(() => reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Cancelled('Cancelled'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The URL a file connects to: its CONNECT line, else the environment's `url`. */
export function connectUrl(file: DdpFile, resolver: Resolver, environment: Readonly<Record<string, unknown>>): string {
  if (file.connect) return resolver.fill(file.connect.url, false).trim();
  const url = environment.url;
  if (typeof url === 'string' && url.trim()) return resolver.fill(url, false).trim();
  throw new Error('No CONNECT line in the file and no "url" in the selected environment');
}

function paramsOf(text: string | undefined, resolver: Resolver): unknown[] {
  if (text === undefined || text.trim() === '') return [];
  const filled = resolver.fill(text, true);
  let value: unknown;
  try {
    value = parseEJSON(filled);
  } catch (err) {
    throw new Error(
      `Invalid EJSON params after filling in variables: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return Array.isArray(value) ? value : [value];
}

export async function runFile(file: DdpFile, options: RunOptions): Promise<FileReport> {
  const results = options.results ?? new Map<string, RequestResult>();
  const sources: VariableSources = { ...options.sources, file: fileVariables(file), results };
  const resolver = new Resolver(sources);
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  const report: FileReport = { requests: [] };
  const indexes = options.only ?? file.requests.map((_, i) => i);
  const skipAll = (reason: string) => {
    for (const i of indexes) {
      const r: RequestReport = {
        index: i,
        request: file.requests[i],
        label: requestLabel(file.requests[i]),
        status: 'skipped',
        assertions: [],
        failure: reason,
        secrets: [],
      };
      // Listed in the report, not announced one by one: the connection error says it all.
      report.requests.push(r);
    }
  };
  let connection: Connection;
  try {
    report.url = connectUrl(file, resolver, options.sources.environment);
    connection = await bounded(options.connect(report.url), timeout, options.signal);
  } catch (err) {
    report.connectionError =
      err instanceof Timeout
        ? `Could not connect to ${report.url}: no answer within ${timeout} ms`
        : err instanceof Error
          ? err.message
          : String(err);
    skipAll(report.connectionError);
    return report;
  }
  const subscriptions = new Map<string, string>();
  let failed = false;
  for (const index of indexes) {
    const request = file.requests[index];
    if (!request) continue;
    if ((failed && options.bail) || options.signal?.aborted) {
      const r: RequestReport = {
        index,
        request,
        label: requestLabel(request),
        status: 'skipped',
        assertions: [],
        failure: options.signal?.aborted ? 'Cancelled' : 'Skipped after a failure (--bail)',
        secrets: [],
      };
      report.requests.push(r);
      options.onReport?.(r);
      continue;
    }
    options.onStart?.(index, request);
    const r = await runRequest(index, request, connection, resolver, subscriptions, timeout, options);
    if (request.name && r.outcome) {
      results.set(request.name, { result: r.outcome.result, error: r.outcome.error, duration: r.outcome.duration });
    }
    if (r.status === 'failed') failed = true;
    report.requests.push(r);
    options.onReport?.(r);
  }
  return report;
}

async function runRequest(
  index: number,
  request: Request,
  connection: Connection,
  resolver: Resolver,
  subscriptions: Map<string, string>,
  timeout: number,
  options: Pick<RunOptions, 'signal' | 'onSecret'>,
): Promise<RequestReport> {
  const signal = options.signal;
  const r: RequestReport = {
    index,
    request,
    label: requestLabel(request),
    status: 'passed',
    assertions: [],
    secrets: [],
  };
  const c = request.command;
  const t0 = performance.now();
  const outcome: Outcome = { duration: 0 };
  try {
    switch (c.kind) {
      case 'call': {
        const method = resolver.fill(c.method, false);
        const params = paramsOf(c.params, resolver);
        r.sent = printCommand({
          kind: 'call',
          method,
          params: c.params === undefined ? undefined : JSON.stringify(params),
        });
        outcome.result = await boundedFromSend(
          (sent, asking) => connection.call(method, params, { signal, sent, asking }),
          timeout,
          signal,
        );
        break;
      }
      case 'subscribe': {
        const name = resolver.fill(c.name, false);
        const params = paramsOf(c.params, resolver);
        r.sent = printCommand({
          kind: 'subscribe',
          name,
          params: c.params === undefined ? undefined : JSON.stringify(params),
        });
        const before = counts(connection);
        const sub = await boundedFromSend(
          (sent) => connection.subscribe(name, params, { signal, sent }),
          timeout,
          signal,
        );
        subscriptions.set(name, sub.id);
        if (request.name) subscriptions.set(request.name, sub.id);
        outcome.result = sub.id;
        const error = await bounded(sub.settled, timeout, signal);
        outcome.ready = !error;
        if (error) outcome.error = errorObject(error);
        const after = counts(connection);
        r.collections = [...after]
          .filter(([n, count]) => before.get(n) !== count)
          .map(([name, count]) => ({ name, count }));
        break;
      }
      case 'unsubscribe': {
        const name = resolver.fill(c.name, false);
        r.sent = printCommand({ kind: 'unsubscribe', name });
        const id = subscriptions.get(name);
        if (id === undefined) throw new Error(`No subscription "${name}" was started by this file`);
        connection.unsubscribe(id);
        outcome.result = null;
        break;
      }
      case 'login': {
        const user = word(c.user, resolver);
        const password = word(c.password, resolver);
        r.secrets.push(password);
        options.onSecret?.(password);
        r.sent = `LOGIN ${user} ***`;
        const result = await boundedFromSend(
          (sent, asking) => connection.login(user, password, { sent, asking }),
          timeout,
          signal,
        );
        const token = (result as { token?: unknown } | undefined)?.token;
        if (typeof token === 'string') {
          r.secrets.push(token);
          options.onSecret?.(token);
        }
        outcome.result = result;
        break;
      }
      case 'logout':
        r.sent = 'LOGOUT';
        await bounded(connection.logout(), timeout, signal);
        outcome.result = null;
        break;
      case 'wait': {
        const ms = Number(resolver.fill(c.ms, false));
        if (!Number.isFinite(ms) || ms < 0)
          throw new Error(`WAIT needs a number of milliseconds, got "${resolver.fill(c.ms, false)}"`);
        r.sent = `WAIT ${ms}`;
        await sleep(ms, signal);
        outcome.result = null;
        break;
      }
    }
  } catch (err) {
    if (err instanceof Timeout || err instanceof Cancelled) r.failure = err.message;
    else if (err instanceof DdpError || err instanceof DdpConnectionError) outcome.error = errorObject(err);
    else r.failure = err instanceof Error ? err.message : String(err);
  }
  outcome.duration = Math.round(performance.now() - t0);
  r.outcome = outcome;
  if (r.failure === undefined) {
    r.assertions = request.assertions.map((a) => evaluate(a, outcome, connection.collections, resolver));
    const aboutError = request.assertions.some((a) => a.subject.kind === 'error');
    if (outcome.error && !aboutError) r.failure = describeOutcomeError(outcome.error);
  }
  if (r.failure !== undefined || r.assertions.some((a) => !a.pass)) r.status = 'failed';
  return r;
}

/** LOGIN's words: a "quoted" one is JSON text, anything else plain text. */
function word(raw: string, resolver: Resolver): string {
  if (raw.startsWith('"')) {
    const v: unknown = JSON.parse(resolver.fill(raw, true));
    return typeof v === 'string' ? v : String(v);
  }
  return resolver.fill(raw, false);
}

function counts(connection: Connection): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, docs] of connection.collections) out.set(name, docs.size);
  return out;
}

export function describeOutcomeError(error: Record<string, unknown>): string {
  const reason =
    typeof error.reason === 'string' ? error.reason : typeof error.message === 'string' ? error.message : undefined;
  return reason !== undefined ? `${reason} [${String(error.error)}]` : `[${String(error.error)}]`;
}
