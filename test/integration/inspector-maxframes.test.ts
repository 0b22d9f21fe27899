// `ddpExplorer.inspector.maxFrames` changed while captures run: a session's capture (ClientCapture on a Session)
// and a tap's client captures follow at once, keep the newest frames exactly, and go on recording after it.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RawFrame } from '../../src/ddp';
import { ClientCapture } from '../../src/core/clientCapture';
import { Tap } from '../../src/core/tap';
import { startDemoServer, type DemoServer } from '../demo/server';
import { waitUntil } from '../support/wait';
import { newClient } from '../support/clients';

const T = { timeout: 10_000 };

describe('inspector maxFrames applies to running captures', () => {
  let demo: DemoServer;
  before(async () => {
    demo = await startDemoServer({ port: 0 });
  });
  after(() => demo.stop());

  test('a live capture shrinks to the newest frames and grows back, then records on', T, async (t) => {
    const c = newClient(t, demo.url);
    const seen: RawFrame[] = [];
    c.on('message', (f) => seen.push(f));
    const follower = new ClientCapture({ onFrame: (l) => (c.on('message', l), () => c.off('message', l)) }, 1000);
    t.after(() => follower.dispose());
    await c.connect();
    for (let i = 0; i < 60; i++) await c.call('math.add', [i, 1]);
    const capture = follower.capture;
    await waitUntil(() => capture.ring.size === seen.length);
    const before = seen.length;
    capture.resize(100);
    assert.equal(capture.ring.size, 100);
    assert.deepEqual(
      capture.ring.range(0).map((f) => f.text),
      seen.slice(-100).map((f) => f.text),
    );
    assert.equal(capture.totals.framesIn + capture.totals.framesOut, before, 'totals still count every frame');
    capture.resize(5000);
    await c.call('math.add', [1000, 1]);
    await waitUntil(() => capture.ring.endSeq === seen.length + 1);
    const kept = capture.ring.range(0);
    assert.equal(kept.length, 100 + (seen.length - before));
    assert.equal(kept[kept.length - 1].text, seen[seen.length - 1].text);
  });

  test("a tap's clients (open or not inspected) and its new clients get the new bound", T, async (t) => {
    const tap = await Tap.start({ target: demo.url, maxFrames: 10_000 });
    t.after(() => tap.stop());
    const a = newClient(t, tap.url);
    await a.connect();
    for (let i = 0; i < 60; i++) await a.call('math.add', [i, 2]);
    const first = tap.clients[0];
    await waitUntil(() => first.capture.ring.size >= 121);
    const newest = first.capture.ring.range(first.capture.ring.endSeq - 100).map((f) => f.text);
    tap.setMaxFrames(100);
    assert.equal(first.capture.ring.capacity, 100);
    assert.deepEqual(
      first.capture.ring.range(0).map((f) => f.text),
      newest,
    );
    const b = newClient(t, tap.url);
    await b.connect();
    await waitUntil(() => tap.clients.length === 2);
    assert.equal(tap.clients[1].capture.ring.capacity, 100);
  });
});
