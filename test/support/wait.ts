// Bounded waits for tests. Never sleep to synchronise: wait for an event or a condition, with a deadline.
// Given a DdpClient, the event name is checked and the listener arguments are typed from DdpClientEvents;
// any other emitter (the script server, a proxy) gets the untyped form with explicit argument types.

import type { DdpClient, DdpClientEvents } from '../../src/ddp';

type ClientEvent = keyof DdpClientEvents;

export interface EmitterLike {
  on(event: string, listener: (...args: any[]) => void): unknown;
  off?(event: string, listener: (...args: any[]) => void): unknown;
  removeListener?(event: string, listener: (...args: any[]) => void): unknown;
}

export interface WaitForOptions<A extends unknown[] = any[]> {
  /** Deadline in ms (default 2000). */
  timeout?: number;
  /** Only resolve for events whose arguments pass this test. */
  filter?: (...args: A) => boolean;
  /** Extra text for the timeout error. */
  message?: string;
}

function detach(emitter: EmitterLike, event: string, listener: (...args: any[]) => void): void {
  if (typeof emitter.off === 'function') emitter.off(event, listener);
  else if (typeof emitter.removeListener === 'function') emitter.removeListener(event, listener);
}

/**
 * An emitter without an event map (the script server, a proxy). A DdpClient is excluded so that it always takes the
 * typed overloads, where a misspelt event name is a compile error.
 */
export type UntypedEmitter = EmitterLike & { readonly collections?: never };

/** DdpClient's `on`/`off` are typed per event, so it is not an EmitterLike to TypeScript; at run time it is one. */
function asEmitter(emitter: EmitterLike | DdpClient): EmitterLike {
  return emitter;
}

/**
 * Resolves with the listener arguments of the first `event` (passing `filter`) emitted after the call.
 * Rejects after `timeout` ms.
 */
export function waitForEvent<E extends ClientEvent>(
  client: DdpClient,
  event: E,
  options?: WaitForOptions<DdpClientEvents[E]>,
): Promise<DdpClientEvents[E]>;
export function waitForEvent<A extends unknown[] = any[]>(
  emitter: UntypedEmitter,
  event: string,
  options?: WaitForOptions<A>,
): Promise<A>;
export function waitForEvent<A extends unknown[]>(
  source: EmitterLike | DdpClient,
  event: string,
  options: WaitForOptions<A> = {},
): Promise<A> {
  const emitter = asEmitter(source);
  const timeout = options.timeout ?? 2000;
  return new Promise<A>((resolve, reject) => {
    const listener = (...args: any[]) => {
      let ok = true;
      if (options.filter) {
        try {
          ok = options.filter(...(args as A));
        } catch (err) {
          cleanup();
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
      }
      if (!ok) return;
      cleanup();
      resolve(args as A);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new Error(
          `timed out after ${timeout} ms waiting for event '${event}'` +
            (options.message ? `: ${options.message}` : ''),
        ),
      );
    }, timeout);
    const cleanup = () => {
      clearTimeout(timer);
      detach(emitter, event, listener);
    };
    emitter.on(event, listener);
  });
}

/**
 * Resolves once `predicate()` returns a truthy value (checked at once, then every `interval` ms);
 * rejects after `timeout` ms. Resolves with the predicate's value.
 */
export function waitUntil<T>(
  predicate: () => T | Promise<T>,
  timeout = 2000,
  options: { interval?: number; message?: string } = {},
): Promise<NonNullable<T>> {
  const interval = options.interval ?? 5;
  const deadline = Date.now() + timeout;
  return new Promise((resolve, reject) => {
    let lastError: unknown;
    const check = async () => {
      let value: T | undefined;
      try {
        value = await predicate();
        lastError = undefined;
      } catch (err) {
        lastError = err;
      }
      if (value) {
        resolve(value);
        return;
      }
      if (Date.now() >= deadline) {
        const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
        reject(
          new Error(
            `waitUntil timed out after ${timeout} ms` + (options.message ? `: ${options.message}` : '') + detail,
          ),
        );
        return;
      }
      setTimeout(() => void check(), interval);
    };
    void check();
  });
}

export interface Recorder<A extends unknown[] = any[]> {
  /** Arguments of every event seen so far, in order. */
  readonly events: A[];
  /** Times (Date.now()) at which each event arrived. */
  readonly times: number[];
  /** Wait until at least `count` events were recorded (default 1). */
  waitCount(count?: number, timeout?: number): Promise<A[]>;
  stop(): void;
}

/** The name used before waitForEvent: kept so branches written against it still compile. */
export const waitFor = waitForEvent;

/** Records every `event` from now on. */
export function record<E extends ClientEvent>(client: DdpClient, event: E): Recorder<DdpClientEvents[E]>;
export function record<A extends unknown[] = any[]>(emitter: UntypedEmitter, event: string): Recorder<A>;
export function record<A extends unknown[]>(source: EmitterLike | DdpClient, event: string): Recorder<A> {
  const emitter = asEmitter(source);
  const events: A[] = [];
  const times: number[] = [];
  const listener = (...args: any[]) => {
    events.push(args as A);
    times.push(Date.now());
  };
  emitter.on(event, listener);
  return {
    events,
    times,
    waitCount(count = 1, timeout = 2000) {
      return waitUntil(() => events.length >= count, timeout, {
        message: `expected ${count} '${event}' event(s), got ${events.length}`,
      }).then(() => events);
    },
    stop() {
      detach(emitter, event, listener);
    },
  };
}

/** One entry of recordAll's log: the event name, then its listener arguments. */
export type ClientLogEntry<E extends ClientEvent> = { [K in E]: [K, ...DdpClientEvents[K]] }[E];

/** Records every event a client-like emitter emits, across all the given names, in one ordered log. */
export function recordAll<E extends ClientEvent>(
  client: DdpClient,
  events: readonly E[],
): { log: Array<ClientLogEntry<E>>; stop(): void };
export function recordAll(
  emitter: UntypedEmitter,
  events: string[],
): { log: Array<[string, ...unknown[]]>; stop(): void };
export function recordAll(
  source: EmitterLike | DdpClient,
  events: readonly string[],
): { log: Array<[string, ...unknown[]]>; stop(): void } {
  const emitter = asEmitter(source);
  const log: Array<[string, ...unknown[]]> = [];
  const listeners = events.map((name) => {
    const l = (...args: unknown[]) => log.push([name, ...args]);
    emitter.on(name, l);
    return [name, l] as const;
  });
  return {
    log,
    stop() {
      for (const [name, l] of listeners) detach(emitter, name, l);
    },
  };
}

/**
 * Observes `emitter` for `ms` and rejects if `event` (passing `filter`) happens meanwhile.
 * This asserts an absence over a bounded window; it is not used to order anything.
 */
export function expectNoEvent<E extends ClientEvent>(
  client: DdpClient,
  event: E,
  ms: number,
  filter?: (...args: DdpClientEvents[E]) => boolean,
): Promise<void>;
export function expectNoEvent(
  emitter: UntypedEmitter,
  event: string,
  ms: number,
  filter?: (...args: any[]) => boolean,
): Promise<void>;
export function expectNoEvent(
  source: EmitterLike | DdpClient,
  event: string,
  ms: number,
  filter?: (...args: any[]) => boolean,
): Promise<void> {
  const emitter = asEmitter(source);
  return new Promise((resolve, reject) => {
    const listener = (...args: any[]) => {
      if (filter && !filter(...args)) return;
      cleanup();
      reject(new Error(`unexpected event '${event}': ${safeJson(args)}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      resolve();
    }, ms);
    const cleanup = () => {
      clearTimeout(timer);
      detach(emitter, event, listener);
    };
    emitter.on(event, listener);
  });
}

/** Rejects if `promise` has not settled within `timeout` ms. */
export function withTimeout<T>(promise: Promise<T>, timeout = 2000, what = 'promise'): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not settle within ${timeout} ms`)), timeout);
    }),
  ]);
}

/** Settles to {status, value|reason} without throwing; for asserting on a promise that must reject. */
export async function settle<T>(
  promise: Promise<T>,
  timeout = 2000,
): Promise<{ status: 'fulfilled'; value: T } | { status: 'rejected'; reason: any }> {
  try {
    return { status: 'fulfilled', value: await withTimeout(promise, timeout) };
  } catch (reason) {
    return { status: 'rejected', reason };
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}
