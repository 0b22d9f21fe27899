// The inspector's packed batches: the host masks secret values in the bytes, the webview decodes and masks secret
// fields; together that must be the log's masking exactly, frame by frame, and nothing else may change.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Capture, framesOf } from '../../src/core/capture';
import { batchBytes } from '../../src/core/frameRing';
import { isFrameBatch, unpackBatch } from '../../src/presentation/inspector/batch';
import { SecretMasker } from '../../src/presentation/masker';

const TOKEN = 'Xz9-resume-token-ABCDEFG';
const PASSWORD = 'pa"ss\\wörd!';

const FRAMES: string[] = [
  '{"msg":"added","collection":"docs","id":"1","fields":{"name":"plain"}}',
  `{"msg":"method","method":"login","params":[{"resume":"${TOKEN}"}],"id":"1"}`,
  '{"msg":"method","method":"login","params":[{"user":{"username":"u"},"password":{"digest":"abc123","algorithm":"sha-256"}}],"id":"2"}',
  `{"msg":"result","id":"1","result":{"id":"u1","token":"${TOKEN}","tokenExpires":{"$date":1}}}`,
  `{"msg":"changed","collection":"logs","id":"9","fields":{"line":"echo ${TOKEN} and ${TOKEN}"}}`,
  `{"msg":"method","method":"setPassword","params":[${JSON.stringify(PASSWORD)}],"id":"3"}`,
  '{"msg":"added","collection":"keys","id":"k","fields":{"api_key":"sk-live-1","Client.Secret":"s2","note":"中文 ✓"}}',
  '{"msg":"method","method":"login","params":[{"totp":{"login":{"resume":"r"},"code":"123456"}}],"id":"4"}',
  'not json at all, but ' + TOKEN.slice(0, 10),
  `${TOKEN.slice(0, 12)}`, // half a token at the end of one frame...
  `${TOKEN.slice(12)} rest`, // ...and half at the start of the next: neither frame holds it
];

function framesOfTexts(c: Capture): string[] {
  return c.ring.range(c.ring.firstSeq).map((f) => f.text);
}

function captured(frames: string[]): Capture {
  const c = new Capture(1000);
  frames.forEach((t, i) => c.record(i % 2 ? 'out' : 'in', t, 1000 + i));
  return c;
}

describe('inspector batches', () => {
  it('host value masking + webview field masking = the log masking, frame by frame', () => {
    const masker = new SecretMasker();
    masker.add(TOKEN);
    masker.add(PASSWORD);
    const c = captured(FRAMES);
    const [batch] = [...c.drain()].map((b) => masker.maskValuesIn(b));
    assert.ok(isFrameBatch(batch));
    const shown = unpackBatch(batch);
    assert.deepEqual(
      shown.map((f) => f.text),
      FRAMES.map((t) => masker.mask(t)),
    );
    for (const f of shown) {
      assert.ok(!f.text.includes(TOKEN) && !f.text.includes('abc123') && !f.text.includes('sk-live-1'), f.text);
      assert.ok(!f.text.includes('123456'), f.text);
    }
    // Sizes stay those of the exact frames; seqs, times and directions are unchanged.
    assert.deepEqual(
      shown.map((f) => [f.seq, f.at, f.dir, f.bytes]),
      FRAMES.map((t, i) => [i + 1, 1000 + i, i % 2 ? 'out' : 'in', Buffer.byteLength(t)]),
    );
    // The capture itself stays exact (copy and resend read it).
    assert.equal(c.ring.get(2)?.text, FRAMES[1]);
  });

  it('a batch with no secret value in it is passed on as it is (no copy)', () => {
    const masker = new SecretMasker();
    masker.add(TOKEN);
    const [batch] = captured([FRAMES[0], FRAMES[2], FRAMES[6]]).drain();
    assert.equal(masker.maskValuesIn(batch), batch);
    assert.deepEqual(
      unpackBatch(batch).map((f) => f.text),
      [FRAMES[0], FRAMES[2], FRAMES[6]].map((t) => masker.mask(t)),
    );
  });

  it('packs frames across ring chunks and around the wrap, all arrays in one buffer of exactly their size', () => {
    const c = new Capture(50);
    const big = 'x'.repeat(300 * 1024); // 13 of these fill a 4 MiB chunk
    const texts: string[] = [];
    for (let i = 0; i < 80; i++) {
      const t = i % 7 === 0 ? `${big}${i}` : `{"n":${i},"s":"é中"}`;
      texts.push(t);
      c.record('in', t, i);
    }
    const [all] = c.snapshot();
    assert.deepEqual(
      framesOf(all).map((f) => [f.seq, f.text]),
      texts.slice(30).map((t, i) => [31 + i, t]),
    );
    // One buffer, the arrays one after another in it and nothing else (never a view into a larger, pooled buffer):
    // a webview is sent the whole buffer under an array.
    assert.equal(new Set([all.ats.buffer, all.dirs.buffer, all.sizes.buffer, all.data.buffer]).size, 1);
    const arrays = [all.ats, all.sizes, all.dirs, all.data];
    for (let i = 0, o = 0; i < arrays.length; o += arrays[i].byteLength, i++) assert.equal(arrays[i].byteOffset, o);
    assert.equal(all.data.buffer.byteLength, all.data.byteOffset + all.data.length);
    assert.equal(all.data.buffer.byteLength, batchBytes(all.sizes.length, all.data.length));
    // In pieces of at most 2 KiB (frames and their facts): the small frames together, each big one alone, nothing
    // lost.
    const pieces = [...c.snapshot(2048)];
    assert.deepEqual(
      framesOf(pieces).map((f) => [f.seq, f.text]),
      texts.slice(30).map((t, i) => [31 + i, t]),
    );
    for (const b of pieces) {
      const bytes = batchBytes(b.sizes.length, b.data.length);
      assert.ok(bytes <= 2048 || b.sizes.length === 1, `${b.sizes.length} frames, ${bytes} bytes`);
      assert.equal(b.data.buffer.byteLength, bytes);
    }
    const bigs = texts.slice(30).filter((t) => t.length > 2048).length;
    assert.equal(pieces.filter((b) => b.data.length > 2048).length, bigs);
    assert.ok(pieces.length < 2 * bigs + 2, `small frames share pieces (${pieces.length} pieces)`);
  });

  it("the feed's page: reused for full messages, zeroed past each one, so no earlier frame or secret goes along", () => {
    const masker = new SecretMasker();
    masker.add(TOKEN);
    const c = new Capture(1000);
    const secret = `{"msg":"result","id":"1","result":{"token":"${TOKEN}"}}`.padEnd(900, ' ');
    for (let i = 0; i < 7; i++) c.record('in', i === 3 ? secret : `{"n":${i}}`.padEnd(900, ' '), i);
    // One page, taken again for each piece (FrameFeed keeps one per piece of a message).
    const page = new ArrayBuffer(4096);
    const pages = { bytes: 4096, take: () => page };
    const sent: Array<{ data: Uint8Array; texts: string[] }> = [];
    // Each piece used (here: its whole buffer copied, as VS Code does) before the next is packed into the page.
    for (const b of c.drain(4096, pages)) {
      const m = masker.maskValuesIn(b);
      // Every buffer under the batch's arrays, whole, as VS Code sends them.
      const buffers = new Set([m.ats, m.sizes, m.dirs, m.lengths ?? m.sizes, m.data].map((a) => a.buffer));
      const data = Buffer.concat([...buffers].map((b) => new Uint8Array(b.slice(0))));
      sent.push({ data, texts: unpackBatch(m).map((f) => f.text) });
    }
    assert.deepEqual(
      sent.map((m) => m.texts.length),
      [4, 3],
    );
    assert.equal(
      sent.flatMap((m) => m.texts).join(''),
      framesOfTexts(c)
        .map((t) => masker.mask(t))
        .join(''),
    );
    for (const m of sent) assert.ok(!Buffer.from(m.data).includes(TOKEN), 'the token never reaches the webview');
    // The second, shorter, message was packed into the page the first (with the token, unmasked) had used.
    const [, second] = [...c.snapshot(4096, pages)];
    assert.ok(second.data.buffer === page, 'packed into the page');
    assert.ok(new Uint8Array(page).subarray(batchBytes(3, second.data.length)).every((x) => x === 0));
    // A trickle gets a buffer of its own, just its facts and frames: a one-frame message does not send a page.
    c.record('in', '{"n":"late"}', 9);
    const [late] = [...c.drain(4096, pages)];
    assert.ok(late.data.buffer !== page, 'a buffer of its own');
    assert.equal(late.data.buffer.byteLength, batchBytes(1, '{"n":"late"}'.length));
  });

  it('refuses a batch that is not the shape the host sends', () => {
    const [ok] = captured(['a', 'bc']).drain();
    assert.ok(isFrameBatch(ok));
    assert.ok(!isFrameBatch(null));
    assert.ok(!isFrameBatch({ ...ok, data: Array.from(ok.data) }));
    assert.ok(!isFrameBatch({ ...ok, sizes: new Uint32Array([1, 5]) }), 'sizes that do not add up to the data');
    assert.ok(!isFrameBatch({ ...ok, dirs: new Uint8Array(1) }));
  });
});
