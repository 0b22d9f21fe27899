// The read side of the session façade: what the extension may know of a connection's client (collections,
// documents, subscriptions, versions, the reconnect countdown), as read-only views. The client itself stays
// private to Session; the library's store is the only writer of the data.
import type { DdpClient, Fields, ReconnectInfo, SubscriptionInfo, TransportName } from '../ddp';

/** A collection's documents by id, read-only and live (it follows the server's changes). */
export type DocumentsView = ReadonlyMap<string, Readonly<Fields>>;

const EMPTY: ReadonlyMap<string, DocumentsView> = new Map();

export abstract class SessionData {
  /** The session's current client, if any. */
  protected abstract current(): DdpClient | undefined;

  get userId(): string | undefined {
    return this.current()?.userId;
  }

  /** The negotiated DDP version, while a client exists. */
  get version(): string | undefined {
    return this.current()?.version;
  }

  /** The server's DDP session id, while a client exists. */
  get ddpSession(): string | undefined {
    return this.current()?.session;
  }

  /** The transport of the client's latest open socket (raw WebSocket, or SockJS over one of its transports). */
  get transport(): TransportName | undefined {
    return this.current()?.transport;
  }

  /** The next reconnect attempt (time and number), while reconnecting. */
  get nextReconnect(): ReconnectInfo | undefined {
    return this.current()?.nextReconnect;
  }

  /** Names of the collections the server has sent, in the order they arrived. */
  collectionNames(): string[] {
    const client = this.current();
    return client ? [...client.collections.keys()] : [];
  }

  /** Number of collections the server has sent. */
  get collectionCount(): number {
    return this.current()?.collections.size ?? 0;
  }

  /** Every collection's documents, read-only (empty while there is no client). */
  collections(): ReadonlyMap<string, DocumentsView> {
    return this.current()?.collections ?? EMPTY;
  }

  /** A collection's documents. */
  documents(collection: string): DocumentsView | undefined {
    return this.current()?.collections.get(collection);
  }

  /** One document's fields (without `_id`), exactly as received. */
  document(collection: string, id: string): Readonly<Fields> | undefined {
    return this.current()?.collections.get(collection)?.get(id);
  }

  /** A subscription by id, also one the user dismissed from the list. */
  subscription(id: string): SubscriptionInfo | undefined {
    return this.current()?.subscriptions.get(id);
  }
}
