// A session's login: password login and logout, and the saved login resumed on connect (its token kept by
// ResumeTokens). Owns the pending resume attempt.
import type { DdpClient, LoginResult } from '../ddp';
import { liveIds } from './clientEvents';
import type { Freshness } from './freshness';
import type { ResumeTokens } from './resumeTokens';
import type { SessionChange } from './sessionEvents';
import type { SessionLogRecord } from './sessionLog';

export interface AccountsOwner {
  readonly freshness: Freshness;
  record(record: SessionLogRecord): void;
  emit(change: SessionChange): void;
  /** The client is still the session's own. */
  isCurrent(client: DdpClient): boolean;
  secret(value: string): void;
}

export class SessionAccounts {
  private resumeAttempt: Promise<void> | undefined;
  /** The token stored (or being stored) for the current login, so that one login is stored once. */
  private known: string | undefined;

  constructor(
    private readonly owner: AccountsOwner,
    readonly tokens: ResumeTokens,
  ) {}

  /** Logs in with a password (e-mail when the name has "@"); stores the resume token for saved connections. */
  async login(client: DdpClient, user: string, password: string, totp?: string): Promise<LoginResult> {
    const who = user.includes('@') ? { email: user } : { username: user };
    this.owner.record({ type: 'logging-in', user });
    this.owner.freshness.loginChanged(liveIds(client));
    try {
      const r = await client.login(totp === undefined ? { ...who, password } : { ...who, password, totp });
      await this.adopt(r.token);
      this.owner.emit({ type: 'user' });
      return r;
    } catch (error) {
      this.owner.record({ type: 'login-failed', error });
      throw error;
    }
  }

  /**
   * Keeps the token of a login however it was made — Log In, or a login method called by hand (an LDAP, OAuth or
   * Rocket.Chat login through Call Method): masked in the log, and stored for a saved connection so that it resumes.
   */
  async adopt(token: string | undefined): Promise<void> {
    if (!token || token === this.known) return;
    this.known = token;
    this.owner.secret(token);
    if (!this.tokens.enabled) return;
    try {
      await this.tokens.store(token, { assignId: true });
    } catch (error) {
      this.owner.record({ type: 'token-not-stored', error });
    }
  }

  /** Deletes the stored login. */
  async forget(): Promise<void> {
    this.known = undefined;
    await this.tokens.forget();
  }

  /** Forgets the stored login, then logs the client (if any) out. */
  async logout(client: DdpClient | undefined): Promise<void> {
    await this.forget();
    if (!client) return;
    this.owner.freshness.loginChanged(liveIds(client));
    try {
      await client.logout();
    } finally {
      this.owner.emit({ type: 'user' });
    }
  }

  /** Sends the resume login at once (a "wait" method: later subscriptions and calls go after it). */
  resume(client: DdpClient, token: string | undefined): void {
    if (!token || client.userId) {
      this.resumeAttempt = undefined;
      return;
    }
    this.owner.record({ type: 'resuming-login' });
    this.known = token;
    this.resumeAttempt = client.loginWithToken(token).then(
      async (r) => {
        if (r.token && r.token !== token) await this.adopt(r.token);
      },
      async (error: unknown) => {
        if (!this.owner.isCurrent(client)) return;
        this.owner.record({ type: 'resume-refused', error });
        await this.forget();
      },
    );
  }

  /** Waits for a pending resume login started on connect (tests, and Log In before it finished). */
  async settled(): Promise<void> {
    await this.resumeAttempt;
  }
}
