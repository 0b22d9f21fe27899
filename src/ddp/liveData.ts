import type { DataMessage } from './messages';
import type { MethodCall } from './methods';
import { Revival } from './revival';
import { Store } from './store';
import { streamEventOf } from './streams';
import type { DdpClientEvents } from './types';

type DocumentMessage = Extract<DataMessage, { msg: 'added' | 'changed' | 'removed' | 'addedBefore' | 'movedBefore' }>;
type DocumentEvent = 'added' | 'changed' | 'removed' | 'addedBefore' | 'movedBefore' | 'stream';

/** The part of the client that announces document changes (its `emit`). */
export interface DocumentAnnouncer {
  emit<E extends DocumentEvent>(event: E, ...args: DdpClientEvents[E]): boolean;
}

/**
 * The documents the client shows (Meteor's livedata): the store, and after a reconnect the catch-up (Revival) during
 * which the new session's data fills a shadow store while the old documents stay shown.
 */
export class LiveData {
  readonly store = new Store();
  /** Set between a reconnect and the moment every re-sent subscription is ready again. */
  private revival?: Revival;

  constructor(
    private readonly out: DocumentAnnouncer,
    /** Subscriptions whose `ready` was held back by the catch-up, once their data is in place. */
    private readonly readyAfterCatchUp: (ids: string[]) => void,
  ) {}

  /** Applies one document message, or (during the catch-up) keeps it for later; announces what changed. */
  apply(m: DocumentMessage): void {
    const shadow = this.revival?.shadow;
    switch (m.msg) {
      case 'added':
        if (shadow) {
          shadow.added(m.collection, m.id, m.fields);
          return this.revival?.arrived(m.collection, m.id);
        }
        this.store.added(m.collection, m.id, m.fields);
        this.out.emit('added', m.collection, m.id, m.fields);
        return;
      case 'changed': {
        // A stream event is no document change: it reaches listeners at once, even during a catch-up.
        const event = streamEventOf(m.collection, m.fields, m.cleared);
        if (event) {
          this.out.emit('stream', event);
          return;
        }
        if (shadow) {
          if (shadow.changed(m.collection, m.id, m.fields, m.cleared)) return;
          if (this.store.get(m.collection, m.id)) return; // re-sent as `added` before the subscription is ready
        }
        // An unknown document is not added (the store stays as the server made it); listeners still hear of it.
        this.store.changed(m.collection, m.id, m.fields, m.cleared);
        this.out.emit('changed', m.collection, m.id, m.fields, m.cleared);
        return;
      }
      case 'removed':
        if (shadow && (shadow.removed(m.collection, m.id) || this.store.get(m.collection, m.id))) return;
        this.store.removed(m.collection, m.id);
        this.out.emit('removed', m.collection, m.id);
        return;
      case 'addedBefore':
        if (shadow) {
          shadow.addedBefore(m.collection, m.id, m.fields, m.before);
          return this.revival?.arrived(m.collection, m.id);
        }
        this.store.addedBefore(m.collection, m.id, m.fields, m.before);
        this.out.emit('addedBefore', m.collection, m.id, m.fields, m.before);
        return;
      case 'movedBefore':
        if (shadow) {
          shadow.movedBefore(m.collection, m.id, m.before);
          return;
        }
        this.store.movedBefore(m.collection, m.id, m.before);
        this.out.emit('movedBefore', m.collection, m.id, m.before);
        return;
      default: {
        const never: never = m;
        return never;
      }
    }
  }

  /**
   * A new session after a drop: keep showing the old documents until its data is in, then apply the difference.
   * Waits only for subscriptions that were ready before (`readyIds`): one that never gets ready must not freeze the
   * data. Nothing to catch up with (no subscription, no document): no catch-up. Subscriptions re-sent but none of
   * them ready before, and no method to wait for: nothing to wait for, so (as Meteor resets its stores then) the old
   * documents go at once, with `removed` events, and the new session's data arrives live.
   */
  startCatchUp(readyIds: string[], resubscribed: number, calls: MethodCall[], timeout: number): void {
    if (resubscribed === 0 && this.store.collections.size === 0) return;
    if (resubscribed > 0 && readyIds.length === 0 && calls.length === 0) {
      for (const c of this.store.replaceWith(new Store()))
        if (c.type === 'removed') this.out.emit('removed', c.collection, c.id);
      return;
    }
    this.revival = new Revival({ subIds: readyIds, calls, shown: this.store, timeout, onEnd: () => this.finish() });
  }

  /** Returns true when the catch-up holds these `ready`s back (they are announced with its end). */
  ready(ids: string[]): boolean {
    if (!this.revival) return false;
    this.revival.ready(ids);
    return true;
  }

  /** A subscription ended: the catch-up no longer waits for it. */
  stopped(id: string): void {
    this.revival?.stopped(id);
  }

  /** Something the catch-up may wait for has happened (a method answered, `updated`). */
  check(): void {
    this.revival?.check();
  }

  /** The catch-up is abandoned (close, drop): its timers go, its data is dropped. */
  abandon(): void {
    this.revival?.dispose();
    this.revival = undefined;
  }

  private finish(): void {
    const revival = this.revival;
    if (!revival) return;
    this.revival = undefined;
    const { changes, readyIds } = revival.finish(this.store);
    for (const c of changes) {
      if (c.type === 'added') this.out.emit('added', c.collection, c.id, c.fields);
      else if (c.type === 'addedBefore') this.out.emit('addedBefore', c.collection, c.id, c.fields, c.before);
      else if (c.type === 'movedBefore') this.out.emit('movedBefore', c.collection, c.id, c.before);
      else if (c.type === 'changed') this.out.emit('changed', c.collection, c.id, c.fields, c.cleared);
      else this.out.emit('removed', c.collection, c.id);
    }
    if (readyIds.length > 0) this.readyAfterCatchUp(readyIds);
  }
}
