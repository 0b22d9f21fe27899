import { createHash } from 'crypto';
import type { LoginResult, LoginUser, PasswordLogin } from './types';

/** The `login` params of Meteor's accounts-password: the password leaves only as its SHA-256 digest. */
export function passwordLoginParams(login: PasswordLogin): {
  user: LoginUser;
  password: { digest: string; algorithm: 'sha-256' };
} {
  const given = (['username', 'email', 'id'] as const).filter((k) => typeof login[k] === 'string' && login[k] !== '');
  if (given.length !== 1) throw new TypeError('login needs exactly one of username, email or id');
  if (typeof login.password !== 'string') throw new TypeError('login needs a password');
  const key = given[0];
  const user = { [key]: login[key] as string } as LoginUser;
  const digest = createHash('sha256').update(login.password, 'utf8').digest('hex');
  return { user, password: { digest, algorithm: 'sha-256' } };
}

/** Validates the result of a `login` call. */
function toLoginResult(result: unknown): LoginResult {
  const r = result as Record<string, unknown> | null;
  if (!r || typeof r !== 'object' || typeof r.id !== 'string' || typeof r.token !== 'string') {
    throw new TypeError('The server answered login without a user id and token');
  }
  const expires = r.tokenExpires;
  return {
    id: r.id,
    token: r.token,
    tokenExpires: expires instanceof Date ? expires : typeof expires === 'number' ? new Date(expires) : undefined,
    type: typeof r.type === 'string' ? r.type : undefined,
  };
}

type Call = (method: string, params: unknown[]) => Promise<unknown>;

/**
 * Meteor's methods that log the connection in and answer `{ id, token, tokenExpires }`: `login` (password, resume,
 * and every login handler: LDAP, OAuth, 2FA...), and the accounts-password methods that end logged in.
 * `getNewToken` answers the same for the same user, with a fresh token.
 */
const LOGIN_METHODS = new Set(['login', 'createUser', 'resetPassword', 'verifyEmail', 'getNewToken']);

/** A `login`-style result, or undefined for anything else (a 2FA first step answers without a token). */
function readLogin(result: unknown): LoginResult | undefined {
  try {
    return toLoginResult(result);
  } catch {
    return undefined;
  }
}

function isResume(params: unknown[]): boolean {
  const first = params[0] as { resume?: unknown } | null | undefined;
  return typeof first === 'object' && first !== null && typeof first.resume === 'string';
}

/**
 * Who the client is logged in as, and the resume token that keeps it so across reconnects. The token lives in
 * memory only; the password only as long as the login call. Every call is shown to `observe`, so a login or logout
 * made with a plain `call()` is tracked exactly like `login()` / `logout()`.
 */
export class Accounts {
  userId?: string;
  private token?: string;
  private tokenExpires?: Date;

  constructor(
    /** Sends a "wait" method: nothing else goes out until it is answered. */
    private readonly callWaiting: Call,
    private readonly announce: { login(userId: string): void; logout(reason?: string): void },
  ) {}

  /** The resume token of the current login (a secret). */
  get loginToken(): string | undefined {
    return this.token;
  }

  async login(login: PasswordLogin): Promise<LoginResult> {
    const params = passwordLoginParams(login);
    // Rocket.Chat's second step: its "totp" login handler runs the password login inside after checking the code.
    const sent = login.totp === undefined ? params : { totp: { login: params, code: login.totp } };
    return toLoginResult(await this.callWaiting('login', [sent]));
  }

  async loginWithToken(token: string): Promise<LoginResult> {
    return toLoginResult(await this.callWaiting('login', [{ resume: token }]));
  }

  async logout(): Promise<void> {
    await this.callWaiting('logout', []);
  }

  /**
   * Follows one method call, whoever made it. A successful login method with an id and a token logs the client
   * in (and is resumed after reconnects); a successful `logout` logs it out. A resume token the server refuses
   * logs the client out; when the connection was logged in before (`afterReconnect` false), the server still
   * holds that user, so `logout` is sent too and both sides agree. A refused password leaves things as they were,
   * on both sides, as in Meteor.
   */
  observe(method: string, params: unknown[], result: Promise<unknown>, afterReconnect = false): void {
    if (method === 'logout') {
      result.then(
        () => this.forget(),
        () => undefined,
      );
      return;
    }
    if (!LOGIN_METHODS.has(method)) return;
    const resume = method === 'login' && isResume(params);
    // The caller's own promise carries any failure; this branch must not add an unhandled one.
    result
      .then(
        (value) => {
          const login = readLogin(value);
          if (login) this.accept(login);
          else if (resume) this.refused('The server answered login without a user id and token', !afterReconnect);
        },
        (err: unknown) => {
          // A dropped socket is no refusal: the next connection tries the token again.
          if (resume && err instanceof Error && err.name === 'DdpError') {
            this.refused((err as { reason?: string }).reason ?? err.message, !afterReconnect);
          }
        },
      )
      .catch(() => undefined);
  }

  /**
   * The params of the resume login to send first on a new connection, when logged in. A token past its
   * `tokenExpires` is not sent: the client logs out instead.
   */
  resumeParams(): unknown[] | undefined {
    if (this.token === undefined) return undefined;
    if (this.tokenExpires && this.tokenExpires.getTime() <= Date.now()) {
      this.forget('The login token has expired');
      return undefined;
    }
    return [{ resume: this.token }];
  }

  private accept(login: LoginResult): void {
    this.token = login.token;
    this.tokenExpires =
      login.tokenExpires && !Number.isNaN(login.tokenExpires.getTime()) ? login.tokenExpires : undefined;
    const changed = this.userId !== login.id;
    this.userId = login.id;
    if (changed) this.announce.login(login.id);
  }

  private refused(reason: string, serverMayHoldUser: boolean): void {
    const wasLoggedIn = this.userId !== undefined;
    this.forget(reason);
    if (wasLoggedIn && serverMayHoldUser) this.callWaiting('logout', []).catch(() => undefined);
  }

  private forget(reason?: string): void {
    const had = this.userId !== undefined || this.token !== undefined;
    this.token = undefined;
    this.tokenExpires = undefined;
    this.userId = undefined;
    if (had) this.announce.logout(reason);
  }
}
