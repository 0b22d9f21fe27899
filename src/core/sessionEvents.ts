// What a session tells the views: one typed change per fact, with a listener per change type for those that
// care about one (the status bar about `state`, a document editor about `doc`).

export type SessionChange =
  | { type: 'state' }
  | { type: 'subscriptions' }
  | { type: 'user' }
  | { type: 'collections' }
  /** The data became stale (a drop) or caught up again (every re-sent subscription ready). */
  | { type: 'freshness' }
  /** `ordered`: the document went somewhere other than the end of its collection (addedBefore). */
  | { type: 'doc'; op: 'added' | 'changed' | 'removed' | 'moved'; collection: string; id: string; ordered?: boolean }
  /** A Rocket.Chat stream event was logged (src/core/streams.ts); what it pushed out, for the views to forget. */
  | {
      type: 'stream';
      collection: string;
      eventName: string;
      seq: number;
      newStream: boolean;
      dropped: number[];
      droppedGroups: string[];
      droppedStream?: string;
    }
  /** A stream's events were cleared by the user (Clear Stream Log). */
  | { type: 'streamCleared'; collection: string };

export type SessionChangeType = SessionChange['type'];
export type SessionChangeOf<T extends SessionChangeType> = Extract<SessionChange, { type: T }>;

export class SessionEvents {
  private readonly listeners = new Set<(change: SessionChange) => void>();

  /** `failed`: told when a listener throws (the other listeners still hear the change). */
  constructor(private readonly failed: (error: unknown, change: SessionChange) => void = () => {}) {}

  /** Every change; returns the function that stops listening. */
  onChange(listener: (change: SessionChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Changes of one type, typed. */
  on<T extends SessionChangeType>(type: T, listener: (change: SessionChangeOf<T>) => void): () => void {
    return this.onChange((change) => {
      if (change.type === type) listener(change as SessionChangeOf<T>);
    });
  }

  emit(change: SessionChange): void {
    for (const l of [...this.listeners]) {
      try {
        l(change);
      } catch (error) {
        try {
          this.failed(error, change);
        } catch {
          /* reporting must not stop the other listeners */
        }
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
