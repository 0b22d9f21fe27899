// Hostile input at the limits: an oversized frame (over `maxPayload`, default 64 MiB), EJSON nested
// 100,000 levels deep, a document with 100,000 fields. Each must end in a protocol_error (or a clean close
// for the oversized frame), and the client must carry on: later frames apply, calls are answered.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startScriptServer, type ScriptConnection, type ScriptServer } from '../support/scriptServer';
import { waitForEvent, settle } from '../support/wait';
import { newClient, trapUnhandled } from '../support/clients';
import { stringifyEJSON, type DdpClient } from '../../src/ddp';
import type { TestContext } from 'node:test';

const T = { timeout: 60_000 };
const DEPTH = 100_000;

async function setup(
  t: TestContext,
  options: Parameters<typeof newClient>[2] = {},
): Promise<{ s: ScriptServer; c: DdpClient; conn: ScriptConnection; problems: Array<[string, string]> }> {
  const s = await startScriptServer();
  t.after(() => s.close());
  const c = newClient(t, s.url, options);
  const problems: Array<[string, string]> = [];
  c.on('protocol_error', (p, f) => problems.push([p, f]));
  await c.connect();
  const conn = await s.nextConnection();
  return { s, c, conn, problems };
}

/** Sends frames and a sentinel; resolves once the client processed them all. */
async function feed(
  c: DdpClient,
  conn: ScriptConnection,
  frames: string[],
  tag: string,
  timeout = 20_000,
): Promise<void> {
  const done = waitForEvent(c, 'updated', {
    timeout,
    filter: (ids: string[]) => ids[0] === tag,
    message: `sentinel ${tag}`,
  });
  for (const f of frames) conn.send(f);
  conn.send({ msg: 'updated', methods: [tag] });
  await done;
}

function deep(inner: string, depth: number, open = '{"a":', close = '}'): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

/** The client carries on: a later document frame applies on the same session and a call is answered. */
async function carriesOn(c: DdpClient, conn: ScriptConnection, tag: string): Promise<void> {
  await feed(
    c,
    conn,
    [JSON.stringify({ msg: 'added', collection: 'after', id: tag, fields: { ok: 1 } })],
    `after-${tag}`,
  );
  assert.deepEqual(c.collections.get('after')?.get(tag), { ok: 1 });
  const call = c.call('ping.me', [tag]);
  const m = await conn.nextMessage((x) => x?.msg === 'method' && x.params?.[0] === tag, 5000);
  conn.send({ msg: 'result', id: m.id, result: 'pong' });
  assert.equal(((await settle(call, 5000)) as any).value, 'pong');
}

describe('hostile-limits: frames at and past the limits', () => {
  test(
    'a frame over maxPayload closes the socket cleanly; the client reconnects, resubscribes and carries on',
    T,
    async (t) => {
      const unhandled = trapUnhandled(t);
      const { s, c, conn } = await setup(t, { maxPayload: 1024 * 1024 });
      const sub = c.subscribe('things', []);
      const subMsg = await conn.next('sub');
      conn.sendAll([
        { msg: 'added', collection: 'things', id: 't1', fields: { n: 1 } },
        { msg: 'ready', subs: [subMsg.id] },
      ]);
      await waitForEvent(c, 'ready');
      const closed = waitForEvent(c, 'socket_closed', { timeout: 5000 });
      // A valid DDP frame, just over the limit.
      const pad = 'x'.repeat(1024 * 1024);
      conn.send(JSON.stringify({ msg: 'added', collection: 'things', id: 'huge', fields: { pad } }));
      const [code, reason] = await closed;
      // A clean close: the client sent a close frame with 1009 (message too big) and says why. (ws reports
      // 1006 locally because it stops reading once the frame is refused, so it never sees the server's echo.)
      assert.equal(await conn.waitClosed(5000), 1009, 'the server did not get a 1009 close frame');
      assert.ok([1009, 1006].includes(code), `socket_closed code ${code}`);
      assert.match(reason, /max payload size exceeded/i);
      // Back on a new connection: the subscription is re-sent, the old documents stay until it is ready.
      const conn2 = await s.nextConnection(5000);
      const resub = await conn2.next('sub');
      assert.equal(resub.id, sub);
      assert.equal(c.collections.get('things')?.get('t1')?.n, 1);
      conn2.sendAll([
        { msg: 'added', collection: 'things', id: 't1', fields: { n: 2 } },
        { msg: 'ready', subs: [sub] },
      ]);
      await waitForEvent(c, 'ready', { timeout: 5000 });
      assert.equal(c.collections.get('things')?.get('t1')?.n, 2);
      assert.equal(c.collections.get('things')?.has('huge'), false);
      await carriesOn(c, conn2, 'after-oversized');
      assert.deepEqual(unhandled, []);
    },
  );

  test('a frame just under maxPayload is accepted', T, async (t) => {
    const { c, conn } = await setup(t, { maxPayload: 1024 * 1024 });
    const frame = JSON.stringify({ msg: 'added', collection: 'things', id: 'big', fields: { pad: '' } });
    const pad = 'y'.repeat(1024 * 1024 - frame.length);
    await feed(c, conn, [JSON.stringify({ msg: 'added', collection: 'things', id: 'big', fields: { pad } })], 'under');
    assert.equal((c.collections.get('things')?.get('big')?.pad as string).length, pad.length);
    assert.equal(c.status, 'connected');
  });

  test(
    'the default maxPayload is 64 MiB: a frame of 64 MiB + 1 byte closes the socket, the client carries on',
    T,
    async (t) => {
      const { s, c, conn } = await setup(t);
      const closed = waitForEvent(c, 'socket_closed', { timeout: 20_000 });
      conn.send('z'.repeat(64 * 1024 * 1024 + 1));
      const [code, reason] = await closed;
      assert.equal(await conn.waitClosed(5000), 1009, 'the server did not get a 1009 close frame');
      assert.ok([1009, 1006].includes(code), `socket_closed code ${code}`);
      assert.match(reason, /max payload size exceeded/i);
      const conn2 = await s.nextConnection(5000);
      await waitForEvent(c, 'connected', { timeout: 5000 }).catch(() => undefined);
      assert.equal(c.status, 'connected');
      await carriesOn(c, conn2, 'after-64mib');
    },
  );

  for (const [what, inner] of [
    ['EJSON ($date innermost)', '{"$date":0}'],
    ['EJSON ($escape innermost)', '{"$escape":{"$x":1}}'],
    ['plain JSON objects (no "$" anywhere)', '1'],
  ] as const) {
    test(
      `an "added" nested ${DEPTH.toLocaleString('en')} levels deep, ${what}: protocol_error, the client carries on`,
      T,
      async (t) => {
        const unhandled = trapUnhandled(t);
        const { c, conn, problems } = await setup(t);
        const frame = `{"msg":"added","collection":"deep","id":"d","fields":{"v":${deep(inner, DEPTH)}}}`;
        const started = Date.now();
        await feed(c, conn, [frame], `deep-${what}`);
        const took = Date.now() - started;
        assert.equal(c.status, 'connected');
        const stored = c.collections.get('deep')?.get('d');
        let consequence = '';
        if (stored) {
          try {
            stringifyEJSON(stored);
            consequence = '; stringifyEJSON of it works';
          } catch (err) {
            consequence = `; it was stored, and stringifyEJSON of it throws ${(err as Error).name}: ${(err as Error).message}`;
          }
        }
        assert.equal(problems.length, 1, `expected one protocol_error, got ${problems.length}${consequence}`);
        assert.equal(c.collections.get('deep')?.has('d') ?? false, false, 'the too-deep document was stored');
        // The protocol_error carries a bounded description, not a 600 kB frame echo blowing up logs.
        assert.ok(took < 10_000, `took ${took} ms`);
        await carriesOn(c, conn, `after-deep-${inner.length}`);
        assert.deepEqual(unhandled, []);
      },
    );
  }

  test(
    `a "changed" nested ${DEPTH.toLocaleString('en')} levels deep in an array of arrays: protocol_error, document unchanged`,
    T,
    async (t) => {
      const { c, conn, problems } = await setup(t);
      await feed(c, conn, [JSON.stringify({ msg: 'added', collection: 'deep', id: 'd', fields: { v: 1 } })], 'seed');
      const frame = `{"msg":"changed","collection":"deep","id":"d","fields":{"v":${deep('{"$date":0}', DEPTH, '[', ']')}}}`;
      await feed(c, conn, [frame], 'deep-array');
      assert.equal(problems.length, 1);
      assert.deepEqual(c.collections.get('deep')?.get('d'), { v: 1 });
      await carriesOn(c, conn, 'after-deep-array');
    },
  );

  test(
    `a method result nested ${DEPTH.toLocaleString('en')} levels deep: the call is settled (rejected), it does not hang`,
    T,
    async (t) => {
      const { c, conn, problems } = await setup(t);
      const call = c.call('deep.result', []);
      call.catch(() => undefined);
      const m = await conn.next('method');
      conn.send(`{"msg":"result","id":${JSON.stringify(m.id)},"result":${deep('{"$date":0}', DEPTH)}}`);
      const outcome = await settle(call, 3000);
      assert.ok(problems.length >= 1, 'no protocol_error for the undecodable result');
      const hung = outcome.status === 'rejected' && /did not settle/.test(String(outcome.reason?.message));
      assert.ok(!hung, 'the call is still pending 3 s after its (undecodable) result arrived: it hangs');
      assert.equal(outcome.status, 'rejected', 'an undecodable result resolved the call');
      await carriesOn(c, conn, 'after-deep-result');
    },
  );

  test(
    'a document with 100,000 fields is stored whole (or refused with a protocol_error); the client carries on (its stall is measured by npm run bench:limits)',
    T,
    async (t) => {
      const unhandled = trapUnhandled(t);
      const { c, conn, problems } = await setup(t);
      const fields: Record<string, unknown> = {};
      for (let i = 0; i < 100_000; i++) fields[`f${i}`] = i % 3 === 0 ? { $date: i } : i;
      await feed(c, conn, [JSON.stringify({ msg: 'added', collection: 'wide', id: 'w', fields })], 'wide');
      const doc = c.collections.get('wide')?.get('w');
      if (doc) {
        assert.equal(Object.keys(doc).length, 100_000);
        assert.ok(doc.f3 instanceof Date && doc.f3.getTime() === 3);
        assert.equal(doc.f4, 4);
        // And a change to all of them, clearing half.
        const change: Record<string, unknown> = {};
        for (let i = 0; i < 100_000; i += 2) change[`f${i}`] = -i;
        const cleared = Array.from({ length: 50_000 }, (_, k) => `f${2 * k + 1}`);
        await feed(
          c,
          conn,
          [JSON.stringify({ msg: 'changed', collection: 'wide', id: 'w', fields: change, cleared })],
          'wide-changed',
        );
        assert.equal(Object.keys(c.collections.get('wide')!.get('w')!).length, 50_000);
        assert.equal(c.collections.get('wide')!.get('w')!.f2, -2);
      } else {
        assert.equal(problems.length, 1, 'the document was neither stored nor refused with a protocol_error');
      }
      await carriesOn(c, conn, 'after-wide');
      assert.deepEqual(unhandled, []);
    },
  );
});
