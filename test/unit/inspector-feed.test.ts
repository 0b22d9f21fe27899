// The panel's feed: a flood of frames reaches the view in at most one message per interval (ten a second, each a
// list of pieces of at most 64 KiB of frames), every frame once, in order, masked; the first frame after a quiet
// spell goes at once; a delivery too large for one message goes a message per turn of the event loop.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Capture } from '../../src/core/capture';
import { batchBytes } from '../../src/core/frameRing';
import {
  FrameFeed,
  MESSAGE_PIECES,
  PIECE_BYTES,
  RESERVE_GAP_MS,
  RESERVE_SLICE_BYTES,
  TURN_PIECES,
  type FeedTimers,
} from '../../src/presentation/inspector/feed';
import type { WireFrame } from '../../src/presentation/inspector/frames';
import { unpackBatch, type FrameBatch } from '../../src/presentation/inspector/batch';
import { SecretMasker } from '../../src/presentation/masker';

class FakeTimers implements FeedTimers {
  time = 0;
  private queue: Array<{ at: number; fn: () => void; id: number }> = [];
  private ids = 0;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.ids;
    this.queue.push({ at: this.time + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.queue = this.queue.filter((q) => q.id !== handle);
  }
  now(): number {
    return this.time;
  }
  soon(fn: () => void): void {
    this.setTimeout(fn, 0);
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at);
      const next = this.queue[0];
      if (!next || next.at > end) break;
      this.queue.shift();
      this.time = next.at;
      next.fn();
    }
    this.time = end;
  }
}

describe('inspector feed (host to webview)', () => {
  it('50,000 frames a second arrive in at most ten messages a second, each frame once, masked', () => {
    const timers = new FakeTimers();
    const capture = new Capture(100_000);
    const messages: Array<{ at: number; frames: WireFrame[]; pieces: number }> = [];
    const masker = new SecretMasker();
    masker.add('hunter2');
    const feed = new FrameFeed(
      capture,
      (b) => masker.maskValuesIn(b),
      (batches) => {
        for (const b of batches) assert.ok(b.data.length <= PIECE_BYTES, `${b.data.length} bytes in one piece`);
        messages.push({ at: timers.now(), frames: batches.flatMap((b) => unpackBatch(b)), pieces: batches.length });
      },
      timers,
    );
    for (let ms = 0; ms < 1000; ms++) {
      for (let i = 0; i < 50; i++) capture.record('in', `{"n":${ms * 50 + i},"p":"hunter2"}`, ms);
      timers.advance(1);
    }
    timers.advance(200);
    assert.ok(messages.length <= 11, `${messages.length} messages`);
    for (let i = 1; i < messages.length; i++) assert.ok(messages[i].at - messages[i - 1].at >= 100);
    assert.ok(
      messages.some((m) => m.pieces > 1),
      'a delivery of 5,000 frames is several pieces in one message',
    );
    const seqs = messages.flatMap((b) => b.frames.map((f) => f.seq));
    assert.deepEqual(
      seqs,
      Array.from({ length: 50_000 }, (_, i) => i + 1),
    );
    assert.equal(messages[0].at, 0, 'the first frame after a quiet spell goes at once');
    assert.ok(messages.every((b) => b.frames.every((f) => !f.text.includes('hunter2'))));
    feed.dispose();
    capture.record('in', 'after', 2000);
    timers.advance(500);
    assert.equal(messages.flatMap((b) => b.frames).length, 50_000, 'nothing after dispose');
  });

  it('a delivery is packed a few pieces per turn of the event loop; over 8 MiB it is several messages; nothing lost', () => {
    const later: Array<() => void> = [];
    const timers: FeedTimers = {
      setTimeout: () => 1,
      clearTimeout: () => undefined,
      now: () => 0,
      soon: (fn) => void later.push(fn),
    };
    const capture = new Capture(100_000);
    const posted: WireFrame[][] = [];
    const feed = new FrameFeed(
      capture,
      (b) => b,
      (batches) => {
        assert.ok(batches.length <= MESSAGE_PIECES);
        // Each piece of a message has a buffer of its own (the pages are reused only from one message to the next).
        assert.equal(new Set(batches.map((b) => b.data.buffer)).size, batches.length);
        posted.push(batches.flatMap((b) => unpackBatch(b)));
      },
      timers,
    );
    const text = (i: number) => `{"n":${i}}`.padEnd(1000, ' ');
    // A piece holds the frames' facts too (batchBytes).
    const perMessage = MESSAGE_PIECES * Math.floor(PIECE_BYTES / batchBytes(1, 1000));
    for (let i = 0; i < 2 * perMessage + 100; i++) capture.record('in', text(i), i);
    feed.flush();
    assert.equal(posted.length, 0, 'a few pieces packed, then the thread is given back');
    let turns = 1;
    while (posted.length === 0) {
      later.shift()!();
      turns++;
    }
    assert.equal(turns, MESSAGE_PIECES / TURN_PIECES, 'a full message took this many turns');
    assert.equal(posted[0].length, perMessage);
    // The client goes on between messages; a flush asked for meanwhile waits for this delivery to end.
    const more = 2 * perMessage + 100;
    for (let i = more; i < more + 50; i++) capture.record('in', text(i), i);
    feed.flush();
    while (later.length > 0) {
      const before = posted.length;
      later.shift()!();
      assert.ok(posted.length - before <= 1, 'at most one message per turn');
    }
    assert.deepEqual(
      posted.map((p) => p.length),
      [perMessage, perMessage, 100, 50],
    );
    assert.deepEqual(
      posted.flat().map((f) => f.seq),
      Array.from({ length: more + 50 }, (_, i) => i + 1),
    );
    assert.ok(
      posted.flat().every((f) => f.text === text(f.seq - 1)),
      'pages reused, frames exact',
    );
    // Disposed in the middle of a delivery: nothing more is sent.
    for (let i = more + 50; i < more + 50 + 2 * perMessage; i++) capture.record('in', text(i), i);
    feed.flush();
    const sent = posted.length;
    feed.dispose();
    while (later.length > 0) later.shift()!();
    assert.equal(posted.length, sent);
  });

  it('sendAll gives the whole capture in pieces of at most 64 KiB, and the next message starts after it', () => {
    const timers = new FakeTimers();
    const capture = new Capture(20_000);
    const text = (i: number) => `f${i}`.padEnd(20, '.');
    for (let i = 0; i < 12_000; i++) capture.record('out', text(i), i);
    const posted: WireFrame[][][] = [];
    const feed = new FrameFeed(
      capture,
      (b: FrameBatch) => b,
      (batches) => posted.push(batches.map((b) => unpackBatch(b))),
      timers,
    );
    feed.sendAll();
    const perPiece = Math.floor(PIECE_BYTES / batchBytes(1, 20)); // 1985 frames of 20 bytes and their facts
    assert.deepEqual(
      posted.map((m) => m.map((p) => p.length)),
      [[...Array<number>(6).fill(perPiece), 12_000 - 6 * perPiece]],
    );
    assert.deepEqual(
      posted.flat(2).map((f) => f.text),
      Array.from({ length: 12_000 }, (_, i) => text(i)),
    );
    capture.record('in', 'new', 1);
    timers.advance(100);
    assert.deepEqual(
      posted[1].flat().map((f) => f.text),
      ['new'],
    );
    feed.dispose();
  });
});

describe('an open inspector makes its ring ready in the quiet time after it opens', () => {
  it('slices of RESERVE_SLICE_BYTES every RESERVE_GAP_MS until the ring is ready; none after dispose', () => {
    const timers = new FakeTimers();
    const capture = new Capture(30_000); // 3 chunks of 4 MiB, and the per-frame arrays
    const feed = new FrameFeed(
      capture,
      (b) => b,
      () => undefined,
      timers,
    );
    assert.equal(capture.reserving, true);
    timers.advance(RESERVE_GAP_MS);
    assert.equal(capture.reserving, true, 'one slice at a time');
    const slices = Math.ceil((3 * 4 * 1024 * 1024) / RESERVE_SLICE_BYTES) + 1;
    timers.advance(slices * RESERVE_GAP_MS);
    assert.equal(capture.reserving, false);
    assert.equal(capture.ring.bufferedBytes, 3 * 4 * 1024 * 1024);

    // A larger maxFrames: the next frames start it again; dispose stops it.
    capture.resize(60_000);
    capture.record('in', '{"msg":"ping"}', 1);
    timers.advance(RESERVE_GAP_MS);
    const part = capture.ring.bufferedBytes;
    feed.dispose();
    timers.advance(slices * 2 * RESERVE_GAP_MS);
    assert.equal(capture.ring.bufferedBytes, part);
    assert.equal(capture.reserving, true);
  });
});
