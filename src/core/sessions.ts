// Saved connections (from the settings) and ad-hoc ones: the live sessions, one DdpClient each. Plain module: no
// VS Code API, so that it can be tested against a real server.
import { normalizeUrl } from '../ddp';
import { adHocName, DEFAULT_SETTINGS } from './config';
import type { ConnectionConfig, Settings } from './config';
import { Session, type SessionHooks } from './session';
import { SessionError } from './sessionError';
import type { SessionChange } from './sessionEvents';
import type { SessionLog } from './sessionLog';
import type { TokenStore } from './resumeTokens';

// The session layer's whole surface, for the extension: one import.
export * from './session';
export type { DocumentsView } from './sessionData';
export type { SessionChange, SessionChangeOf, SessionChangeType } from './sessionEvents';
export type { SessionLog, SessionLogRecord, SessionProblem, SubscriptionRef } from './sessionLog';
export { nullLog } from './sessionLog';
export type { TokenStore } from './resumeTokens';
export { SessionError, isSessionError, type SessionErrorCode } from './sessionError';
export type { ConnectProblem, ConnectProblemKind } from './connectProblem';
export type { CarriedSubscription, SubscriptionSpec } from './sessionSubscriptions';

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

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
      } catch (error) {
        // A view's bug: logged, and the other views still hear the change.
        const where = change.type === 'session' ? change.session.name : 'DDP Explorer';
        this.env.log.record(where, { type: 'listener-error', event: `manager ${change.type}`, error });
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
    const session = new Session(id, config, saved, {
      log: this.env.log,
      tokens: this.env.tokens,
      settings: () => this.settings,
      hooks: this.env.hooks,
    });
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
            existing.record({ type: 'options-changed', source: 'connection' });
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

  /** Opens (or reuses) an unsaved connection to `url`; a URL that is not a DDP URL is a SessionError INVALID_URL. */
  addAdHoc(url: string, name?: string): Session {
    let normalized: string;
    try {
      normalized = normalizeUrl(url);
    } catch (err) {
      throw new SessionError('INVALID_URL', name ?? url, err instanceof Error ? err.message : String(err), {
        cause: err,
      });
    }
    const existing = this.list().find((s) => !s.saved && s.url === normalized);
    if (existing) return existing;
    const base = name ?? adHocName(normalized);
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
        s.record({ type: 'options-changed', source: 'settings' });
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
