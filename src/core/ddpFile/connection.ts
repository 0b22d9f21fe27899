// What the runner needs from a DDP connection. The CLI gives it a DdpClient of its own (clientConnection); the
// extension gives it the session for that URL, so that runs show up in the tree and the log.
import type { DdpClient } from '../../ddp';
import type { Collections } from './assertions';

import type { SendOptions } from '../writePolicy';

export interface Connection {
  readonly collections: Collections;
  call(method: string, params: unknown[], options?: SendOptions): Promise<unknown>;
  /**
   * Resolves with the id once the subscription is sent (a connection may ask the user first, and refuse: then it
   * rejects); `settled` resolves on ready (no error) or nosub (with its error).
   */
  subscribe(
    name: string,
    params: unknown[],
    options?: SendOptions,
  ): Promise<{ id: string; settled: Promise<Error | undefined> }>;
  unsubscribe(id: string): void;
  /** `options.sent` when the login goes out (again, after a two-factor code: `options.asking` while it is typed). */
  login(user: string, password: string, options?: Pick<SendOptions, 'sent' | 'asking'>): Promise<unknown>;
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
    call: (method, params, options) => {
      options?.sent?.();
      return client.call(method, params);
    },
    subscribe(name, params, options) {
      options?.sent?.();
      let settle!: (error: Error | undefined) => void;
      const settled = new Promise<Error | undefined>((resolve) => (settle = resolve));
      const id = client.subscribe(name, params, (error) => settle(error));
      return Promise.resolve({ id, settled });
    },
    unsubscribe: (id) => client.unsubscribe(id),
    login: (user, password, options) => {
      options?.sent?.();
      return client.login({ ...loginUser(user), password });
    },
    logout: () => client.logout(),
  };
}
