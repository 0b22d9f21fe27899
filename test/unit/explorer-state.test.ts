// Honest state and exact data in the explorer's plain view-model modules (no server, no VS Code): freshness across
// drops, the countdown clock, document texts, date hints, render pacing and the incremental filter index.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Freshness } from '../../src/core/freshness';
import { readyLine } from '../../src/presentation/sessionLogText';
import { CountdownClock } from '../../src/presentation/clock';
import type { TimerApi } from '../../src/presentation/coalescer';
import { FilterIndex } from '../../src/presentation/tree/filterIndex';
import { documentPreview } from '../../src/presentation/tree/levels/document';
import { subscriptionStateText, CARRIED_TEXT } from '../../src/presentation/tree/levels/subscription';
import { documentText } from '../../src/presentation/documentText';
import { findEjsonDates } from '../../src/presentation/dateHints';
import { RenderPacer } from '../../src/presentation/renderPacer';
import {
  clockTime,
  copyValueText,
  exactEJSON,
  formatCount,
  matchesFilter,
  mongoPath,
  plural,
} from '../../src/presentation/format';
import {
  connectionDescription,
  stateText,
  statusBarView,
  type ConnectionSnapshot,
} from '../../src/presentation/statusText';
import type { SubscriptionInfo } from '../../src/ddp';

/** Fake timers: time moves only when the test says so; due timers run in order. */
class FakeTimers implements TimerApi {
  t = 1_000_000;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private seq = 0;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== h);
  }
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }
  get pending(): number {
    return this.timers.length;
  }
}

const sub = (over: Partial<SubscriptionInfo>): SubscriptionInfo => ({
  id: 's1',
  name: 'big',
  params: [],
  state: 'ready',
  startedAt: 0,
  readyAt: 395,
  ...over,
});

describe('freshness across drops, reconnects and logins', () => {
  test('each ready is measured from its own (re)send; a catch-up and a login rerun say so, never repeating an old time', () => {
    let now = 10_000;
    const f = new Freshness(() => now);
    f.subscribed('a');
    now += 395;
    let r = f.ready(['a']);
    assert.deepEqual(r.reports, [{ id: 'a', ms: 395, cause: 'subscribe', again: false }]);
    assert.equal(readyLine('big', r.reports[0]), 'Subscription ready: big in 395 ms');

    now += 5000;
    assert.equal(f.dropped([{ id: 'a', ready: true }], true), true, 'data with a ready subscription becomes stale');
    assert.equal(f.staleSince, now);
    assert.equal(f.timing('a')?.staleSince, now);
    now += 2000;
    assert.equal(f.reconnected(['a']), false, 'still waiting for a');
    now += 48;
    r = f.ready(['a']);
    assert.equal(r.fresh, true);
    assert.deepEqual(r.reports, [{ id: 'a', ms: 48, cause: 'reconnect', again: true }]);
    assert.equal(readyLine('big', r.reports[0]), 'Subscription ready again after the reconnect: big in 48 ms');
    assert.equal(f.staleSince, undefined);
    assert.equal(f.timing('a')?.readyMs, 48);
    assert.equal(f.timing('a')?.staleSince, undefined);

    f.loginChanged(['a']);
    now += 12;
    r = f.ready(['a']);
    assert.equal(readyLine('big', r.reports[0]), 'Subscription ready again after the login change: big in 12 ms');
    // A ready nothing of ours asked for gets no time at all.
    now += 1000;
    r = f.ready(['a']);
    assert.equal(readyLine('big', r.reports[0]), 'Subscription ready again: big');
    assert.equal(f.timing('a')?.readyMs, 12, 'the last measured time stays');
  });

  test('the data stays stale until every subscription that was ready is ready again or ended, and only while connected', () => {
    let now = 0;
    const f = new Freshness(() => now);
    f.subscribed('a');
    f.subscribed('b');
    f.subscribed('p');
    f.ready(['a', 'b']);
    now = 100;
    assert.equal(
      f.dropped(
        [
          { id: 'a', ready: true },
          { id: 'b', ready: true },
          { id: 'p', ready: false },
        ],
        true,
      ),
      true,
    );
    assert.equal(f.dropped([{ id: 'a', ready: true }], true), false, 'a second failed attempt changes nothing');
    assert.equal(f.staleSince, 100);
    assert.equal(f.ended('a'), false, 'an unsubscribe while offline does not make the data fresh');
    now = 200;
    assert.equal(f.reconnected(['b', 'p']), false);
    assert.equal(f.ready(['p']).fresh, false, 'a subscription that was only waiting is not what the data waits for');
    assert.equal(f.ready(['b']).fresh, true);
  });

  test('data without subscriptions is fresh again as soon as it reconnects; nothing to lose is never stale', () => {
    const f = new Freshness(() => 5);
    assert.equal(f.dropped([], false), false);
    assert.equal(f.staleSince, undefined);
    assert.equal(f.dropped([], true), true);
    assert.equal(f.reconnected([]), true);
    assert.equal(f.staleSince, undefined);
  });

  test('subscription state text: stale with the time of the last ready; ready with the latest own time', () => {
    const at = Date.UTC(2026, 0, 1, 12, 1, 2);
    assert.equal(
      subscriptionStateText(sub({}), { readyAt: at, staleSince: at + 5000 }),
      `stale · resubscribing (last ready ${clockTime(at)})`,
    );
    assert.equal(
      subscriptionStateText(sub({}), { readyAt: at, readyMs: 48 }),
      'ready in 48 ms',
      'not the 395 ms of the first ready',
    );
    assert.equal(subscriptionStateText(sub({})), 'ready in 395 ms');
    assert.equal(
      subscriptionStateText(sub({ state: 'pending', readyAt: undefined }), { staleSince: 1 }),
      'waiting · resubscribing',
    );
    assert.equal(CARRIED_TEXT, 'stopped · resumes on connect');
  });
});

describe('one countdown clock for the tree and the status bar', () => {
  test('between two ticks every view reads the same time; ticks fall where the whole seconds change', () => {
    const timers = new FakeTimers();
    const deadline = timers.t + 3500;
    const clock = new CountdownClock(() => [deadline], timers);
    const texts: string[] = [];
    clock.onTick(() => texts.push(stateText({ state: 'reconnecting', reconnectAt: deadline }, clock.now())));
    clock.sync();
    assert.equal(stateText({ state: 'reconnecting', reconnectAt: deadline }, clock.now()), 'reconnecting in 4s');
    // A view drawn 400 ms later (the status bar's delayed update, a coalesced tree refresh) shows the same number.
    timers.advance(400);
    assert.equal(stateText({ state: 'reconnecting', reconnectAt: deadline }, clock.now()), 'reconnecting in 4s');
    timers.advance(3200);
    assert.deepEqual(texts, ['reconnecting in 3s', 'reconnecting in 2s', 'reconnecting in 1s', 'reconnecting']);
    assert.equal(timers.pending, 0, 'no tick once the countdown is over');
    clock.dispose();
  });
});

test('connected but not caught up says so, in the tree and the status bar alike', () => {
  const snap: ConnectionSnapshot = {
    name: 'local',
    url: 'ws://x',
    saved: true,
    state: 'connected',
    subscriptions: 1,
    readySubscriptions: 0,
    collections: 1,
    documents: 5,
    staleSince: 1,
  };
  assert.equal(connectionDescription(snap, 0), 'connected · catching up');
  assert.equal(statusBarView(snap, 0).text, '$(plug) DDP: local connected · catching up');
  assert.equal(connectionDescription({ ...snap, staleSince: undefined }, 0), 'connected');
});

describe('documents as they are', () => {
  const session = { name: 'local', connected: true };
  const fields = {
    settings: { digest: 'weekly' },
    password: 'p4ss',
    token: 'tok',
    resume: 'r',
    when: new Date(Date.UTC(2026, 0, 1)),
  };

  test('Open Document and Copy show the data exactly: no masking of digest, password, token or resume', () => {
    const out = documentText({ session, collection: 'users', id: 'u1' }, fields, {}, 0);
    assert.equal(out.state, 'live');
    const parsed = JSON.parse(out.text);
    assert.deepEqual(parsed, {
      _id: 'u1',
      settings: { digest: 'weekly' },
      password: 'p4ss',
      token: 'tok',
      resume: 'r',
      when: { $date: Date.UTC(2026, 0, 1) },
    });
    assert.equal(exactEJSON({ token: 'SECRET-TOKEN' }).includes('SECRET-TOKEN'), true);
    assert.equal(copyValueText('plain text'), 'plain text');
    assert.equal(copyValueText({ $x: 1, d: new Date(0) }), exactEJSON({ $x: 1, d: new Date(0) }));
    assert.match(documentPreview('u1', fields, 3000), /"password": "p4ss"/);
  });

  test('a removed document keeps its last version under a comment line: valid jsonc, never a bare // in JSON', () => {
    const seen = {};
    documentText({ session, collection: 'tasks', id: 't1' }, { title: 'a' }, seen, 0);
    const gone = documentText(
      { session, collection: 'tasks', id: 't1' },
      undefined,
      seen,
      Date.UTC(2026, 0, 1, 10, 0, 0),
    );
    assert.equal(gone.state, 'gone');
    const lines = gone.text.split('\n');
    assert.match(lines[0], /^\/\/ Removed: "t1" in "tasks" is no longer on "local"/);
    const body = lines.filter((l) => !l.startsWith('//')).join('\n');
    assert.deepEqual(JSON.parse(body), { _id: 't1', title: 'a' });
    // Never seen: an empty object under the comment.
    const never = documentText({ session, collection: 'tasks', id: 'x' }, undefined, {}, 0);
    assert.deepEqual(
      JSON.parse(
        never.text
          .split('\n')
          .filter((l) => !l.startsWith('//'))
          .join('\n'),
      ),
      {},
    );
  });

  test('stale and disconnected documents say so; server strings stay on the one comment line', () => {
    const stale = documentText(
      { session: { ...session, staleSince: Date.UTC(2026, 0, 1, 9) }, collection: 'c', id: 'd' },
      { a: 1 },
      {},
      0,
    );
    assert.equal(stale.state, 'stale');
    assert.match(stale.text, /^\/\/ Stale: the connection to "local" dropped at \d\d:\d\d:\d\d/);
    const off = documentText(
      { session: { name: 'local', connected: false }, collection: 'c', id: 'd' },
      undefined,
      { fields: { a: 1 } },
      0,
    );
    assert.equal(off.state, 'disconnected');
    const evil = documentText({ session, collection: 'c\n{"x":1}\u2028', id: 'id\r\n// y' }, undefined, {}, 0);
    const commentLines = evil.text.split('\n').filter((l) => l.startsWith('//'));
    assert.equal(commentLines.length, 1);
    assert.ok(!/[\u2028\u2029\r]/.test(evil.text));
  });

  test('EJSON dates are found with their ISO text; the text itself is untouched', () => {
    const text = exactEJSON({ a: new Date(Date.UTC(2026, 0, 1, 9)), b: [{ $date: 'no' }], c: '"$date": 5' });
    const found = findEjsonDates(text);
    assert.equal(found.length, 1);
    assert.equal(found[0].iso, '2026-01-01T09:00:00.000Z');
    assert.equal(text.slice(found[0].start, found[0].end), String(Date.UTC(2026, 0, 1, 9)));
    assert.deepEqual(findEjsonDates('{"$date": -1e400}'), []);
  });

  test('counts, paths', () => {
    assert.equal(formatCount(20000), '20,000');
    assert.equal(plural(1234567, 'document'), '1,234,567 documents');
    assert.equal(plural(1, 'document'), '1 document');
    assert.equal(mongoPath(['address', 'tags', 1]), 'address.tags.1');
  });
});

describe('re-rendering open documents', () => {
  test('a document is re-rendered at most once per its own cost x 4, and never more often than the base rate', () => {
    const timers = new FakeTimers();
    let renders = 0;
    const pacer = new RenderPacer<string>(() => renders++, 200, 4, timers);
    pacer.mark('big');
    timers.advance(0);
    assert.equal(renders, 1);
    pacer.measured('big', 445); // a 5.8 MB document
    // Changes every 10 ms for 10 s: renders are 1.78 s apart.
    for (let i = 0; i < 1000; i++) {
      pacer.mark('big');
      timers.advance(10);
    }
    assert.ok(renders >= 5 && renders <= 7, `${renders} renders in 10 s`);
    // A cheap document: at most 5 a second.
    let small = 0;
    const p2 = new RenderPacer<string>(() => small++, 200, 4, timers);
    for (let i = 0; i < 100; i++) {
      p2.mark('s');
      p2.measured('s', 1);
      timers.advance(10);
    }
    assert.ok(small >= 4 && small <= 6, `${small} renders in 1 s`);
    pacer.dispose();
    p2.dispose();
  });
});

describe('the filter index follows changes without rescanning', () => {
  type Op = { op: 'added' | 'changed' | 'removed' | 'moved'; id: number; v: string };
  const arbOp = fc.record({
    op: fc.constantFrom('added', 'changed', 'removed', 'moved') as fc.Arbitrary<Op['op']>,
    id: fc.integer({ min: 0, max: 30 }),
    v: fc.constantFrom('apple', 'banana', 'cherry', 'grape'),
  });

  test('count and first page equal a full scan after any sequence of changes', () => {
    fc.assert(
      fc.property(fc.array(arbOp, { maxLength: 80 }), fc.integer({ min: 1, max: 10 }), (ops, limit) => {
        const docs = new Map<string, Record<string, unknown>>();
        for (let i = 0; i < 10; i++) docs.set(`d${i}`, { v: i % 2 ? 'apple' : 'kiwi' });
        const index = new FilterIndex('ap', () => docs);
        index.count();
        for (const o of ops) {
          const id = `d${o.id}`;
          if (o.op === 'added') {
            if (docs.has(id)) continue;
            docs.set(id, { v: o.v });
          } else if (o.op === 'changed') {
            if (!docs.has(id)) continue;
            docs.get(id)!.v = o.v;
          } else if (o.op === 'removed') {
            if (!docs.delete(id)) continue;
          } else {
            const f = docs.get(id);
            if (!f) continue;
            docs.delete(id);
            const rest = [...docs];
            docs.clear();
            docs.set(id, f);
            for (const [k, x] of rest) docs.set(k, x);
          }
          index.apply(o.op, id);
          const expected = [...docs].filter(([k, f]) => matchesFilter(k, f, 'ap')).map(([k]) => k);
          assert.equal(index.count(), expected.length);
          assert.deepEqual(index.page(limit), expected.slice(0, limit));
        }
      }),
      { seed: 11, numRuns: 200 },
    );
  });

  test('a change costs the same on 100,000 documents: no document but the changed one is tested again', () => {
    const docs = new Map<string, Record<string, unknown>>();
    for (let i = 0; i < 100_000; i++) docs.set(`d${i}`, { label: `Item ${i}` });
    const index = new FilterIndex('item 7', () => docs);
    assert.equal(index.count(), 11_111);
    // Wrap the map so that any iteration (a rescan) is seen.
    let iterated = 0;
    const orig = docs[Symbol.iterator].bind(docs);
    (docs as any)[Symbol.iterator] = () => (iterated++, orig());
    const origKeys = docs.keys.bind(docs);
    (docs as any).keys = () => (iterated++, origKeys());
    docs.get('d5')!.label = 'Item 7x';
    assert.equal(index.apply('changed', 'd5'), 'membership');
    docs.get('d6')!.label = 'still no';
    assert.equal(index.apply('changed', 'd6'), 'none');
    docs.get('d7')!.label = 'Item 7 again';
    assert.equal(index.apply('changed', 'd7'), 'member');
    assert.equal(index.count(), 11_112);
    assert.deepEqual(index.page(3), ['d5', 'd7', 'd70']);
    assert.equal(iterated, 0, 'no rescan of the collection');
  });
});
