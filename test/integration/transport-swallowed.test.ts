// A proxy that swallows WebSocket upgrades (never answers them) while plain HTTP requests pass: with transport
// `auto` the client does not wait out connectTimeout on every attempt but goes over SockJS's HTTP transports, and
// SockJS's own WebSocket transport gives way to xhr-streaming the same way. When nothing but the swallowed upgrade is
// there, the attempt fails with a plain timeout sentence, early. Nothing swallowed is left open.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startRealServer } from '../support/realServer';
import { startUpgradeSwallower } from '../support/upgradeSwallower';
import { newClient, protocolErrors } from '../support/clients';
import { settle, waitForEvent, waitUntil } from '../support/wait';
import { upgradeWait } from '../../src/ddp/transport/open';
import { transportWait } from '../../src/ddp/transport/sockjsSocket';
import { explainConnectProblem } from '../../src/presentation/connectProblem';

const T = { timeout: 30_000 };

describe('transport: a proxy that swallows WebSocket upgrades', () => {
  test("'auto' connects over SockJS xhr-streaming, calls work, and reconnects stay on it", T, async (t) => {
    const s = await startRealServer();
    t.after(() => s.close());
    const proxy = await startUpgradeSwallower(s.port);
    t.after(() => proxy.stop());
    const c = newClient(t, `ws://127.0.0.1:${proxy.port}/websocket`, { connectTimeout: 6000 });
    const errors = protocolErrors(c);
    const start = Date.now();
    await c.connect();
    const took = Date.now() - start;
    assert.equal(c.transport, 'sockjs-xhr-streaming');
    // The raw upgrade, then SockJS's WebSocket transport: both swallowed, both given up before connectTimeout.
    assert.equal(proxy.swallowed, 2);
    assert.ok(took >= upgradeWait(6000)! + transportWait(0) - 100, `connected after ${took} ms`);
    assert.ok(took < 6000, `connected after ${took} ms`);
    assert.equal(await c.call('math.add', [2, 3]), 5);
    await waitUntil(() => proxy.held === 0, 5000, { message: 'the swallowed sockets are closed' });
    assert.deepEqual(errors.events, []);
    // The next connection knows: SockJS at once, no upgrade swallowed again.
    const reconnected = waitForEvent(c, 'reconnected', { timeout: 5000 });
    c.reconnectNow();
    await reconnected;
    assert.equal(c.transport, 'sockjs-xhr-streaming');
    assert.equal(await c.call('math.add', [1, 1]), 2);
    assert.equal(proxy.swallowed, 2);
  });

  test("'websocket' is not switched: it waits for connectTimeout as asked", T, async (t) => {
    const s = await startRealServer();
    t.after(() => s.close());
    const proxy = await startUpgradeSwallower(s.port);
    t.after(() => proxy.stop());
    const c = newClient(t, `ws://127.0.0.1:${proxy.port}/websocket`, {
      connectTimeout: 3000,
      transport: 'websocket',
      autoReconnect: false,
    });
    const outcome = await settle(c.connect(), 10_000);
    assert.equal(outcome.status, 'rejected');
    assert.match(String(outcome.reason), /timed out/);
    assert.equal(proxy.swallowed, 1);
    await waitUntil(() => proxy.held === 0, 5000);
  });

  test('no SockJS behind it either: the attempt ends early with a plain sentence about the upgrade', T, async (t) => {
    const plain = http.createServer((_req, res) => res.writeHead(404).end('not here'));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => plain.close(() => resolve())));
    const proxy = await startUpgradeSwallower((plain.address() as AddressInfo).port);
    t.after(() => proxy.stop());
    const c = newClient(t, `ws://127.0.0.1:${proxy.port}/websocket`, { connectTimeout: 9000, autoReconnect: false });
    const start = Date.now();
    const outcome = await settle(c.connect(), 15_000);
    assert.equal(outcome.status, 'rejected');
    assert.match(String(outcome.reason), /The WebSocket upgrade got no answer within 3 s/);
    assert.ok(Date.now() - start < 9000, 'before connectTimeout');
    // What the explorer says of it.
    const url = `ws://127.0.0.1:${proxy.port}/websocket`;
    const { kind, sentence } = explainConnectProblem(outcome.status === 'rejected' ? outcome.reason : undefined, url);
    assert.equal(kind, 'timeout');
    assert.match(sentence, /never answered the WebSocket upgrade, and does not serve SockJS either: a proxy/);
    await waitUntil(() => proxy.held === 0, 5000);
  });
});
