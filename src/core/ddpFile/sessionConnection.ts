// The runner's Connection over an extension session, so that .ddp runs use the same connection as the tree: calls
// and logins are logged by the session, subscriptions appear in the tree, documents in its collections.
import { normalizeUrl } from '../../ddp';
import type { Session, SessionManager } from '../sessions';
import type { Connection } from './connection';

/** The session for a URL: a saved or open one with that URL, else a new ad-hoc one; connected. */
export async function sessionFor(manager: SessionManager, url: string): Promise<Session> {
  const normalized = normalizeUrl(url);
  const existing = manager.list().find((s) => s.url === normalized && s.isActive) ?? manager.list().find((s) => s.url === normalized);
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
        if (state === 'connected' || state === 'failed' || (state === 'reconnecting' && session.lastError !== undefined)) finish();
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
    throw new Error(`Could not connect to ${normalized}${session.lastError ? `: ${session.lastError}` : session.failure ? `: ${session.failure}` : ''}`);
  }
  return session;
}

export function sessionConnection(session: Session): Connection {
  const client = () => {
    const c = session.client;
    if (!c) throw new Error(`"${session.name}" is not connected`);
    return c;
  };
  return {
    get collections() {
      return session.client?.collections ?? new Map();
    },
    call: async (method, params) => (await session.call(method, params)).result,
    subscribe(name, params) {
      const c = client();
      const id = session.subscribe(name, params);
      const settled = new Promise<Error | undefined>((resolve) => {
        const done = (error: Error | undefined) => {
          c.off('ready', onReady);
          c.off('nosub', onNosub);
          c.off('status', onStatus);
          resolve(error);
        };
        const onReady = (ids: string[]) => {
          if (ids.includes(id)) done(undefined);
        };
        const onNosub = (sid: string, error: Error | undefined) => {
          if (sid === id) done(error ?? new Error('The server stopped the subscription (nosub)'));
        };
        const onStatus = (status: string) => {
          if (status === 'closed' || status === 'failed') done(new Error(`The connection ${status} before the subscription was ready`));
        };
        c.on('ready', onReady);
        c.on('nosub', onNosub);
        c.on('status', onStatus);
        const info = c.subscriptions.get(id);
        if (info?.state === 'ready') done(undefined);
      });
      return { id, settled };
    },
    unsubscribe: (id) => session.unsubscribe(id),
    login: (user, password) => session.login(user, password),
    logout: () => session.logout(),
  };
}
