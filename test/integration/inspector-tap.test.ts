// The tap: a plain DdpClient through it against the demo server; frames forwarded and recorded byte for byte;
// reconnects through it; stopping it closes its sockets; an unreachable server closes the app's socket plainly.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RawFrame } from '../../src/ddp';
import { Tap } from '../../src/core/tap';
import { startDemoServer, type DemoServer } from '../demo/server';
import { waitForEvent, waitUntil } from '../support/wait';
import { newClient, refusedPort } from '../support/clients';
import { startConnectProxy } from '../support/connectProxy';

const T = { timeout: 10_000 };

describe('inspector tap', () => {
  let demo: DemoServer;
  before(async () => {
    demo = await startDemoServer({ port: 0 });
  });
  after(() => demo.stop());

  async function startTap(t: { after(fn: () => unknown): void }, target = demo.url): Promise<Tap> {
    const tap = await Tap.start({ target, maxFrames: 10_000 });
    t.after(() => tap.stop());
    return tap;
  }

  test(
    'a client through the tap works as direct, and the tap records exactly the frames the client saw',
    T,
    async (t) => {
      const tap = await startTap(t);
      assert.match(tap.url, /^ws:\/\/127\.0\.0\.1:\d+\/websocket$/);
      const c = newClient(t, tap.url);
      const seen: RawFrame[] = [];
      c.on('message', (f) => seen.push(f));
      await c.connect();
      assert.equal(await c.call('math.add', [2, 3]), 5);
      await new Promise<void>((resolve, reject) => c.subscribe('tasks', [], (err) => (err ? reject(err) : resolve())));
      assert.ok((c.collections.get('tasks')?.size ?? 0) > 0);
      assert.equal(tap.clients.length, 1);
      const client = tap.clients[0];
      assert.equal(client.state, 'open');
      await waitUntil(() => client.capture.ring.size >= seen.length);
      const recorded = client.capture.ring.range(0).map((f) => `${f.dir} ${f.text}`);
      const direct = seen.map((f) => `${f.direction} ${f.text}`);
      assert.deepEqual(recorded.slice(0, direct.length), direct);
      assert.ok(recorded.some((r) => r.startsWith('in {"msg":"result"') && r.includes('"result":5')));
    },
  );

  test('non-ASCII and large frames go through unchanged', T, async (t) => {
    const tap = await startTap(t);
    const c = newClient(t, tap.url);
    await c.connect();
    const value = `é中😀 ${'x'.repeat(300_000)}`;
    const echoed = await c.call('echo', [value]);
    assert.ok(JSON.stringify(echoed).includes(value), 'the server got the value unchanged');
    const frames = tap.clients[0].capture.ring.range(0);
    const out = frames.find((f) => f.dir === 'out' && f.text.includes('"echo"'));
    assert.ok(
      out?.text === JSON.stringify({ msg: 'method', id: '1', method: 'echo', params: [value] }),
      'recorded exactly',
    );
    assert.equal(out?.bytes, Buffer.byteLength(out.text));
    assert.ok(
      frames.some((f) => f.dir === 'in' && f.text.includes(value)),
      'the answer recorded with the value',
    );
  });

  test('the app reconnects through the tap after the server side drops: a new entry each time', T, async (t) => {
    const tap = await startTap(t);
    const c = newClient(t, tap.url);
    await c.connect();
    const first = tap.clients[0];
    const reconnected = waitForEvent(c, 'reconnected', { timeout: 8000 });
    await demo.stop();
    await demo.start();
    await reconnected;
    assert.equal(first.state, 'closed');
    assert.match(first.closeReason ?? '', /server/);
    assert.equal(tap.clients.length, 2);
    assert.equal(tap.clients[1].state, 'open');
    assert.equal(await c.call('math.add', [1, 1]), 2);
  });

  test("stopping the tap closes the app's socket and stops listening", T, async (t) => {
    const tap = await Tap.start({ target: demo.url });
    const c = newClient(t, tap.url, { autoReconnect: false });
    await c.connect();
    const closed = waitForEvent(c, 'socket_closed', { timeout: 5000 });
    await tap.stop();
    await closed;
    assert.equal(tap.clients[0].state, 'closed');
    const again = newClient(t, tap.url, { autoReconnect: false });
    await assert.rejects(again.connect());
  });

  test("an unreachable server closes the app's socket with a reason, and the entry says why", T, async (t) => {
    const tap = await startTap(t, `ws://127.0.0.1:${await refusedPort()}/websocket`);
    const c = newClient(t, tap.url, { autoReconnect: false });
    const closed = waitForEvent(c, 'socket_closed', { timeout: 5000 });
    await assert.rejects(c.connect());
    const [code, reason] = await closed;
    assert.equal(code, 1011);
    assert.match(reason, /cannot reach/);
    await waitUntil(() => tap.clients[0]?.state === 'closed');
    assert.match(tap.clients[0].closeReason ?? '', /cannot reach .*ECONNREFUSED/);
  });
});

// The tap reaches the server as the explorer's connections do: through http.proxy (a CONNECT tunnel per app
// connection), around it for http.noProxy hosts, and a proxy's refusal is the reason the app's entry shows.
describe('inspector tap behind a proxy', () => {
  let demo: DemoServer;
  before(async () => {
    demo = await startDemoServer({ port: 0 });
  });
  after(() => demo.stop());

  test('app connections go through the proxy, one tunnel each, frames unchanged', T, async (t) => {
    const proxy = await startConnectProxy();
    t.after(() => proxy.stop());
    const tap = await Tap.start({ target: demo.url, network: { proxy: proxy.url } });
    t.after(() => tap.stop());
    assert.equal(tap.proxy, `127.0.0.1:${proxy.port}`);
    const c = newClient(t, tap.url);
    await c.connect();
    assert.equal(await c.call('math.add', [20, 22]), 42);
    assert.equal(proxy.tunnels, 1);
    assert.equal(proxy.requests[0].target, new URL(demo.url).host);
    await waitUntil(() => tap.clients[0].capture.ring.range(0).some((f) => f.text.includes('"result":42')));
  });

  test('a host in noProxy is reached directly', T, async (t) => {
    const proxy = await startConnectProxy();
    t.after(() => proxy.stop());
    const tap = await Tap.start({ target: demo.url, network: { proxy: proxy.url, noProxy: ['127.0.0.1'] } });
    t.after(() => tap.stop());
    assert.equal(tap.proxy, undefined);
    const c = newClient(t, tap.url);
    await c.connect();
    assert.equal(await c.call('math.add', [1, 2]), 3);
    assert.equal(proxy.tunnels, 0);
  });

  test("a proxy's refusal closes the app's socket, and the entry says which proxy answered what", T, async (t) => {
    const proxy = await startConnectProxy({ refuse: { status: 403, text: 'Forbidden by policy' } });
    t.after(() => proxy.stop());
    const tap = await Tap.start({ target: demo.url, network: { proxy: proxy.url } });
    t.after(() => tap.stop());
    const c = newClient(t, tap.url, { autoReconnect: false });
    const closed = waitForEvent(c, 'socket_closed', { timeout: 5000 });
    await assert.rejects(c.connect());
    const [code, reason] = await closed;
    assert.equal(code, 1011);
    assert.equal(reason, 'tap: cannot reach the server through the proxy');
    await waitUntil(() => tap.clients[0]?.state === 'closed');
    assert.match(
      tap.clients[0].closeReason ?? '',
      /^The proxy at 127\.0\.0\.1:\d+ refused the tunnel to 127\.0\.0\.1:\d+: 403 Forbidden by policy$/,
    );
  });

  test('a proxy URL that cannot be used stops the tap from starting, without its credentials', T, async () => {
    await assert.rejects(
      Tap.start({ target: demo.url, network: { proxy: 'socks5://user:s3cret@127.0.0.1:1080' } }),
      (err: Error) => /not supported/.test(err.message) && !err.message.includes('s3cret'),
    );
  });
});
