import { EventEmitter } from 'events';
import type { DdpClientEvents } from './types';

// The plain emit (no isolation), for the one-listener fast path and for `listener_error` itself.
// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with .call(this, ...)
const { emit } = EventEmitter.prototype;

type Events = DdpClientEvents;

/**
 * A typed EventEmitter whose listeners cannot hurt the emitter: they run one by one, and one that throws stops
 * neither the others, nor the frame that caused the event, nor the client. Its error goes to `listener_error`
 * listeners, or, without any, is rethrown asynchronously (an uncaught exception, as an error in a timer callback
 * would be). Once `muted()` says so, only the `survivors` events still go out.
 */
export abstract class SafeEmitter extends EventEmitter<Events> {
  /** Bumped by the subclass when it ends a session: a multi-listener emit stops there (but for survivors). */
  protected epoch = 0;

  constructor(private readonly survivors: ReadonlySet<string | symbol>) {
    super();
  }

  /** True when events other than the survivors must not go out (the client was closed). */
  protected abstract muted(): boolean;

  // Node's own typed signature (so that `on`, `once`, `off` ... stay typed by the same event map, without merging).
  override emit<K>(event: K | keyof Events, ...args: K extends keyof Events ? Events[K] : never): boolean {
    const name = event as string;
    if (this.muted() && !this.survivors.has(name)) return false;
    const plain = this as EventEmitter;
    const count = plain.listenerCount(name);
    if (count === 0) return false;
    if (count === 1) {
      try {
        return emit.call(this, name, ...args);
      } catch (err) {
        this.listenerFailed(err, name);
        return true;
      }
    }
    const epoch = this.epoch;
    for (const listener of plain.rawListeners(name) as Array<(...a: unknown[]) => void>) {
      try {
        listener.apply(this, args);
      } catch (err) {
        this.listenerFailed(err, name);
      }
      if (epoch !== this.epoch && !this.survivors.has(name)) break;
    }
    return true;
  }

  /** A listener, a callback or the debug function threw (`where` says which). */
  protected listenerFailed(error: unknown, where: string): void {
    if (where !== 'listener_error' && (this as EventEmitter).listenerCount('listener_error') > 0) {
      try {
        emit.call(this, 'listener_error', error, where);
        return;
      } catch (err) {
        error = err;
      }
    }
    queueMicrotask(() => {
      throw error;
    });
  }
}
