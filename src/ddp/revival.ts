import { Store, type StoreChange } from './store';

/**
 * The time between a reconnect and the moment every re-sent subscription is ready again. Data for the new
 * session fills `shadow` while the old documents stay visible; at the end the store takes the difference in one go,
 * so listeners see no flicker and get `removed` for documents that vanished while the client was away.
 */
export class Revival {
  readonly shadow = new Store();
  private readonly waiting: Set<string>;
  private readonly readyIds: string[] = [];

  constructor(subIds: string[]) {
    this.waiting = new Set(subIds);
  }

  get done(): boolean {
    return this.waiting.size === 0;
  }

  /** Subscriptions announced ready meanwhile; they are announced once the data is in place. */
  ready(ids: string[]): void {
    this.readyIds.push(...ids);
    for (const id of ids) this.waiting.delete(id);
  }

  /** A re-sent subscription ended (nosub or unsubscribe): no longer waited for. */
  stopped(id: string): void {
    this.waiting.delete(id);
  }

  /** Makes `store` equal to the new data set; returns the changes to announce and the deferred ready ids. */
  finish(store: Store): { changes: StoreChange[]; readyIds: string[] } {
    return { changes: store.replaceWith(this.shadow), readyIds: this.readyIds };
  }
}
