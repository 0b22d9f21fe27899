// The frame tap of DdpClient (the `message` event) and the inspector's capture of a session, against a real server.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RawFrame } from '../../src/ddp';
import { DEFAULT_SETTINGS } from '../../src/core/config';
import { Session } from '../../src/core/session';
import { nullLog } from '../../src/core/sessionLog';
import { ClientCapture } from '../../src/core/clientCapture';
import { startRealServer, type RealServer } from '../support/realServer';
import { waitUntil } from '../support/wait';
import { connectedClient, newClient } from '../support/clients';

const T = { timeout: 8000 };

describe('inspector capture', () => {
  let server: RealServer;
  before(async () => {
    server = await startRealServer();
  });
  after(() => server.close());

  test('`message` gives every frame both ways, exactly as on the wire, in order, with its time', T, async (t) => {
    const c = newClient(t, server.url);
    const frames: RawFrame[] = [];
    c.on('message', (f) => frames.push(f));
    const t0 = Date.now();
    await c.connect();
    assert.equal(await c.call('math.add', [2, 3]), 5);
    await waitUntil(() => frames.some((f) => f.direction === 'in' && f.text.includes('"updated"')));
    const out = frames.filter((f) => f.direction === 'out').map((f) => JSON.parse(f.text) as Record<string, unknown>);
    assert.equal(out[0].msg, 'connect');
    assert.deepEqual(out[1], { msg: 'method', id: '1', method: 'math.add', params: [2, 3] });
    const incoming = frames.filter((f) => f.direction === 'in').map((f) => f.text);
    assert.ok(incoming.some((text) => /^\{"msg":"connected","session":"[^"]+"\}$/.test(text)));
    assert.ok(incoming.includes('{"msg":"result","id":"1","result":5}'), incoming.join('\n'));
    for (let i = 1; i < frames.length; i++) assert.ok(frames[i].at >= frames[i - 1].at);
    assert.ok(frames[0].at >= t0 && frames[0].at <= Date.now());
  });

  test('an incoming WebSocket frame comes with the bytes its text was read from; a sent one without', T, async (t) => {
    const c = await connectedClient(t, server.url);
    const frames: RawFrame[] = [];
    c.on('message', (f) => frames.push({ ...f, bytes: f.bytes && Uint8Array.from(f.bytes) }));
    assert.equal(await c.call('echo', ['é中😀 "quoted"']), 'é中😀 "quoted"');
    await waitUntil(() => frames.some((f) => f.direction === 'in' && f.text.includes('"result"')));
    for (const f of frames) {
      if (f.direction === 'out') assert.equal(f.bytes, undefined);
      else if (!process.env.DDP_TEST_TRANSPORT) assert.deepEqual(f.bytes, Uint8Array.from(Buffer.from(f.text)), f.text);
    }
    assert.ok(frames.some((f) => f.direction === 'in' && f.text.includes('é中😀')));
  });

  test('without a listener the client does no tap work; removing the last listener stops it', T, async (t) => {
    const c = await connectedClient(t, server.url);
    const conn = (c as unknown as { conn: { tap?: unknown } }).conn;
    assert.equal(conn.tap, undefined);
    const seen: RawFrame[] = [];
    const a = (f: RawFrame) => seen.push(f);
    const b = () => undefined;
    c.on('message', a);
    c.on('message', b);
    c.off('message', a);
    assert.equal(typeof conn.tap, 'function', 'one listener left');
    c.off('message', b);
    assert.equal(conn.tap, undefined);
    await c.call('echo', ['x']);
    assert.equal(seen.length, 0);
  });

  test("secrets are in the raw frames (masking is the viewer's job) and the frame is the one sent", T, async (t) => {
    const c = await connectedClient(t, server.url);
    const frames: RawFrame[] = [];
    c.on('message', (f) => frames.push(f));
    await c.call('echo', [{ password: 'hunter22' }]);
    assert.ok(
      frames.some(
        (f) =>
          f.direction === 'out' &&
          f.text === '{"msg":"method","id":"1","method":"echo","params":[{"password":"hunter22"}]}',
      ),
    );
  });

  test('a session capture follows the session through disconnect and a new client', T, async () => {
    const session = new Session('adhoc:test', { name: 'test', url: server.url }, false, {
      log: nullLog,
      settings: () => ({ ...DEFAULT_SETTINGS, heartbeatInterval: 0 }),
    });
    const capture = new ClientCapture(session, 1000);
    try {
      await session.connect();
      await session.call('math.add', [1, 1]);
      session.disconnect();
      await session.connect();
      await session.call('math.add', [2, 2]);
      const texts = capture.capture.ring.range(0).map((f) => f.text);
      assert.equal(texts.filter((x) => x.startsWith('{"msg":"connect"')).length, 2, 'both clients captured');
      assert.ok(texts.includes('{"msg":"result","id":"1","result":2}'));
      assert.ok(texts.includes('{"msg":"result","id":"1","result":4}'));
      capture.dispose();
      await session.call('math.add', [3, 3]);
      assert.ok(!capture.capture.ring.range(0).some((f) => f.text.includes('"result":6')), 'nothing after dispose');
    } finally {
      capture.dispose();
      session.dispose();
    }
  });
});
