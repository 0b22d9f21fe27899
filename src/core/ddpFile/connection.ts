// What the runner needs from a DDP connection. The CLI gives it a DdpClient of its own (clientConnection); the
// extension gives it the session for that URL, so that runs show up in the tree and the log.
import type { DdpClient } from '../../ddp';
import type { Collections } from './assertions';

export interface Connection {
  readonly collections: Collections;
  call(method: string, params: unknown[]): Promise<unknown>;
  /** Resolves on ready (no error) or nosub (with its error); the id is known at once. */
  subscribe(name: string, params: unknown[]): { id: string; settled: Promise<Error | undefined> };
  unsubscribe(id: string): void;
  login(user: string, password: string): Promise<unknown>;
  logout(): Promise<void>;
}

/** The password login fields for what was typed after LOGIN: an e-mail when it has "@". */
export function loginUser(user: string): { username: string } | { email: string } {
  return user.includes('@') ? { email: user } : { username: user };
}

export function clientConnection(client: DdpClient): Connection {
  return {
    get collections() {
      return client.collections;
    },
    call: (method, params) => client.call(method, params),
    subscribe(name, params) {
      let settle!: (error: Error | undefined) => void;
      const settled = new Promise<Error | undefined>((resolve) => (settle = resolve));
      const id = client.subscribe(name, params, (error) => settle(error));
      return { id, settled };
    },
    unsubscribe: (id) => client.unsubscribe(id),
    login: (user, password) => client.login({ ...loginUser(user), password }),
    logout: () => client.logout(),
  };
}
