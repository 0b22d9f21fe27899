// A scriptable server that answers like a Meteor 3 app with DDPRateLimiter rules: per connection and per method or
// publication name, at most `numRequests` in each `intervalMs` window; a request over the limit gets Meteor 3's exact
// answer (a `result` for a method, a `nosub` for a subscription) with error `too-many-requests`, Meteor's default
// message and `details: { timeToReset }`. mongodb-livedata-server has this code commented out, hence this fixture.
// Allowed methods: `math.add` (the sum of its two params) and anything else (null); allowed subscriptions: `ready`.

import { ScriptServer, type ScriptConnection } from './scriptServer';

export interface RateLimitRule {
  numRequests: number;
  intervalMs: number;
  /** Replaces `details` in the refusals, to play a server that sends odd ones (default: Meteor's own). */
  details?: (timeToReset: number) => unknown;
}

/** DDPRateLimiter's default message (ddp-rate-limiter/ddp-rate-limiter.js). */
export function meteorRateLimitMessage(timeToReset: number): string {
  return `Error, too many requests. Please slow down. You must wait ${Math.ceil(timeToReset / 1000)} seconds before trying again.`;
}

/** The error object as Meteor 3 puts a Meteor.Error on the wire. */
/** `details` undefined leaves the field out, as a server that sends none would. */
export function tooManyRequests(timeToReset: number, details: unknown): Record<string, unknown> {
  const reason = meteorRateLimitMessage(timeToReset);
  const error: Record<string, unknown> = {
    isClientSafe: true,
    error: 'too-many-requests',
    reason,
    message: `${reason} [too-many-requests]`,
    errorType: 'Meteor.Error',
  };
  if (details !== undefined) error.details = details;
  return error;
}

export class RateLimitServer extends ScriptServer {
  /** Every request the server let through, by name (what "sends nothing" tests count). */
  readonly allowed: string[] = [];
  private readonly windows = new WeakMap<ScriptConnection, Map<string, { start: number; count: number }>>();

  constructor(public rule: RateLimitRule) {
    super();
    this.on('message', (conn: ScriptConnection, msg: any) => this.answer(conn, msg));
  }

  /** Counts the request; returns the ms until its window resets when it is over the limit. */
  private check(conn: ScriptConnection, key: string): number | undefined {
    let byKey = this.windows.get(conn);
    if (!byKey) this.windows.set(conn, (byKey = new Map()));
    const now = Date.now();
    let w = byKey.get(key);
    if (!w || now - w.start >= this.rule.intervalMs) byKey.set(key, (w = { start: now, count: 0 }));
    w.count++;
    return w.count > this.rule.numRequests ? w.start + this.rule.intervalMs - now : undefined;
  }

  private answer(conn: ScriptConnection, msg: any): void {
    if (!msg || typeof msg !== 'object') return;
    if (msg.msg === 'method') {
      const wait = this.check(conn, `method:${String(msg.method)}`);
      if (wait !== undefined) {
        const details = this.rule.details ? this.rule.details(wait) : { timeToReset: wait };
        conn.send({ msg: 'result', id: msg.id, error: tooManyRequests(wait, details) });
        return;
      }
      this.allowed.push(String(msg.method));
      const p: unknown[] = Array.isArray(msg.params) ? msg.params : [];
      const result = msg.method === 'math.add' ? Number(p[0]) + Number(p[1]) : null;
      conn.send({ msg: 'result', id: msg.id, result });
      conn.send({ msg: 'updated', methods: [msg.id] });
    } else if (msg.msg === 'sub') {
      const wait = this.check(conn, `sub:${String(msg.name)}`);
      if (wait !== undefined) {
        const details = this.rule.details ? this.rule.details(wait) : { timeToReset: wait };
        conn.send({ msg: 'nosub', id: msg.id, error: tooManyRequests(wait, details) });
        return;
      }
      this.allowed.push(String(msg.name));
      conn.send({ msg: 'ready', subs: [msg.id] });
    }
  }
}
