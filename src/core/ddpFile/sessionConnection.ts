// The runner's Connection over an extension session, so that .ddp runs use the same connection as the tree: calls
// and logins are logged by the session, subscriptions appear in the tree, documents in its collections.
import { normalizeUrl } from '../../ddp';
import type { Session, SessionManager } from '../sessions';
import type { SessionProblem } from '../sessionLog';
import type { Connection } from './connection';
import type { Collections } from './assertions';
import { callWithTwoFactor, withTwoFactor, TWO_FACTOR_CANCELLED, type TwoFactorRequest } from '../twoFactor';

/** The session for a URL: a saved or open one with that URL, else a new ad-hoc one; connected. */
export async function sessionFor(
  manager: SessionManager,
  url: string,
  describe: (problem: SessionProblem) => string,
): Promise<Session> {
  const normalized = normalizeUrl(url);
  const existing =
    manager.list().find((s) => s.url === normalized && s.isActive) ?? manager.list().find((s) => s.url === normalized);
  const session = existing ?? manager.addAdHoc(normalized);
  if (session.state !== 'connected') {
    // Wait for the first attempt to settle, however it ends: connected, or failed and waiting to retry (with
    // auto-reconnect the session's connect() would only resolve once the server is back).
    const settled = new Promise<void>((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        off();
        resolve();
      };
      const check = () => {
        const state = session.state;
        // Reconnecting counts once the reason of the failed attempt is known (socket_closed comes after status).
        if (
          state === 'connected' ||
          state === 'failed' ||
          (state === 'reconnecting' && session.lastError !== undefined)
        )
          finish();
      };
      const off = session.onChange((c) => {
        if (c.type === 'state') check();
      });
      if (!session.isActive) void session.connect().finally(finish);
      else check();
    });
    await settled;
  }
  if (session.state !== 'connected') {
    const problem = session.lastError ?? session.failure;
    throw new Error(`Could not connect to ${normalized}${problem ? `: ${describe(problem)}` : ''}`);
  }
  return session;
}

/**
 * `twoFactor`: asks the user for the code when a method answers Rocket.Chat's `totp-required` (undefined: cancelled);
 * the call is then sent once more with it (src/core/twoFactor.ts), as Call Method does. Without it the error stands.
 */
export function sessionConnection(
  session: Session,
  twoFactor?: (method: string, request: TwoFactorRequest) => Promise<string | undefined>,
): Connection {
  return {
    get collections() {
      return session.collections() as Collections;
    },
    call: async (method, params, options) => {
      if (!twoFactor) return (await session.call(method, params, options)).result;
      const outcome = await callWithTwoFactor(
        session,
        method,
        params,
        (request) => twoFactor(method, request),
        options,
      );
      if (outcome === TWO_FACTOR_CANCELLED)
        throw new Error(`${method} asked for a two-factor code and none was given: it was not sent again`);
      return outcome.result;
    },
    async subscribe(name, params, options) {
      const id = await session.subscribe(name, params, options);
      const settled = new Promise<Error | undefined>((resolve) => {
        const check = (): boolean => {
          const info = session.subscription(id);
          if (info?.state === 'ready') return finish(undefined);
          if (info?.state === 'stopped' || info?.state === 'error') {
            return finish(info.error ?? new Error('The server stopped the subscription (nosub)'));
          }
          if (session.state === 'disconnected' || session.state === 'failed') {
            return finish(
              new Error(
                `The connection was ${session.state === 'failed' ? 'lost' : 'closed'} before the subscription was ready`,
              ),
            );
          }
          return false;
        };
        const offSubs = session.on('subscriptions', () => void check());
        const offState = session.on('state', () => void check());
        const finish = (error: Error | undefined): true => {
          offSubs();
          offState();
          resolve(error);
          return true;
        };
        check();
      });
      return { id, settled };
    },
    unsubscribe: (id) => session.unsubscribe(id),
    // Rocket.Chat's two-factor login: the same login again as {totp: {login, code}} (the library builds it).
    login: async (user, password, options) => {
      options?.sent?.();
      if (!twoFactor) return session.login(user, password);
      const outcome = await withTwoFactor(
        (tf) => {
          if (tf) options?.sent?.();
          return session.login(user, password, tf?.code);
        },
        (request) => {
          options?.asking?.();
          return twoFactor('login', request);
        },
      );
      if (outcome === TWO_FACTOR_CANCELLED) throw new Error('The login asked for a two-factor code and none was given');
      return outcome;
    },
    logout: () => session.logout(),
  };
}
