// Saved connections (from the settings) and ad-hoc ones: the live sessions, one DdpClient each. Plain module: no
// VS Code API, so that it can be tested against a real server.
import { normalizeUrl } from '../ddp';
import { adHocName, DEFAULT_SETTINGS } from './config';
import type { ConnectionConfig, Settings } from './config';
import { Session, sameJson, type SessionChange, type SessionHooks, type SessionLog, type TokenStore } from './session';

export * from './session';

export type ManagerChange = { type: 'sessions' } | { type: 'session'; session: Session; change: SessionChange };

/** Every session: saved ones in settings order, then ad-hoc ones in the order they were opened. */
export class SessionManager {
  private readonly byId = new Map<string, Session>();
  private listeners = new Set<(change: ManagerChange) => void>();
  private settings: Settings = DEFAULT_SETTINGS;

  constructor(private readonly env: { log: SessionLog; tokens?: TokenStore; hooks?: SessionHooks }) {}

  onChange(listener: (change: ManagerChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: ManagerChange): void {
    for (const l of [...this.listeners]) {
      try {
        l(change);
      } catch {
        /* ignore */
      }
    }
  }

  get current(): Settings {
    return this.settings;
  }

  list(): Session[] {
    return [...this.byId.values()];
  }

  get(id: string): Session | undefined {
    return this.byId.get(id);
  }

  findByName(name: string): Session | undefined {
    return this.list().find((s) => s.name === name);
  }

  private create(id: string, config: ConnectionConfig, saved: boolean): Session {
    const session = new Session(id, config, saved, { log: this.env.log, tokens: this.env.tokens, settings: () => this.settings, hooks: this.env.hooks });
    session.onChange((change) => this.emit({ type: 'session', session, change }));
    return session;
  }

  /** Applies the `connections` setting: adds new saved sessions, removes deleted ones, updates changed ones. */
  setSaved(configs: ConnectionConfig[]): void {
    const ids = new Set(configs.map((c) => `saved:${c.name}`));
    const next = new Map<string, Session>();
    for (const cfg of configs) {
      const id = `saved:${cfg.name}`;
      const existing = this.byId.get(id);
      if (existing) {
        const before = existing.config;
        existing.config = cfg;
        if (existing.isActive) {
          if (before.url !== cfg.url || !sameJson(before.options, cfg.options)) {
            existing.info('Connection settings changed: reconnecting');
            void existing.restart();
          }
        }
        next.set(id, existing);
      } else {
        next.set(id, this.create(id, cfg, true));
      }
    }
    for (const [id, s] of this.byId) {
      if (s.saved && !ids.has(id)) s.dispose();
      else if (!s.saved) next.set(id, s);
    }
    this.byId.clear();
    for (const [id, s] of next) this.byId.set(id, s);
    this.emit({ type: 'sessions' });
  }

  /** Opens (or reuses) an unsaved connection to `url`. */
  addAdHoc(url: string, name?: string): Session {
    const normalized = normalizeUrl(url);
    const existing = this.list().find((s) => !s.saved && s.url === normalized);
    if (existing) return existing;
    let base = name ?? adHocName(normalized);
    let n = 2;
    const names = new Set(this.list().map((s) => s.name));
    let unique = base;
    while (names.has(unique)) unique = `${base} (${n++})`;
    const session = this.create(`adhoc:${normalized}`, { name: unique, url: normalized }, false);
    this.byId.set(session.id, session);
    this.emit({ type: 'sessions' });
    return session;
  }

  /** Forgets an ad-hoc session (saved ones go away through setSaved). */
  remove(id: string): void {
    const s = this.byId.get(id);
    if (!s) return;
    s.dispose();
    this.byId.delete(id);
    this.emit({ type: 'sessions' });
  }

  /** New settings: live clients whose effective options changed are restarted with them. */
  updateSettings(settings: Settings): void {
    const before = new Map(this.list().map((s) => [s.id, JSON.stringify(s.effectiveOptions())]));
    this.settings = settings;
    for (const s of this.list()) {
      s.applyTrace();
      if (s.isActive && before.get(s.id) !== JSON.stringify(s.effectiveOptions())) {
        s.info('Settings changed: reconnecting with the new options');
        void s.restart();
      }
    }
  }

  dispose(): void {
    for (const s of this.byId.values()) s.dispose();
    this.byId.clear();
    this.listeners.clear();
  }
}
