// mongodb-livedata-server with a `login`/`logout` pair that behaves like Meteor's accounts-password:
// users are stored with sha256(password), the sent digest is compared, tokens are issued and resumed.

import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

const { DDPServer } = require('mongodb-livedata-server') as typeof import('mongodb-livedata-server');

const { ClientSafeError } =
  require('mongodb-livedata-server/dist/meteor/ddp/livedata_server') as typeof import('mongodb-livedata-server/dist/meteor/ddp/livedata_server');

export const ALICE = { id: 'alice-id', username: 'alice', email: 'alice@example.com', password: 'wonder land' };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export interface AccountsServer {
  url: string;
  /** Every client message after `connect` (msg objects), in arrival order, per DDP session. */
  received: Array<{ session: string; msg: Record<string, any> }>;
  tokens: Map<string, string>;
  dropConnections(): void;
  /** Pauses `login` calls until released, to test what the client holds back meanwhile. */
  holdLogins(): () => void;
  close(): Promise<void>;
}

export async function startAccountsServer(): Promise<AccountsServer> {
  const users = [{ _id: ALICE.id, username: ALICE.username, email: ALICE.email, digest: sha256(ALICE.password) }];
  const tokens = new Map<string, string>();
  const received: AccountsServer['received'] = [];
  let held: Promise<void> | undefined;
  const server = http.createServer();
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const ddp = new DDPServer({ heartbeatInterval: 0 }, server);
  ddp.onMessage((msg: any, session: any) => {
    received.push({ session: session.id, msg });
  });

  const issue = (self: any, userId: string, type: string) => {
    const token = randomBytes(16).toString('hex');
    tokens.set(token, userId);
    self.setUserId(userId);
    return { id: userId, token, tokenExpires: new Date(Date.now() + 90 * 24 * 3600e3), type };
  };

  ddp.methods({
    async login(this: any, opts: any) {
      if (held) await held;
      if (opts && typeof opts.resume === 'string') {
        const userId = tokens.get(opts.resume);
        if (!userId) throw new ClientSafeError(403, "You've been logged out by the server. Please log in again.");
        return issue(this, userId, 'resume');
      }
      const u = opts?.user ?? {};
      const user = users.find(
        (x) =>
          (u.username && x.username === u.username) || (u.email && x.email === u.email) || (u.id && x._id === u.id),
      );
      const pw = opts?.password;
      if (!user || !pw || pw.algorithm !== 'sha-256' || pw.digest !== user.digest) {
        throw new ClientSafeError(403, 'Something went wrong. Please check your credentials.');
      }
      return issue(this, user._id, 'password');
    },
    async logout(this: any) {
      this.setUserId(null);
      return undefined;
    },
    async whoami(this: any) {
      return this.userId;
    },
  });

  ddp.publish('private', async function (this: any) {
    if (this.userId) this.added('secrets', 's1', { owner: this.userId });
    this.ready();
  });
  ddp.publish('public', async function (this: any) {
    this.added('news', 'n1', { title: 'hello' });
    this.ready();
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/websocket`,
    received,
    tokens,
    dropConnections() {
      for (const s of sockets) s.destroy();
    },
    holdLogins() {
      let release!: () => void;
      held = new Promise<void>((r) => (release = r));
      return () => {
        held = undefined;
        release();
      };
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
