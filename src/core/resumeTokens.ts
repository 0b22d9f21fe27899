// Where a saved connection keeps its login: the resume token, under a key that survives renaming the connection
// or editing its URL. Ad-hoc connections keep nothing.

/** Persistent storage for resume tokens (SecretStorage in VS Code). */
export interface TokenStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, token: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

export interface TokenOwner {
  readonly saved: boolean;
  /** Read on every use: the id is given late, the name and URL can be edited. */
  identity(): { id?: string; name: string; url: string };
  /** Gives the connection its stable id (through its owner); resolves the id, or undefined. */
  ensureId(): Promise<string | undefined>;
  /** Tells the log a value it must mask. */
  secret(value: string): void;
}

export class ResumeTokens {
  constructor(
    private readonly owner: TokenOwner,
    private readonly tokens: TokenStore | undefined,
  ) {}

  /** Only saved connections have a stored login. */
  get enabled(): boolean {
    return this.owner.saved && this.tokens !== undefined;
  }

  /**
   * Key of the resume token: the connection's stable id (kept in its settings entry). Entries saved before ids
   * existed use `legacyKey` until they get one.
   */
  get key(): string {
    const { id } = this.owner.identity();
    return id ? `ddpExplorer.login:${id}` : this.legacyKey;
  }

  /** The name + URL key of earlier versions. */
  get legacyKey(): string {
    const { name, url } = this.owner.identity();
    return `ddpExplorer.resumeToken:${name}:${url}`;
  }

  /** The stored token, read before connecting so the login can go first; a legacy one moves under the id. */
  async read(): Promise<string | undefined> {
    if (!this.enabled || !this.tokens) return undefined;
    try {
      const legacy = this.key === this.legacyKey;
      const token = await this.tokens.get(this.key);
      if (token && legacy && (await this.owner.ensureId())) {
        await this.tokens.store(this.key, token);
        await this.tokens.delete(this.legacyKey);
      }
      if (token) this.owner.secret(token);
      return token || undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Keeps a new token under the current key (rejects when the store does). `assignId`: give the connection its
   * stable id first (a password login; a resume runs after read(), which already did).
   */
  async store(token: string, { assignId = false } = {}): Promise<void> {
    this.owner.secret(token);
    if (!this.enabled || !this.tokens) return;
    if (assignId) await this.owner.ensureId();
    await this.tokens.store(this.key, token);
  }

  /** Deletes the stored login, under its id and under the name + URL key of earlier versions. */
  async forget(): Promise<void> {
    if (!this.tokens) return;
    for (const key of new Set([this.key, this.legacyKey])) {
      try {
        await this.tokens.delete(key);
      } catch {
        /* nothing to do */
      }
    }
  }
}
