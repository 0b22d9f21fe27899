import { createHash } from 'crypto';
import type { LoginResult, LoginUser, PasswordLogin } from './types';

/** The `login` params of Meteor's accounts-password: the password leaves only as its SHA-256 digest. */
export function passwordLoginParams(login: PasswordLogin): { user: LoginUser; password: { digest: string; algorithm: 'sha-256' } } {
  const given = (['username', 'email', 'id'] as const).filter((k) => typeof login[k] === 'string' && login[k] !== '');
  if (given.length !== 1) throw new TypeError('login needs exactly one of username, email or id');
  if (typeof login.password !== 'string') throw new TypeError('login needs a password');
  const key = given[0];
  const user = { [key]: login[key] as string } as LoginUser;
  const digest = createHash('sha256').update(login.password, 'utf8').digest('hex');
  return { user, password: { digest, algorithm: 'sha-256' } };
}

/** Validates the result of a `login` call. */
export function toLoginResult(result: unknown): LoginResult {
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
 * Who the client is logged in as, and the resume token that keeps it so across reconnects. The token lives in
 * memory only; the password only as long as the login call.
 */
export class Accounts {
  userId?: string;
  private token?: string;

  constructor(
    /** Sends a "wait" method: nothing else goes out until it is answered. */
    private readonly callWaiting: Call,
    private readonly announce: { login(userId: string): void; logout(reason?: string): void },
  ) {}

  async login(login: PasswordLogin): Promise<LoginResult> {
    return this.accept(await this.callWaiting('login', [passwordLoginParams(login)]));
  }

  async loginWithToken(token: string): Promise<LoginResult> {
    return this.settleResume(this.callWaiting('login', [{ resume: token }]));
  }

  async logout(): Promise<void> {
    await this.callWaiting('logout', []);
    this.forget();
  }

  /** The params of the resume login to send first on a new connection, when logged in. */
  resumeParams(): unknown[] | undefined {
    return this.token === undefined ? undefined : [{ resume: this.token }];
  }

  /** Follows a resume login: accepted, it keeps the user; refused by the server, it logs out. */
  async settleResume(result: Promise<unknown>): Promise<LoginResult> {
    try {
      return this.accept(await result);
    } catch (err) {
      // A dropped socket is no refusal: the next connection tries the token again.
      if (isServerError(err)) this.forget((err as { reason?: string }).reason ?? (err as Error).message);
      throw err;
    }
  }

  private accept(result: unknown): LoginResult {
    const login = toLoginResult(result);
    this.token = login.token;
    const changed = this.userId !== login.id;
    this.userId = login.id;
    if (changed) this.announce.login(login.id);
    return login;
  }

  private forget(reason?: string): void {
    const had = this.userId !== undefined || this.token !== undefined;
    this.token = undefined;
    this.userId = undefined;
    if (had) this.announce.logout(reason);
  }
}

function isServerError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'DdpError' || err instanceof TypeError);
}
