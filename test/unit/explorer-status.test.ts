import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Coalescer, type TimerApi } from '../../src/presentation/coalescer';
import {
  actionsFor,
  connectionDescription,
  connectionTooltip,
  stateText,
  statusBarView,
  type ConnectionSnapshot,
} from '../../src/presentation/statusText';
import { adHocName, clientOptions, DEFAULT_SETTINGS, parseConnections, readSettings } from '../../src/core/config';
import { normalizeUrl } from '../../src/ddp';

/** Fake timers: time moves only when the test says so. */
function fakeTimers() {
  let now = 1000;
  const timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let next = 1;
  const api: TimerApi = {
    setTimeout(fn, ms) {
      const id = next++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout(h) {
      const i = timers.findIndex((t) => t.id === h);
      if (i >= 0) timers.splice(i, 1);
    },
    now: () => now,
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      const t = timers[0];
      if (!t || t.at > end) break;
      timers.shift();
      now = t.at;
      t.fn();
    }
    now = end;
  };
  return { api, advance, pending: () => timers.length };
}

describe('explorer refresh coalescing', () => {
  test('1,000 changes a second give at most about ten refreshes, each naming only the changed keys', () => {
    const t = fakeTimers();
    const flushes: Array<string[] | 'all'> = [];
    const c = new Coalescer<string>((k) => flushes.push(k), 100, t.api);
    for (let ms = 0; ms < 1000; ms++) {
      c.mark(`doc${ms % 7}`);
      t.advance(1);
    }
    t.advance(200);
    assert.ok(flushes.length <= 11, `flushes: ${flushes.length}`);
    assert.ok(flushes.length >= 9);
    for (const f of flushes) {
      assert.notEqual(f, 'all');
      assert.ok((f as string[]).length <= 7);
      assert.equal(new Set(f).size, (f as string[]).length, 'no duplicates');
    }
  });

  test('the first change after a quiet period is shown at once; markAll wins over keys', () => {
    const t = fakeTimers();
    const flushes: Array<string[] | 'all'> = [];
    const c = new Coalescer<string>((k) => flushes.push(k), 100, t.api);
    c.mark('a');
    t.advance(0);
    assert.deepEqual(flushes, [['a']]);
    c.mark('b');
    c.markAll();
    c.mark('c');
    t.advance(100);
    assert.deepEqual(flushes, [['a'], 'all']);
  });

  test('dispose cancels the pending flush and ignores later marks', () => {
    const t = fakeTimers();
    const flushes: unknown[] = [];
    const c = new Coalescer<string>((k) => flushes.push(k), 100, t.api);
    c.mark('a');
    c.dispose();
    c.mark('b');
    t.advance(1000);
    assert.deepEqual(flushes, []);
    assert.equal(t.pending(), 0);
  });
});

function snap(over: Partial<ConnectionSnapshot> = {}): ConnectionSnapshot {
  return {
    name: 'local',
    url: 'ws://localhost:3000/websocket',
    saved: true,
    state: 'connected',
    subscriptions: 2,
    readySubscriptions: 1,
    collections: 3,
    documents: 10,
    ...over,
  };
}

describe('explorer status text', () => {
  test('state text counts down while reconnecting', () => {
    assert.equal(stateText({ state: 'connected' }, 0), 'connected');
    assert.equal(stateText({ state: 'reconnecting', reconnectAt: 3000 }, 0), 'reconnecting in 3s');
    assert.equal(stateText({ state: 'reconnecting', reconnectAt: 3000 }, 2500), 'reconnecting in 1s');
    assert.equal(stateText({ state: 'reconnecting', reconnectAt: 3000 }, 3000), 'reconnecting');
    assert.equal(stateText({ state: 'failed' }, 0), 'failed');
    assert.equal(stateText({ state: 'disconnected' }, 0), 'disconnected');
  });

  test('connection row description and tooltip', () => {
    assert.equal(connectionDescription(snap(), 0), 'connected');
    assert.equal(connectionDescription(snap({ userId: 'u1' }), 0), 'connected · user u1');
    const tip = connectionTooltip(snap({ version: '1', session: 'S1', userId: 'u1' }), 0);
    assert.match(tip, /ws:\/\/localhost:3000\/websocket/);
    assert.match(tip, /DDP version: 1/);
    assert.match(tip, /Session: S1/);
    assert.match(tip, /User: u1/);
    assert.match(tip, /Subscriptions: 2 \(1 ready\)/);
    assert.match(tip, /Documents: 10/);
    assert.doesNotMatch(tip, /Transport:/);
    assert.match(
      connectionTooltip(snap({ transport: 'SockJS (xhr-streaming)' }), 0),
      /\nTransport: SockJS \(xhr-streaming\)\n/,
    );
    assert.match(
      connectionTooltip(snap({ state: 'reconnecting', lastError: 'ECONNREFUSED: connect ECONNREFUSED' }), 0),
      /Last error: ECONNREFUSED/,
    );
  });

  test('status bar: plug, name, state; spinning while connecting; warning and error backgrounds', () => {
    assert.deepEqual(
      [statusBarView(snap(), 0).text, statusBarView(snap(), 0).tone],
      ['$(plug) DDP: local connected', 'normal'],
    );
    assert.equal(statusBarView(snap({ state: 'connecting' }), 0).text, '$(plug) DDP: local $(sync~spin) connecting');
    const r = statusBarView(snap({ state: 'reconnecting', reconnectAt: 5000 }), 0);
    assert.equal(r.text, '$(plug) DDP: local $(sync~spin) reconnecting in 5s');
    assert.equal(r.tone, 'warning');
    assert.equal(statusBarView(snap({ state: 'failed' }), 0).tone, 'error');
    assert.equal(statusBarView(undefined, 0).text, '$(plug) DDP');
  });

  test('status bar actions fit the state', () => {
    assert.ok(actionsFor('connected', false).includes('ddpExplorer.callMethod'));
    assert.ok(actionsFor('connected', false).includes('ddpExplorer.login'));
    assert.ok(actionsFor('connected', true).includes('ddpExplorer.logout'));
    assert.ok(!actionsFor('disconnected', false).includes('ddpExplorer.callMethod'));
    assert.ok(actionsFor('failed', false).includes('ddpExplorer.connect'));
    assert.ok(actionsFor('reconnecting', false).includes('ddpExplorer.reconnect'));
  });
});

describe('explorer settings', () => {
  test('defaults for missing or invalid values', () => {
    assert.deepEqual(
      readSettings(() => undefined),
      DEFAULT_SETTINGS,
    );
    const s = readSettings((k) => ({ pageSize: 0, trace: 'messages', autoReconnect: false, reconnectDelay: 'x' })[k]);
    assert.equal(s.pageSize, 1);
    assert.equal(s.trace, 'messages');
    assert.equal(s.autoReconnect, false);
    assert.equal(s.reconnectDelay, DEFAULT_SETTINGS.reconnectDelay);
  });

  test('connections: validated, named, duplicates and bad URLs reported', () => {
    const r = parseConnections(
      [
        { name: 'a', url: 'localhost:3000', options: { rejectUnauthorized: false, heartbeatInterval: 0, bogus: 1 } },
        { url: 'ws://h/websocket' },
        { name: 'a', url: 'ws://x' },
        { name: 'bad', url: 'ftp://x' },
        { name: 'nourl' },
        42,
      ],
      normalizeUrl,
    );
    assert.deepEqual(
      r.connections.map((c) => [c.name, c.url]),
      [
        ['a', 'localhost:3000'],
        ['ws://h/websocket', 'ws://h/websocket'],
      ],
    );
    assert.deepEqual(r.connections[0].options, { rejectUnauthorized: false, heartbeatInterval: 0 });
    assert.equal(r.problems.length, 4);
    assert.deepEqual(parseConnections('nope', normalizeUrl).problems, ['ddpExplorer.connections must be an array']);
  });

  test('client options: connection options over global settings', () => {
    const o = clientOptions(
      { ...DEFAULT_SETTINGS, reconnectDelay: 100 },
      { maxReconnectDelay: 5, rejectUnauthorized: false },
    );
    assert.equal(o.autoReconnectTimeout, 100);
    assert.equal(o.maxReconnectTimeout, 5);
    assert.equal(o.rejectUnauthorized, false);
    assert.equal(o.heartbeatInterval, DEFAULT_SETTINGS.heartbeatInterval);
  });

  test('methodTimeout: 60000 by default, 0 allowed, passed to the client, overridable per connection', () => {
    assert.equal(DEFAULT_SETTINGS.methodTimeout, 60000);
    assert.equal(readSettings(() => undefined).methodTimeout, 60000);
    assert.equal(readSettings((k) => (k === 'methodTimeout' ? 0 : undefined)).methodTimeout, 0);
    assert.equal(readSettings((k) => (k === 'methodTimeout' ? -5 : undefined)).methodTimeout, 0);
    assert.equal(clientOptions(DEFAULT_SETTINGS, undefined).methodTimeout, 60000);
    assert.equal(clientOptions({ ...DEFAULT_SETTINGS, methodTimeout: 0 }, undefined).methodTimeout, 0);
    const parsed = parseConnections(
      [{ name: 'a', url: 'ws://h/websocket', options: { methodTimeout: 5000 } }],
      normalizeUrl,
    );
    assert.equal(clientOptions(DEFAULT_SETTINGS, parsed.connections[0].options).methodTimeout, 5000);
  });

  test('ad-hoc connections are named host:port', () => {
    assert.equal(adHocName('ws://localhost:3000/websocket'), 'localhost:3000');
    assert.equal(adHocName('wss://example.com/websocket'), 'example.com');
  });
});
