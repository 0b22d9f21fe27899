// Unit tests of the DDP library: URL normalisation (src/ddp/url.ts).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeUrl } from '../../src/ddp';

describe('ddp normalizeUrl', () => {
  const cases: Array<[string, string]> = [
    ['ws://h:3000/websocket', 'ws://h:3000/websocket'],
    ['wss://h/websocket', 'wss://h/websocket'],
    ['http://h:3000', 'ws://h:3000/websocket'],
    ['https://h', 'wss://h/websocket'],
    ['h:3000', 'ws://h:3000/websocket'],
    ['localhost', 'ws://localhost/websocket'],
    ['http://h:3000/', 'ws://h:3000/websocket'],
    ['http://h/app/', 'ws://h/app/websocket'],
    ['  http://h:3000  ', 'ws://h:3000/websocket'],
    ['HTTP://H:3000', 'ws://h:3000/websocket'],
  ];
  for (const [input, expected] of cases) {
    test(`${JSON.stringify(input)} -> ${expected}`, () => assert.equal(normalizeUrl(input), expected));
  }
  test('keeps a query string', () => assert.equal(normalizeUrl('http://h/?a=1'), 'ws://h/websocket?a=1'));
  test('invalid input throws TypeError with a message', () => {
    for (const bad of ['', '   ', 'ftp://h', 'http://', 'ws://exa mple.com']) {
      assert.throws(
        () => normalizeUrl(bad),
        (e: unknown) => e instanceof TypeError && e.message.length > 0,
        JSON.stringify(bad),
      );
    }
  });
});
