import { DdpConnectionError, DdpError } from './errors';
import type { DdpErrorObject } from './types';

export interface MethodCall {
  readonly id: string;
  readonly method: string;
  /** Params already in their EJSON wire form, so a resend sends exactly the same bytes. */
  readonly params: unknown[];
  readonly retry: boolean;
  readonly wait: boolean;
  /** Sent on the current connection and not yet answered. */
  sent: boolean;
  settled: boolean;
  readonly startedAt: number;
  /** Runs out the call's `timeout`; cleared when the call settles. */
  timer?: NodeJS.Timeout;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/** Timed-out calls whose late answers are still expected; beyond this many the oldest are forgotten. */
const KEEP_TIMED_OUT = 100;

/** Outstanding method calls: ids "1", "2", ... for the client's whole life, as Meteor numbers them. */
export class Methods {
  private counter = 0;
  private readonly calls = new Map<string, MethodCall>();
  /** Ids of calls that timed out: their late `result` and `updated` are ignored, not reported as unknown. */
  private readonly timedOut = new Set<string>();

  /**
   * `timeout` (ms, > 0): the call rejects with TIMEOUT when no answer came by then; `onTimeout` runs afterwards so
   * the owner can release what the call held (a "wait" call blocks the outbox).
   */
  create(
    method: string,
    params: unknown[],
    opts: { retry: boolean; wait: boolean; timeout?: number; onTimeout?: (call: MethodCall) => void },
  ): { call: MethodCall; promise: Promise<unknown> } {
    const id = String(++this.counter);
    let resolve!: (v: unknown) => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const call: MethodCall = {
      id,
      method,
      params,
      retry: opts.retry,
      wait: opts.wait,
      sent: false,
      settled: false,
      startedAt: Date.now(),
      resolve: (v) => {
        this.finish(call);
        resolve(v);
      },
      reject: (e) => {
        this.finish(call);
        reject(e);
      },
    };
    this.calls.set(id, call);
    const timeout = opts.timeout;
    if (timeout !== undefined && timeout > 0 && Number.isFinite(timeout)) {
      call.timer = setTimeout(() => {
        if (call.settled) return;
        this.timedOut.add(call.id);
        if (this.timedOut.size > KEEP_TIMED_OUT) this.timedOut.delete(this.timedOut.values().next().value as string);
        call.reject(
          new DdpConnectionError('TIMEOUT', `The server did not answer method '${method}' within ${timeout} ms`, {
            timeout,
          }),
        );
        opts.onTimeout?.(call);
      }, timeout);
    }
    return { call, promise };
  }

  private finish(call: MethodCall): void {
    call.settled = true;
    call.sent = false;
    clearTimeout(call.timer);
    this.calls.delete(call.id);
  }

  anyTimedOut(): boolean {
    return this.timedOut.size > 0;
  }

  /** Did this call time out (so its late `result` or `updated` is to be ignored)? */
  timedOutCall(id: string): boolean {
    return this.timedOut.has(id);
  }

  get(id: string): MethodCall | undefined {
    return this.calls.get(id);
  }

  /** Settles a call from its `result` message. Returns the call, or undefined for an unknown id. */
  settle(id: string, error: DdpErrorObject | undefined, result: unknown): MethodCall | undefined {
    const call = this.calls.get(id);
    if (!call) return undefined;
    if (error) call.reject(new DdpError(error));
    else call.resolve(result);
    return call;
  }

  /** True while a non-"wait" call is on the wire: a "wait" call must not be sent before those complete. */
  hasInFlight(): boolean {
    for (const call of this.calls.values()) if (call.sent) return true;
    return false;
  }

  /**
   * The socket dropped. Calls that were sent and not answered either fail now (they may or may not have run
   * on the server) or, when the caller asked for `retry`, come back to be resent with the same id.
   */
  connectionLost(): MethodCall[] {
    const resend: MethodCall[] = [];
    for (const call of [...this.calls.values()]) {
      if (!call.sent) continue;
      if (call.retry) {
        call.sent = false;
        resend.push(call);
      } else {
        call.reject(
          new DdpConnectionError(
            'CONNECTION_LOST',
            `Connection lost before the server answered method '${call.method}'; it may or may not have run`,
          ),
        );
      }
    }
    return resend;
  }

  rejectAll(error: Error): void {
    for (const call of [...this.calls.values()]) call.reject(error);
  }
}
