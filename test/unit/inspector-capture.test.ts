// The inspector's capture ring: bounded, exact, in order; totals and the once-per-batch signal.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Capture, FrameRing, clampMaxFrames, framesOf, DEFAULT_MAX_FRAMES } from '../../src/core/capture';
import { batchBytes } from '../../src/core/frameRing';

describe('inspector capture ring', () => {
  it('keeps the newest `capacity` frames, oldest first, with seqs that never repeat', () => {
    const ring = new FrameRing(3);
    for (let i = 1; i <= 5; i++) ring.push(i % 2 ? 'in' : 'out', `f${i}`, 1000 + i);
    assert.equal(ring.size, 3);
    assert.equal(ring.firstSeq, 3);
    assert.deepEqual(
      ring.range(0).map((f) => [f.seq, f.text, f.dir, f.at]),
      [
        [3, 'f3', 'in', 1003],
        [4, 'f4', 'out', 1004],
        [5, 'f5', 'in', 1005],
      ],
    );
    assert.equal(ring.get(2), undefined, 'dropped');
    assert.equal(ring.get(6), undefined, 'not yet');
    ring.clear();
    assert.equal(ring.size, 0);
    ring.push('in', 'g', 1);
    assert.equal(ring.get(6)?.text, 'g', 'seqs go on after clear()');
  });

  it('resizing keeps the newest frames that fit', () => {
    const ring = new FrameRing(5);
    for (let i = 1; i <= 7; i++) ring.push('in', `f${i}`, i);
    ring.resize(2);
    assert.deepEqual(
      ring.range(0).map((f) => f.text),
      ['f6', 'f7'],
    );
    ring.push('in', 'f8', 8);
    assert.deepEqual(
      ring.range(0).map((f) => [f.seq, f.text]),
      [
        [7, 'f7'],
        [8, 'f8'],
      ],
    );
    ring.resize(4);
    ring.push('out', 'f9', 9);
    assert.deepEqual(
      ring.range(0).map((f) => f.text),
      ['f7', 'f8', 'f9'],
    );
  });

  it('memory is bounded at 100,000 frames whatever the traffic', () => {
    const c = new Capture(DEFAULT_MAX_FRAMES);
    const text = `{"msg":"added","collection":"c","id":"x","fields":{"s":"${'y'.repeat(400)}"}}`;
    for (let i = 0; i < 250_000; i++) c.record('in', text, i);
    assert.equal(c.ring.size, 100_000);
    assert.equal(c.totals.framesIn, 250_000, 'totals count every frame, dropped ones too');
    assert.ok(
      c.ring.bufferedBytes <= 100_000 * text.length + 2 * 4 * 1024 * 1024,
      `${c.ring.bufferedBytes} bytes kept`,
    );
    assert.equal(c.ring.get(250_000)?.text, text);
    assert.equal(c.ring.get(150_001)?.text, text);
    assert.equal(c.ring.get(150_000), undefined);
  });

  it('keeps any text exactly: non-ASCII, lone surrogates replaced as UTF-8 does, frames larger than a chunk', () => {
    const ring = new FrameRing(10);
    const texts = ['{"a":"é中😀"}', '', 'x'.repeat(5 * 1024 * 1024), '{"msg":"ping"}'];
    for (const t of texts) ring.push('in', t, 1);
    assert.deepEqual(
      ring.range(0).map((f) => f.text),
      texts,
    );
    assert.deepEqual(
      ring.range(0).map((f) => f.bytes),
      texts.map((t) => Buffer.byteLength(t)),
    );
  });

  it('a full chunk moves on to a new one without losing the frame that did not fit', () => {
    const ring = new FrameRing(100);
    const big = 'é'.repeat(900_000); // 1.8 MB in UTF-8, 0.9 M UTF-16 units: the quick size test cannot tell
    for (let i = 0; i < 5; i++) ring.push('out', `${i}${big}`, i);
    assert.deepEqual(
      ring.range(0).map((f) => f.text.slice(0, 1)),
      ['0', '1', '2', '3', '4'],
    );
    assert.ok(ring.range(0).every((f) => f.text.length === big.length + 1));
  });

  it('counts UTF-8 bytes of the exact text, in and out', () => {
    const c = new Capture(10);
    c.record('out', '{"msg":"method","params":["é"]}', 1);
    c.record('in', '{"msg":"result"}', 2);
    assert.deepEqual(c.totals, { framesIn: 1, framesOut: 1, bytesIn: 16, bytesOut: 32 });
    assert.equal(c.ring.get(1)?.bytes, 32);
  });

  it('signals new frames once per batch and drains them in order', () => {
    const c = new Capture(100);
    let signals = 0;
    c.onFrames(() => signals++);
    c.record('in', 'a', 1);
    c.record('in', 'b', 2);
    assert.equal(signals, 1);
    assert.deepEqual(
      framesOf(c.drain()).map((f) => f.text),
      ['a', 'b'],
    );
    assert.deepEqual(framesOf(c.drain()), []);
    c.record('out', 'c', 3);
    assert.equal(signals, 2);
    assert.deepEqual(
      framesOf(c.snapshot()).map((f) => f.text),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(framesOf(c.drain()), [], 'a snapshot counts as drained');
  });

  it('records nothing while paused; clear() empties the ring and the totals', () => {
    const c = new Capture(100);
    c.paused = true;
    c.record('in', 'a', 1);
    assert.equal(c.ring.size, 0);
    c.paused = false;
    c.record('in', 'b', 2);
    c.clear();
    assert.equal(c.ring.size, 0);
    assert.equal(c.totals.framesIn, 0);
    assert.deepEqual(framesOf(c.drain()), []);
  });

  it('the maxFrames setting is clamped to sane bounds', () => {
    assert.equal(clampMaxFrames(undefined), 100_000);
    assert.equal(clampMaxFrames('x'), 100_000);
    assert.equal(clampMaxFrames(5), 100);
    assert.equal(clampMaxFrames(5e9), 1_000_000);
    assert.equal(clampMaxFrames(2500.7), 2500);
  });
});

describe('inspector capture of bytes (the tap)', () => {
  it('stores UTF-8 bytes as they came, mixed with text frames, and counts them', () => {
    const c = new Capture(3);
    c.recordBytes('out', Buffer.from('{"a":"é"}'), 1);
    c.record('in', '{"b":"中"}', 2);
    c.recordBytes('in', Buffer.from('x'.repeat(5 * 1024 * 1024)), 3);
    c.recordBytes('in', Buffer.from('last'), 4);
    assert.deepEqual(
      c.ring.range(0).map((f) => f.text.slice(0, 10)),
      ['{"b":"中"}', 'xxxxxxxxxx', 'last'],
    );
    assert.deepEqual(c.totals, { framesIn: 3, framesOut: 1, bytesIn: 11 + 5 * 1024 * 1024 + 4, bytesOut: 10 });
  });
});

describe('inspector capture drains packed batches', () => {
  it('drains the right texts whatever the order of listening, pausing, dropping and clearing', () => {
    const c = new Capture(4);
    c.record('in', 'a', 1); // before anyone listens: drained all the same
    const stop = c.onFrames(() => undefined);
    c.record('in', 'b', 2);
    c.recordBytes('out', Buffer.from('c'), 3);
    assert.deepEqual(
      framesOf(c.drain()).map((f) => f.text),
      ['a', 'b', 'c'],
    );
    for (const t of ['d', 'e', 'f', 'g', 'h', 'i']) c.record('in', t, 4);
    assert.deepEqual(
      framesOf(c.drain()).map((f) => [f.seq, f.text]),
      [
        [6, 'f'],
        [7, 'g'],
        [8, 'h'],
        [9, 'i'],
      ],
    );
    c.record('in', 'j', 5);
    stop();
    c.record('in', 'k', 6);
    const again = c.onFrames(() => undefined);
    c.record('in', 'l', 7);
    assert.deepEqual(
      framesOf(c.drain()).map((f) => f.text),
      ['j', 'k', 'l'],
    );
    c.paused = true;
    c.record('in', 'm', 8);
    c.paused = false;
    c.record('in', 'n', 9);
    c.clear();
    c.record('in', 'o', 10);
    assert.deepEqual(
      framesOf(c.drain()).map((f) => f.text),
      ['o'],
    );
    again();
  });
});

describe('inspector capture follows a new maxFrames at once', () => {
  it('shrinking keeps the newest frames byte for byte with their seqs; growing keeps them all; totals stay', () => {
    const c = new Capture(10);
    const stop = c.onFrames(() => undefined);
    for (let i = 1; i <= 8; i++) c.record(i % 2 ? 'in' : 'out', `{"n":${i},"s":"é"}`, 100 + i);
    c.recordBytes('in', Buffer.from([0x7b, 0xff, 0x7d]), 109); // not UTF-8: kept as it came
    c.resize(4);
    assert.equal(c.ring.capacity, 4);
    assert.deepEqual(
      c.ring.range(0).map((f) => [f.seq, f.dir, f.at]),
      [
        [6, 'out', 106],
        [7, 'in', 107],
        [8, 'out', 108],
        [9, 'in', 109],
      ],
    );
    assert.equal(c.ring.get(8)?.text, '{"n":8,"s":"é"}');
    assert.equal(c.ring.get(9)?.bytes, 3);
    assert.deepEqual(c.totals, { framesIn: 5, framesOut: 4, bytesIn: 4 * 16 + 3, bytesOut: 4 * 16 });
    assert.deepEqual(
      framesOf(c.drain()).map((f) => f.seq),
      [6, 7, 8, 9],
      'the view gets the frames still kept',
    );
    c.record('in', 'next', 110);
    assert.deepEqual(
      c.ring.range(0).map((f) => f.seq),
      [7, 8, 9, 10],
    );
    c.resize(100);
    for (let i = 0; i < 5; i++) c.record('in', `g${i}`, 111 + i);
    assert.equal(c.ring.size, 9, 'growing keeps what is there and makes room');
    assert.equal(c.ring.firstSeq, 7);
    stop();
  });

  it('a full ring writes into the chunks it freed instead of fresh memory', () => {
    const ring = new FrameRing(100);
    const text = 'x'.repeat(100 * 1024); // 40 frames per 4 MiB chunk
    for (let i = 0; i < 300; i++) ring.push('in', text, i);
    const peak = ring.bufferedBytes;
    const original = Object.getOwnPropertyDescriptor(Buffer, 'allocUnsafeSlow')!;
    const alloc = Buffer.allocUnsafeSlow.bind(Buffer);
    let fresh = 0;
    Buffer.allocUnsafeSlow = (size: number) => {
      fresh++;
      return alloc(size);
    };
    try {
      for (let i = 0; i < 1000; i++) ring.push('in', text, i);
    } finally {
      Object.defineProperty(Buffer, 'allocUnsafeSlow', original);
    }
    assert.equal(fresh, 0);
    assert.ok(ring.bufferedBytes <= peak, `${ring.bufferedBytes} > ${peak}`);
    assert.equal(ring.get(1300)?.text, text);
  });
});

describe('inspector capture reserves its memory ahead of the traffic', () => {
  const CHUNK = 4 * 1024 * 1024;
  /** Counts Buffer.allocUnsafeSlow calls (fresh chunks) while `fn` runs. */
  function freshChunks(fn: () => void): number {
    const original = Object.getOwnPropertyDescriptor(Buffer, 'allocUnsafeSlow')!;
    const alloc = Buffer.allocUnsafeSlow.bind(Buffer);
    let fresh = 0;
    Buffer.allocUnsafeSlow = (size: number) => {
      if (size >= CHUNK) fresh++;
      return alloc(size);
    };
    try {
      fn();
    } finally {
      Object.defineProperty(Buffer, 'allocUnsafeSlow', original);
    }
    return fresh;
  }
  const frame = (i: number, size: number) => {
    const head = `{"msg":"added","collection":"c","id":"${i}","fields":{"t":"`;
    return `${head}${'y'.repeat(size - head.length - 3)}"}}`;
  };

  it('reserves the chunks a full ring needs, in slices of the budget, and then writes no fresh chunk', () => {
    const ring = new FrameRing(30_000); // 30,000 × 384 bytes expected: 3 chunks
    assert.equal(ring.reserving, true);
    let slices = 0;
    while (ring.reserve(512 * 1024)) slices++;
    assert.ok(slices >= 3 * 8 - 2, `${slices} slices for 12 MiB at 512 KiB each`);
    assert.equal(ring.bufferedBytes, 3 * CHUNK);
    assert.equal(ring.reserving, false);
    assert.equal(ring.reserve(512 * 1024), false, 'nothing more to do');
    const fresh = freshChunks(() => {
      for (let i = 0; i < 30_000; i++) ring.push('in', frame(i, 380), i);
    });
    assert.equal(fresh, 0);
    assert.equal(ring.bufferedBytes, 3 * CHUNK);
    assert.equal(ring.get(30_000)?.text, frame(29_999, 380), 'frames exact in reserved memory');
    assert.equal(ring.get(1)?.text, frame(0, 380));
  });

  it('a chunk still being made ready is the next one written', () => {
    const ring = new FrameRing(1000);
    assert.equal(ring.reserve(100 * 1024), true, 'the per-frame arrays (21 kB), then part of a chunk');
    assert.equal(ring.bufferedBytes, CHUNK, 'one chunk, partly ready');
    const fresh = freshChunks(() => ring.push('in', frame(0, 400), 0));
    assert.equal(fresh, 0);
    assert.equal(ring.get(1)?.text, frame(0, 400));
  });

  it('learns the frame size from the traffic, and never reserves more than 64 MiB', () => {
    const ring = new FrameRing(10_000); // 384 bytes expected: 1 chunk
    while (ring.reserve(CHUNK));
    assert.equal(ring.bufferedBytes, CHUNK);
    for (let i = 0; i < 1000; i++) ring.push('in', frame(i, 2000), i);
    assert.equal(ring.reserving, true, '10,000 frames of 2,000 bytes need 5 chunks');
    while (ring.reserve(CHUNK));
    assert.equal(ring.bufferedBytes, 5 * CHUNK);
    const fresh = freshChunks(() => {
      for (let i = 1000; i < 10_000; i++) ring.push('in', frame(i, 2000), i);
    });
    assert.equal(fresh, 0);

    const huge = new FrameRing(1_000_000);
    while (huge.reserve(16 * CHUNK));
    assert.equal(huge.bufferedBytes, 16 * CHUNK, 'at most MAX_RESERVE_BYTES');
  });

  it('clear() keeps the memory ready; a new maxFrames reserves for the new size', () => {
    const c = new Capture(30_000);
    while (c.reserve(CHUNK));
    for (let i = 0; i < 100; i++) c.record('in', frame(i, 380), i);
    c.clear();
    assert.equal(c.ring.size, 0);
    assert.equal(c.reserving, false);
    assert.equal(c.ring.bufferedBytes, 3 * CHUNK);
    const fresh = freshChunks(() => {
      for (let i = 0; i < 30_000; i++) c.record('in', frame(i, 380), i);
    });
    assert.equal(fresh, 0);
    c.resize(60_000);
    assert.equal(c.reserving, true);
    while (c.reserve(CHUNK));
    assert.ok(c.ring.bufferedBytes >= 6 * CHUNK);
    assert.equal(c.ring.size, 30_000, 'the frames kept across the new size');
    assert.equal(c.ring.get(c.ring.endSeq - 1)?.text, frame(29_999, 380));
  });
});

describe('making a ring ready never touches its frames', () => {
  it('frames recorded before and between the slices stay exact, with their times and directions', () => {
    const ring = new FrameRing(50_000);
    const texts: string[] = [];
    for (let i = 0; i < 3000; i++) {
      texts.push(`{"msg":"added","collection":"c","id":"${i}","fields":{"n":${i * 7}}}`);
      ring.push(i % 3 ? 'in' : 'out', texts[i], 1_700_000_000_000 + i);
      if (i % 500 === 0) ring.reserve(4096); // slices of one page, between frames
    }
    while (ring.reserve(1 << 20));
    for (let i = 0; i < 3000; i++) {
      const f = ring.get(i + 1);
      assert.deepEqual([f?.text, f?.dir, f?.at], [texts[i], i % 3 ? 'in' : 'out', 1_700_000_000_000 + i], `frame ${i}`);
    }
  });
});

describe('inspector ring packs any run of frames exactly', () => {
  it('every piece of every range holds the frames range() gives, cut as the byte limit says', () => {
    // Frames of every size (empty, tiny, larger than a piece, several per 4 MiB chunk) through a ring that wraps
    // many times: the packing works range by range and chunk by chunk, so the seams are where it could go wrong.
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor(seed / 65536) % n;
    };
    const ring = new FrameRing(37);
    const sizes = [0, 1, 17, 300, 5000, 70_000, 400_000];
    for (let i = 0; i < 600; i++) {
      const size = sizes[rand(sizes.length)];
      const text = `${i}:`.padEnd(size, String.fromCharCode(97 + (i % 26)));
      if (i % 3) ring.push(i % 5 ? 'in' : 'out', text, 1000 + i);
      else ring.pushBytes('in', Buffer.from(text), 1000 + i);
      if (i % 7) continue;
      const from = ring.firstSeq + rand(ring.size + 1);
      const to = from + rand(ring.endSeq - from + 1);
      const maxBytes = [1, 4096, 65_536, 1 << 30][rand(4)];
      const want = ring.range(from, to);
      const pieces = [...ring.batches(from, to, maxBytes)];
      assert.deepEqual(framesOf(pieces), want, `frames ${from}..${to}`);
      // Each piece is as full as the limit lets it be, and only a frame larger than the limit stands alone over it.
      let at = 0;
      for (const p of pieces) {
        const bytes = batchBytes(p.sizes.length, p.data.length);
        assert.ok(bytes <= maxBytes || p.sizes.length === 1, `${bytes} bytes in ${p.sizes.length} frames`);
        const next = want[at + p.sizes.length];
        if (next) assert.ok(bytes + batchBytes(1, next.bytes) > maxBytes, 'the next frame would have fitted');
        at += p.sizes.length;
      }
    }
  });
});
