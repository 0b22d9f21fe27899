// The catch-up after a reconnect (the old documents stay shown until the new session's data is in):
// - it always ends: a re-sent subscription refused with an unreadable nosub, refused plainly, never answered (the
//   resubscribeTimeout bound), unsubscribed or closed meanwhile never freezes the data;
// - documents sent without a subscription (universal publications) are reconciled too: no events for unchanged ones;
// - order changes made while away reach listeners: the order rebuilt from the events equals `collections`.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { DdpClient } from '../../src/ddp';
import type { DdpClientOptions } from '../../src/ddp/types';
import { startScriptServer, type ScriptServer, type ScriptConnection } from '../support/scriptServer';
import { waitForEvent, waitUntil, recordAll, expectNoEvent } from '../support/wait';
import { newClient, protocolErrors } from '../support/clients';

const T = { timeout: 10_000 };
const DATA_EVENTS = ['added', 'changed', 'removed', 'addedBefore', 'movedBefore'] as const;

/** A client with one ready subscription `things` holding docs a, b (and `other` holding o1, made by `other`). */
async function withReadySubs(t: import('node:test').TestContext, options: DdpClientOptions = {}) {
  const s = await startScriptServer();
  t.after(() => s.close());
  const c = newClient(t, s.url, options);
  await c.connect();
  const c1 = await s.nextConnection();
  const things = c.subscribe('things');
  const other = c.subscribe('other');
  await c1.next('sub');
  await c1.next('sub');
  c1.sendAll([
    { msg: 'added', collection: 'things', id: 'a', fields: { v: 1 } },
    { msg: 'added', collection: 'things', id: 'b', fields: { v: 1 } },
    { msg: 'added', collection: 'other', id: 'o1', fields: { v: 1 } },
    { msg: 'ready', subs: [things, other] },
  ]);
  await waitUntil(
    () => c.subscriptions.get(other)?.state === 'ready' && c.subscriptions.get(things)?.state === 'ready',
  );
  return { s, c, c1, things, other };
}

/** Drops the socket; resolves with the new connection once both subscriptions were re-sent on it. */
async function reconnect(s: ScriptServer, c1: ScriptConnection): Promise<ScriptConnection> {
  c1.terminate();
  const c2 = await s.nextConnection(3000);
  await c2.next('sub');
  await c2.next('sub');
  return c2;
}

/** `other` answers on the new session (same data, ready); `things` then fails in the way under test. */
function reviveOther(c2: ScriptConnection, other: string): void {
  c2.sendAll([
    { msg: 'added', collection: 'other', id: 'o1', fields: { v: 1 } },
    { msg: 'ready', subs: [other] },
  ]);
}

/** Data flows again: a change to o1 reaches `collections` and listeners. */
async function assertDataFlows(c: DdpClient, c2: ScriptConnection, v: number): Promise<void> {
  const changed = waitForEvent(c, 'changed', { filter: (coll: string, id: string) => id === 'o1', timeout: 3000 });
  c2.send({ msg: 'changed', collection: 'other', id: 'o1', fields: { v } });
  await changed;
  assert.equal(c.collections.get('other')?.get('o1')?.v, v);
}

describe('client-catchup: it always ends', () => {
  test(
    'a re-sent subscription refused by a nosub whose error is a string: the catch-up ends, data flows',
    T,
    async (t) => {
      const { s, c, c1, things, other } = await withReadySubs(t);
      const errors = protocolErrors(c);
      const c2 = await reconnect(s, c1);
      const nosub = waitForEvent(c, 'nosub', { timeout: 3000 });
      reviveOther(c2, other);
      c2.send({ msg: 'nosub', id: things, error: 'access denied' });
      const [id, error] = await nosub;
      assert.equal(id, things);
      assert.match(String(error?.message), /access denied/);
      await assertDataFlows(c, c2, 2);
      assert.equal(c.subscriptions.get(things)?.state, 'error');
      // Its documents were not re-sent: they are gone once the catch-up ends.
      assert.deepEqual([...c.collections.get('things')!.keys()], []);
      assert.ok(
        errors.events.some(([problem]) => /nosub/.test(problem)),
        'the unreadable error is reported as a protocol_error',
      );
    },
  );

  test(
    'an error object without a code, and a plain nosub with an error: the catch-up ends, data flows',
    T,
    async (t) => {
      for (const error of [{ reason: 'no code' }, { error: 403, reason: 'denied' }]) {
        const { s, c, c1, things, other } = await withReadySubs(t);
        const c2 = await reconnect(s, c1);
        const nosub = waitForEvent(c, 'nosub', { timeout: 3000 });
        reviveOther(c2, other);
        c2.send({ msg: 'nosub', id: things, error });
        await nosub;
        await assertDataFlows(c, c2, 3);
        assert.equal(c.subscriptions.get(things)?.state, 'error');
      }
    },
  );

  test(
    'a re-sent subscription the server never answers holds the data back no longer than resubscribeTimeout',
    T,
    async (t) => {
      const { s, c, c1, other } = await withReadySubs(t, { resubscribeTimeout: 300 });
      const c2 = await reconnect(s, c1);
      const log = recordAll(c, DATA_EVENTS);
      reviveOther(c2, other);
      // `things` never answers; once the bound passes, the data set applies and later changes flow.
      await waitForEvent(c, 'removed', { timeout: 3000 });
      await assertDataFlows(c, c2, 4);
      assert.deepEqual(log.log.map((e) => `${e[0]} ${e[2]}`).sort(), ['changed o1', 'removed a', 'removed b']);
      // Its documents come back as ordinary events when the server sends them at last.
      const added = waitForEvent(c, 'added', { timeout: 2000 });
      c2.send({ msg: 'added', collection: 'things', id: 'a', fields: { v: 1 } });
      await added;
      assert.deepEqual(c.collections.get('things')?.get('a'), { v: 1 });
    },
  );

  test('unsubscribing the last awaited subscription ends the catch-up', T, async (t) => {
    const { s, c, c1, things, other } = await withReadySubs(t);
    const c2 = await reconnect(s, c1);
    reviveOther(c2, other);
    c2.send({ msg: 'ping', id: 'barrier' });
    await c2.next('pong');
    c.unsubscribe(things);
    await c2.next('unsub');
    await assertDataFlows(c, c2, 5);
    assert.equal(c.subscriptions.get(things)?.state, 'stopped');
  });

  test(
    'close() during the catch-up: nothing fires afterwards, and a later connect() catches up again',
    T,
    async (t) => {
      const { s, c, c1, things, other } = await withReadySubs(t, { resubscribeTimeout: 200 });
      const c2 = await reconnect(s, c1);
      reviveOther(c2, other);
      c.close();
      assert.equal(c.status, 'closed');
      // Beyond the bound: its timer must be gone with the catch-up.
      await expectNoEvent(c, 'removed', 400);
      assert.equal(c.status, 'closed');
      assert.deepEqual([...c.collections.get('things')!.keys()], ['a', 'b'], 'the shown data stays as it was');
      const log = recordAll(c, DATA_EVENTS);
      const p = c.connect();
      const c3 = await s.nextConnection(3000);
      await c3.next('sub');
      await c3.next('sub');
      await p;
      const ready = waitForEvent(c, 'ready', { filter: (ids: string[]) => ids.includes(things), timeout: 3000 });
      c3.sendAll([
        { msg: 'added', collection: 'things', id: 'a', fields: { v: 1 } },
        { msg: 'added', collection: 'things', id: 'b', fields: { v: 2 } },
        { msg: 'added', collection: 'other', id: 'o1', fields: { v: 1 } },
        { msg: 'ready', subs: [things, other] },
      ]);
      await ready;
      assert.deepEqual(
        log.log.map((e) => `${e[0]} ${e[2]}`),
        ['changed b'],
      );
    },
  );
});

describe('client-catchup: documents sent without a subscription', () => {
  /** A server whose documents come with no subscription at all, right after `connected`. */
  async function universal(t: import('node:test').TestContext) {
    const s = await startScriptServer({ autoConnect: false });
    t.after(() => s.close());
    const c = newClient(t, s.url);
    const p = c.connect();
    const c1 = await s.nextConnection();
    await c1.next('connect');
    c1.accept();
    c1.sendAll([
      { msg: 'added', collection: 'settings', id: 'same', fields: { v: 1, when: { $date: 5 } } },
      { msg: 'added', collection: 'settings', id: 'change', fields: { v: 1, gone: true } },
      { msg: 'added', collection: 'settings', id: 'drop', fields: { v: 1 } },
      { msg: 'added', collection: 'roles', id: 'r1', fields: { name: 'admin' } },
    ]);
    await p;
    await waitUntil(() => c.collections.get('roles')?.has('r1'));
    return { s, c, c1 };
  }

  test('a reconnect emits no events for unchanged documents, and exactly the differences', T, async (t) => {
    const { s, c, c1 } = await universal(t);
    const log = recordAll(c, DATA_EVENTS);
    c1.terminate();
    const c2 = await s.nextConnection(3000);
    await c2.next('connect');
    const added = waitForEvent(c, 'added', { timeout: 3000 });
    c2.accept();
    c2.sendAll([
      { msg: 'added', collection: 'roles', id: 'r1', fields: { name: 'admin' } },
      { msg: 'added', collection: 'settings', id: 'new', fields: { v: 3 } },
      { msg: 'added', collection: 'settings', id: 'change', fields: { v: 2 } },
      { msg: 'added', collection: 'settings', id: 'same', fields: { when: { $date: 5 }, v: 1 } },
    ]);
    await added;
    assert.deepEqual(
      log.log.map((e) => `${e[0]} ${e[2]}`),
      ['changed change', 'removed drop', 'added new'],
      JSON.stringify(log.log),
    );
    assert.deepEqual(log.log[0].slice(3), [{ v: 2 }, ['gone']]);
    assert.deepEqual([...c.collections.get('settings')!.keys()], ['same', 'change', 'new']);
    // Live again.
    const changed = waitForEvent(c, 'changed', { timeout: 2000 });
    c2.send({ msg: 'changed', collection: 'roles', id: 'r1', fields: { name: 'root' } });
    await changed;
    assert.equal(c.collections.get('roles')?.get('r1')?.name, 'root');
  });

  test('when every old document is back, the catch-up ends at once: later documents are plain events', T, async (t) => {
    const { s, c, c1 } = await universal(t);
    const log = recordAll(c, DATA_EVENTS);
    c1.terminate();
    const c2 = await s.nextConnection(3000);
    await c2.next('connect');
    c2.accept();
    c2.sendAll([
      { msg: 'added', collection: 'roles', id: 'r1', fields: { name: 'admin' } },
      { msg: 'added', collection: 'settings', id: 'drop', fields: { v: 1 } },
      { msg: 'added', collection: 'settings', id: 'change', fields: { v: 1, gone: true } },
      { msg: 'added', collection: 'settings', id: 'same', fields: { v: 1, when: { $date: 5 } } },
    ]);
    // Written after the last old document: it must arrive as an event of its own, whatever the timing.
    const added = waitForEvent(c, 'added', { timeout: 3000 });
    c2.send({ msg: 'added', collection: 'settings', id: 'later', fields: { v: 4 } });
    await added;
    assert.deepEqual(
      log.log.map((e) => `${e[0]} ${e[2]}`),
      ['added later'],
    );
  });
});

describe('client-catchup: the resume login', () => {
  test('documents that depend on the user: the catch-up waits for the resume login to be answered', T, async (t) => {
    const s = await startScriptServer();
    t.after(() => s.close());
    const c = newClient(t, s.url);
    await c.connect();
    const c1 = await s.nextConnection();
    const login = c.call('login', [{ oauth: 'x' }]);
    const m = await c1.next('method');
    c1.sendAll([
      { msg: 'added', collection: 'mine', id: 'm1', fields: { owner: 'u1' } },
      { msg: 'result', id: m.id, result: { id: 'u1', token: 'tok' } },
    ]);
    await login;
    const log = recordAll(c, DATA_EVENTS);
    c1.terminate();
    const c2 = await s.nextConnection(3000);
    const resume = await c2.next('method');
    assert.deepEqual(resume.params, [{ resume: 'tok' }]);
    // The server takes its time with the login; the user's documents come with it. Meanwhile nothing may be removed.
    await expectNoEvent(c, 'removed', 400);
    c2.sendAll([
      { msg: 'added', collection: 'mine', id: 'm1', fields: { owner: 'u1' } },
      { msg: 'result', id: resume.id, result: { id: 'u1', token: 'tok' } },
      { msg: 'updated', methods: [resume.id] },
    ]);
    const changed = waitForEvent(c, 'changed', { timeout: 3000 });
    c2.send({ msg: 'changed', collection: 'mine', id: 'm1', fields: { owner: 'u1', seen: true } });
    await changed;
    assert.deepEqual(
      log.log.map((e) => `${e[0]} ${e[2]}`),
      ['changed m1'],
      JSON.stringify(log.log),
    );
    assert.equal(c.userId, 'u1');
  });
});

/** A listener's view rebuilt from the events alone, with the store's rules (an unknown `before` appends). */
function rebuild(events: Array<[string, ...unknown[]]>, initial: string[] = []): string[] {
  const ids = [...initial];
  const place = (id: string, before: string | null) => {
    const at = before === null ? -1 : ids.indexOf(before);
    if (at < 0) ids.push(id);
    else ids.splice(at, 0, id);
  };
  for (const [kind, , id, a, b] of events as Array<[string, string, string, unknown, unknown]>) {
    if (kind === 'added') {
      if (!ids.includes(id)) ids.push(id);
    } else if (kind === 'removed') ids.splice(ids.indexOf(id), 1);
    else if (kind === 'addedBefore') {
      if (ids.includes(id)) ids.splice(ids.indexOf(id), 1);
      place(id, b as string | null);
    } else if (kind === 'movedBefore') {
      ids.splice(ids.indexOf(id), 1);
      place(id, a as string | null);
    }
  }
  return ids;
}

describe('client-catchup: server order', () => {
  async function orderedRound(s: ScriptServer, c: DdpClient, conn: ScriptConnection, subId: string, order: string[]) {
    conn.sendAll([
      ...order.map((id) => ({ msg: 'addedBefore', collection: 'ord', id, fields: { v: 1 }, before: null })),
      { msg: 'ready', subs: [subId] },
    ]);
  }

  test(
    'order changed while away: the order rebuilt from the events equals collections (random orders)',
    T,
    async (t) => {
      const s = await startScriptServer();
      t.after(() => s.close());
      const c = newClient(t, s.url);
      const log = recordAll(c, DATA_EVENTS);
      await c.connect();
      let conn = await s.nextConnection();
      const subId = c.subscribe('ord');
      await conn.next('sub');
      const orders = fc.sample(
        fc.uniqueArray(fc.constantFrom(...'abcdefghij'.split('')), { minLength: 1, maxLength: 10 }),
        {
          seed: 20_261_130,
          numRuns: 12,
        },
      );
      orders.unshift(['a', 'b', 'c', 'd', 'e'], ['c', 'a', 'e', 'b', 'f']);
      let first = true;
      for (const order of orders) {
        if (!first) {
          conn.terminate();
          conn = await s.nextConnection(3000);
          await conn.next('sub');
        }
        const ready = waitForEvent(c, 'ready', { filter: (ids: string[]) => ids.includes(subId), timeout: 3000 });
        await orderedRound(s, c, conn, subId, order);
        await ready;
        first = false;
        const shown = [...c.collections.get('ord')!.keys()];
        assert.deepEqual(shown, order, 'collections is not in the server order');
        assert.deepEqual(
          rebuild(log.log),
          shown,
          `the events do not rebuild the order: ${JSON.stringify(log.log.slice(-12))}`,
        );
      }
    },
  );
});
