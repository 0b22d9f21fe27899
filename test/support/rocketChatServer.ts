// A Rocket.Chat-shaped DDP server (mongodb-livedata-server underneath), speaking the shapes of Rocket.Chat's realtime
// API as its documentation and source have them:
// - streams (apps/meteor/server/modules/streamer): publications `stream-<name>` with params
//   `[eventName, { useCollection, args }]` or `[eventName, false]`; `ready`, then each event as
//   `{msg: "changed", collection: "stream-<name>", id: "id", fields: {eventName, args}}` for a document never added
//   (`useCollection: true` adds `{eventName}` under id "id" first); read rules per stream (notify-user: only your own
//   `<userId>/...` events; room messages and notify-logged: logged in, or anonymous read when allowed);
// - login (accounts-password digest, resume tokens) with Rocket.Chat's two-factor step (apps/meteor/app/2fa): a user
//   with TOTP gets `totp-required` until the login comes as `{totp: {login: <the password login>, code}}`, and
//   `totp-invalid` for a wrong code; a resume login skips it;
// - a method wrapped like `twoFactorRequired`: `totp-required` (details {method, codeGenerated, availableMethods})
//   unless its last argument is `{twoFactorCode, twoFactorMethod}`, which is taken off before the method runs.
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

const { DDPServer } = require('mongodb-livedata-server') as typeof import('mongodb-livedata-server');
const { ClientSafeError } =
  require('mongodb-livedata-server/dist/meteor/ddp/livedata_server') as typeof import('mongodb-livedata-server/dist/meteor/ddp/livedata_server');

/** A user with TOTP two-factor on (its current code is RC_USER.code). */
export const RC_USER = { id: 'rc-user-id', username: 'rocket', password: 'launch pad', code: '246810' };
/** A user without two-factor. */
export const RC_PLAIN_USER = { id: 'rc-plain-id', username: 'plain', password: 'no second factor' };

/** The streams Rocket.Chat's clients subscribe to most. */
export const RC_STREAMS = [
  'stream-room-messages',
  'stream-notify-user',
  'stream-notify-room',
  'stream-notify-logged',
  'stream-notify-all',
] as const;

/** A method guarded like Rocket.Chat's `saveUserProfile` (twoFactorRequired). */
export const RC_GUARDED_METHOD = 'saveUserProfile';

export interface RocketChatServerOptions {
  port?: number;
  host?: string;
  /** Rocket.Chat's Accounts_AllowAnonymousRead: room messages and notify-logged readable without login. */
  anonymousRead?: boolean;
}

export interface RocketChatServer {
  url: string;
  /** Sends one event to every subscriber of `stream` + `eventName`; returns how many got it. */
  emit(stream: string, eventName: string, ...args: unknown[]): number;
  /** Subscribers of a stream's event (tests wait for a subscription to arrive before emitting). */
  subscribers(stream: string, eventName: string): number;
  /** Every method call received: name and params (login params masked). */
  calls: Array<{ method: string; params: unknown[] }>;
  close(): Promise<void>;
}

interface Sub {
  send(msg: Record<string, unknown>): void;
  userId: string | null;
}

/** What mongodb-livedata-server passes as `this` to a publish function (a Subscription). */
interface PublishThis {
  userId: string | null;
  _session: { send(msg: Record<string, unknown>): void };
  ready(): void;
  onStop(fn: () => void): void;
  error(err: Error): void;
}

/** ... and to a method (a MethodInvocation). */
interface MethodThis {
  userId: string | null;
  setUserId(id: string | null): void;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Meteor.Error as Rocket.Chat throws it: error code string, reason, details. */
const meteorError = (error: string, reason: string, details?: Record<string, unknown>) =>
  // The library types details as a string; Meteor (and Rocket.Chat) send an object.
  new ClientSafeError(error, reason, details as unknown as string);

export async function startRocketChatServer(options: RocketChatServerOptions = {}): Promise<RocketChatServer> {
  const users = [
    { _id: RC_USER.id, username: RC_USER.username, digest: sha256(RC_USER.password), totp: RC_USER.code },
    { _id: RC_PLAIN_USER.id, username: RC_PLAIN_USER.username, digest: sha256(RC_PLAIN_USER.password) },
  ];
  const tokens = new Map<string, string>();
  const calls: RocketChatServer['calls'] = [];
  /** stream -> eventName -> subscribers. */
  const streams = new Map<string, Map<string, Set<Sub>>>();
  const server = http.createServer();
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const ddp = new DDPServer({ heartbeatInterval: 0 }, server);

  const issue = (self: MethodThis, userId: string, type: string) => {
    const token = randomBytes(16).toString('hex');
    tokens.set(token, userId);
    self.setUserId(userId);
    return { id: userId, token, tokenExpires: new Date(Date.now() + 90 * 86400_000), type };
  };

  /** Rocket.Chat's checkCodeForUser for a TOTP user: no code -> totp-required, wrong code -> totp-invalid. */
  const checkCode = (totp: string | undefined, code: unknown) => {
    if (!totp) return;
    const details = { method: 'totp', codeGenerated: false, availableMethods: ['totp'] };
    if (typeof code !== 'string' || code === '') throw meteorError('totp-required', 'TOTP Required', details);
    if (code !== totp) throw meteorError('totp-invalid', 'TOTP Invalid', details);
  };

  const passwordLogin = (self: MethodThis, req: any, code: unknown) => {
    const u = req?.user ?? {};
    const user = users.find((x) => (u.username && x.username === u.username) || (u.id && x._id === u.id));
    const pw = req?.password;
    if (!user || !pw || pw.algorithm !== 'sha-256' || pw.digest !== user.digest)
      throw meteorError('403', 'User not found or incorrect password');
    checkCode(user.totp, code);
    return issue(self, user._id, 'password');
  };

  const methods: Record<string, (this: MethodThis, ...args: any[]) => Promise<unknown>> = {
    async login(req: any) {
      if (req && typeof req.resume === 'string') {
        const userId = tokens.get(req.resume);
        if (!userId) throw meteorError('403', "You've been logged out by the server. Please log in again.");
        return issue(this, userId, 'resume');
      }
      // The "totp" login handler: the password login inside, with the code beside it.
      if (req && typeof req.totp === 'object' && req.totp?.code)
        return passwordLogin(this, req.totp.login, req.totp.code);
      return passwordLogin(this, req, undefined);
    },
    async logout() {
      this.setUserId(null);
    },
    async [RC_GUARDED_METHOD](...args: unknown[]) {
      if (!this.userId) throw meteorError('error-invalid-user', 'Invalid user', { method: 'twoFactorRequired' });
      const last = args.pop() as { twoFactorCode?: unknown; twoFactorMethod?: unknown } | undefined;
      let code: unknown;
      if (last && typeof last === 'object' && last.twoFactorCode && last.twoFactorMethod) code = last.twoFactorCode;
      else if (last !== undefined) args.push(last);
      checkCode(users.find((x) => x._id === this.userId)?.totp, code);
      return { saved: true, args };
    },
    /** Posts a message to a room: its stream-room-messages event, as Rocket.Chat's sendMessage does. */
    async sendMessage(message: any) {
      if (!this.userId) throw meteorError('error-invalid-user', 'Invalid user', { method: 'sendMessage' });
      if (!message || typeof message.rid !== 'string' || typeof message.msg !== 'string')
        throw meteorError('error-invalid-params', 'Invalid params', { method: 'sendMessage' });
      const doc = {
        _id: randomBytes(8).toString('hex'),
        rid: message.rid,
        msg: message.msg,
        ts: new Date(),
        u: { _id: this.userId },
      };
      emit('stream-room-messages', message.rid, doc);
      return doc;
    },
  };
  const logged: typeof methods = {};
  for (const [name, fn] of Object.entries(methods)) {
    logged[name] = function (this: MethodThis, ...args: unknown[]) {
      calls.push({ method: name, params: name === 'login' ? ['***'] : args });
      return fn.apply(this, args);
    };
  }
  ddp.methods(logged);

  /** Rocket.Chat's allowRead rules, per stream. */
  const readAllowed = (stream: string, eventName: string, userId: string | null): boolean => {
    switch (stream) {
      case 'stream-notify-all':
        return true;
      case 'stream-notify-user':
        return !!userId && eventName.startsWith(`${userId}/`);
      default:
        return !!userId || options.anonymousRead === true;
    }
  };

  const publications: Record<string, (this: PublishThis, ...args: unknown[]) => Promise<void>> = {};
  for (const stream of RC_STREAMS) {
    publications[stream] = async function (this: PublishThis, eventName: unknown, opts: unknown) {
      if (typeof eventName !== 'string' || eventName.length === 0) {
        this.error(meteorError('invalid-event-name', 'invalid-event-name'));
        return;
      }
      // `[eventName, false]` (older clients, the documentation) or `[eventName, {useCollection, args}]`.
      const useCollection = typeof opts === 'boolean' ? opts : (opts as { useCollection?: boolean })?.useCollection;
      if (!readAllowed(stream, eventName, this.userId)) {
        this.error(meteorError('not-allowed', 'not-allowed'));
        return;
      }
      const session = this._session;
      const sub: Sub = { send: (msg) => session.send(msg), userId: this.userId };
      let byEvent = streams.get(stream);
      if (!byEvent) streams.set(stream, (byEvent = new Map()));
      let set = byEvent.get(eventName);
      if (!set) byEvent.set(eventName, (set = new Set()));
      set.add(sub);
      this.onStop(() => set.delete(sub));
      if (useCollection === true) session.send({ msg: 'added', collection: stream, id: 'id', fields: { eventName } });
      this.ready();
    };
  }
  // The library types `this` in publish functions as a MethodInvocation; it is a Subscription.
  ddp.publish(publications as unknown as Parameters<typeof ddp.publish>[0]);

  function emit(stream: string, eventName: string, ...args: unknown[]): number {
    const subs = new Set(streams.get(stream)?.get(eventName) ?? []);
    // Room messages also go to `__my_messages__` subscribers (Rocket.Chat subscribes those to each of the user's
    // rooms), still under the room id as event name.
    if (stream === 'stream-room-messages')
      for (const sub of streams.get(stream)?.get('__my_messages__') ?? []) subs.add(sub);
    // Exactly the streamer's changedPayload: a `changed` for id "id", never added.
    for (const sub of subs) sub.send({ msg: 'changed', collection: stream, id: 'id', fields: { eventName, args } });
    return subs.size;
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/websocket`,
    emit,
    subscribers: (stream, eventName) => streams.get(stream)?.get(eventName)?.size ?? 0,
    calls,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
