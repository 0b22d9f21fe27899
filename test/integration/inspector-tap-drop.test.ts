// The tap survives the app's side dropping: the app's socket cut without a close frame ends that entry and its
// server connection, and the tap goes on serving the next connection (an app reconnecting through it).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { Tap } from '../../src/core/tap';
import { startDemoServer, type DemoServer } from '../demo/server';
import { waitUntil } from '../support/wait';
import { newClient } from '../support/clients';

const T = { timeout: 10_000 };

describe('inspector tap: the app side drops', () => {
  let demo: DemoServer;
  before(async () => {
    demo = await startDemoServer({ port: 0 });
  });
  after(() => demo.stop());

  test('a cut app socket closes its entry; the next app connection works through the same tap', T, async (t) => {
    const tap = await Tap.start({ target: demo.url });
    t.after(() => tap.stop());
    const app = new WebSocket(tap.url, { perMessageDeflate: false });
    const connected = new Promise<string>((resolve) => app.once('message', (d: Buffer) => resolve(d.toString())));
    await new Promise<void>((resolve) => app.once('open', () => resolve()));
    app.send(JSON.stringify({ msg: 'connect', version: '1', support: ['1'] }));
    assert.match(await connected, /"msg":"connected"/);
    const first = tap.clients[0];
    assert.equal(first.state, 'open');
    app.terminate(); // no close frame: the TCP connection is just gone
    await waitUntil(() => first.state === 'closed');
    assert.ok(tap.running);
    const c = newClient(t, tap.url);
    await c.connect();
    assert.equal(await c.call('math.add', [20, 22]), 42);
    assert.equal(tap.clients.length, 2);
    assert.equal(tap.clients[1].state, 'open');
    assert.ok(first.capture.ring.range(0).some((f) => f.dir === 'out' && f.text.includes('"connect"')));
  });
});
