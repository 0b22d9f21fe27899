// SockJS framing, pinned: what each server frame means, what the client sends, how a streaming body is split,
// and that hostile frames are refused as problems (never an exception, never a message that was not sent).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeSockJsMessages, FrameSplitter, parseSockJsFrame } from '../../src/ddp/transport/sockjsFrames';
import { newSessionPath, pointsAtSockJs, sockJsBase, sockJsUrl } from '../../src/ddp/transport/sockjsUrls';
import { describeTransport } from '../../src/ddp/transport/socket';

const SEED = Number(process.env.FC_SEED ?? 1517);

describe('ddp-sockjs-frames: server frames', () => {
  test('open, heartbeat (also the xhr-streaming prelude of 2048 h), messages, close', () => {
    assert.deepEqual(parseSockJsFrame('o'), { type: 'open' });
    assert.deepEqual(parseSockJsFrame('h'), { type: 'heartbeat' });
    assert.deepEqual(parseSockJsFrame('h'.repeat(2048)), { type: 'heartbeat' });
    assert.deepEqual(parseSockJsFrame('a["{\\"msg\\":\\"ping\\"}","x"]'), {
      type: 'messages',
      messages: ['{"msg":"ping"}', 'x'],
    });
    assert.deepEqual(parseSockJsFrame('a[]'), { type: 'messages', messages: [] });
    assert.deepEqual(parseSockJsFrame('c[3000,"Go away!"]'), { type: 'close', code: 3000, reason: 'Go away!' });
    assert.deepEqual(parseSockJsFrame('c[2010,"Another connection still open"]'), {
      type: 'close',
      code: 2010,
      reason: 'Another connection still open',
    });
  });

  const hostile: Array<[string, string]> = [
    ['', 'not a SockJS frame'],
    ['{"msg":"connected"}', 'not a SockJS frame'],
    ['oo', 'not a SockJS frame'],
    ['hx', 'not a SockJS frame'],
    ['x', 'not a SockJS frame'],
    ['a', 'is not JSON'],
    ['a[', 'is not JSON'],
    ['a{"0":"x"}', 'is not an array'],
    ['a"x"', 'is not an array'],
    ['a[1]', 'not a string'],
    ['a["ok",{"msg":"added"}]', 'not a string'],
    ['a[null]', 'not a string'],
    ['c', 'is not JSON'],
    ['c{}', 'is not an array'],
    ['c[]', 'numeric code'],
    ['c["3000","x"]', 'numeric code'],
    ['c[1.5,"x"]', 'numeric code'],
  ];
  for (const [frame, problem] of hostile) {
    test(`hostile frame ${JSON.stringify(frame)}: invalid (${problem})`, () => {
      const parsed = parseSockJsFrame(frame);
      assert.equal(parsed.type, 'invalid');
      assert.match((parsed as { problem: string }).problem, new RegExp(problem));
    });
  }

  test('a close reason is server text: not a string gives "", a long one is cut to 200 characters', () => {
    assert.deepEqual(parseSockJsFrame('c[1000,{"__proto__":1}]'), { type: 'close', code: 1000, reason: '' });
    const long = parseSockJsFrame(`c[1000,"${'r'.repeat(5000)}"]`);
    assert.equal(long.type === 'close' && long.reason.length, 200);
  });

  test('__proto__ inside a message stays text: the message is handed on as it came', () => {
    const text = '{"msg":"added","collection":"c","id":"1","fields":{"__proto__":{"polluted":1}}}';
    const parsed = parseSockJsFrame(`a${JSON.stringify([text])}`);
    assert.deepEqual(parsed, { type: 'messages', messages: [text] });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('fuzz: any text parses to one of the five shapes without throwing; messages are always strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json().map((j) => `a${j}`),
          fc.json().map((j) => `c${j}`),
          fc.array(fc.string()).map((a) => `a${JSON.stringify(a)}`),
        ),
        (text) => {
          const parsed = parseSockJsFrame(text);
          assert.ok(['open', 'heartbeat', 'messages', 'close', 'invalid'].includes(parsed.type));
          if (parsed.type === 'messages') for (const m of parsed.messages) assert.equal(typeof m, 'string');
          if (parsed.type === 'close') assert.ok(Number.isInteger(parsed.code) && parsed.reason.length <= 200);
        },
      ),
      { seed: SEED, numRuns: 5000 },
    );
  });

  test('round trip: what the client encodes is a JSON array of the exact message texts', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), (messages) => {
        const encoded = encodeSockJsMessages(messages);
        assert.deepEqual(JSON.parse(encoded), messages);
        assert.deepEqual(parseSockJsFrame(`a${encoded}`), { type: 'messages', messages });
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});

describe('ddp-sockjs-frames: splitting a streaming body', () => {
  test('frames end at newlines, across chunk boundaries; a partial frame waits', () => {
    const s = new FrameSplitter(1000);
    assert.deepEqual(s.push('hhh\no\na["x'), ['hhh', 'o']);
    assert.equal(s.pending, 4);
    assert.deepEqual(s.push('"]\nh'), ['a["x"]']);
    assert.deepEqual(s.push('\n'), ['h']);
    assert.equal(s.pending, 0);
  });

  test('any chunking of a body gives the same frames', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme' }).map((f) => f.replace(/\n/g, ''))),
        fc.array(fc.nat(40)),
        (frames, cuts) => {
          const body = frames.map((f) => `${f}\n`).join('');
          const s = new FrameSplitter(1_000_000);
          const out: string[] = [];
          let at = 0;
          for (const n of cuts) {
            out.push(...(s.push(body.slice(at, at + n)) ?? []));
            at += n;
          }
          out.push(...(s.push(body.slice(at)) ?? []));
          assert.deepEqual(out, frames);
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });

  test('a frame over the limit is refused, whether it comes whole or in pieces, before it is kept', () => {
    assert.equal(new FrameSplitter(10).push(`a["${'x'.repeat(20)}"]\n`), undefined);
    const s = new FrameSplitter(10);
    assert.deepEqual(s.push('a["xxxx'), []);
    assert.equal(s.push('xxxxxxxx'), undefined);
    assert.deepEqual(new FrameSplitter(10).push('0123456789\n'), ['0123456789']);
  });
});

describe('ddp-sockjs-frames: URLs and names', () => {
  test('the SockJS base sits beside /websocket (Meteor), or is the prefix of a SockJS transport URL', () => {
    assert.equal(sockJsBase('ws://h:3000/websocket').href, 'http://h:3000/sockjs');
    assert.equal(sockJsBase('wss://h/app/websocket?x=1').href, 'https://h/app/sockjs?x=1');
    assert.equal(sockJsBase('ws://h/sockjs/123/abcdefgh/websocket').href, 'http://h/sockjs');
    assert.equal(sockJsUrl(sockJsBase('wss://h/websocket?x=1'), 'info'), 'https://h/sockjs/info?x=1');
  });

  test('a /sockjs URL, a SockJS transport URL or a ddp+sockjs scheme points at SockJS; /websocket does not', () => {
    assert.equal(pointsAtSockJs('http://h:3000/sockjs', 'ws://h:3000/websocket'), true);
    assert.equal(pointsAtSockJs('https://h/sockjs/', 'wss://h/websocket'), true);
    assert.equal(pointsAtSockJs('ddp+sockjs://h', 'ws://h/websocket'), true);
    assert.equal(pointsAtSockJs('ws://h/sockjs/1/ab/websocket', 'ws://h/sockjs/1/ab/websocket'), true);
    assert.equal(pointsAtSockJs('ws://h:3000/websocket', 'ws://h:3000/websocket'), false);
    assert.equal(pointsAtSockJs('h:3000', 'ws://h:3000/websocket'), false);
  });

  test('session paths: a 3-digit server id and an 8-character session id, new each time', () => {
    const a = newSessionPath();
    assert.match(a, /^\d{3}\/[a-z0-9]{8}$/);
    assert.notEqual(a, newSessionPath());
  });

  test('transport names as a person reads them', () => {
    assert.equal(describeTransport('websocket'), 'WebSocket');
    assert.equal(describeTransport('sockjs-xhr-streaming'), 'SockJS (xhr-streaming)');
    assert.equal(describeTransport('sockjs-websocket'), 'SockJS (websocket)');
  });
});
