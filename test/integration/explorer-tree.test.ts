// The explorer's view models (sessions + tree model + log lines) against a real DDP server.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startRealServer, type RealServer } from '../support/realServer';
import { startAccountsServer, ALICE, type AccountsServer } from '../support/accountsServer';
import { waitUntil } from '../support/wait';
import { startScriptServer } from '../support/scriptServer';
import { SessionManager, type Session, type TokenStore } from '../../src/core/sessions';
import { textLog, type TextLog } from '../../src/presentation/sessionLogText';
import { TreeModel, type TreeNode } from '../../src/presentation/tree/model';
import { Coalescer } from '../../src/presentation/coalescer';
import { DEFAULT_SETTINGS } from '../../src/core/config';
import { callErrorNotification } from '../../src/presentation/errorMessages';
import { MemoryLog } from '../support/memoryLog';

const T = { timeout: 10000 };

class MemoryTokens implements TokenStore {
  map = new Map<string, string>();
  async get(k: string) {
    return this.map.get(k);
  }
  async store(k: string, v: string) {
    this.map.set(k, v);
  }
  async delete(k: string) {
    this.map.delete(k);
  }
}

function setup(t: { after(fn: () => unknown): void }, pageSize = 100) {
  const log = new MemoryLog();
  const tokens = new MemoryTokens();
  const manager = new SessionManager({ log: textLog(log), tokens });
  manager.updateSettings({
    ...DEFAULT_SETTINGS,
    pageSize,
    trace: 'messages',
    reconnectDelay: 50,
    maxReconnectDelay: 200,
  });
  const model = new TreeModel(manager, () => manager.current.pageSize);
  t.after(() => manager.dispose());
  return { log, tokens, manager, model };
}

async function connected(session: Session): Promise<void> {
  void session.connect();
  await waitUntil(() => session.state === 'connected', 5000, { message: `state is ${session.state}` });
}

function labels(model: TreeModel, nodes: TreeNode[]): string[] {
  return nodes.map((n) => model.view(n).label);
}

function child(model: TreeModel, parent: TreeNode | undefined, label: string): TreeNode {
  const n = model.children(parent).find((c) => model.view(c).label === label);
  assert.ok(
    n,
    `no child "${label}" under ${parent ? model.view(parent).label : 'root'}: ${labels(model, model.children(parent))}`,
  );
  return n;
}

describe('explorer view models against a real server', () => {
  let server: RealServer;
  before(async () => {
    server = await startRealServer();
    server.store.set('people', 'p1', { name: 'Ann', age: 31, address: { city: 'Oslo', tags: ['a', 'b'] } });
    server.store.set('people', 'p2', { name: 'Bob', age: 42 });
    server.store.set('people', 'p3', { name: 'Cid' });
  });
  after(() => server.close());

  test('connection -> Subscriptions / Collections -> documents -> fields, with states and counts', T, async (t) => {
    const { manager, model, log } = setup(t);
    const s = manager.addAdHoc(server.url);
    assert.equal(s.name, `127.0.0.1:${server.port}`);
    const conn = child(model, undefined, s.name);
    assert.equal(model.view(conn).description, 'disconnected');
    await connected(s);
    const v = model.view(conn);
    assert.equal(v.description, 'connected');
    assert.match(v.contextValue, /^connection\.connected\.adhoc\.loggedOut$/);
    assert.match(v.tooltip ?? '', /DDP version: 1/);
    assert.deepEqual(labels(model, model.children(conn)), ['Subscriptions', 'Collections']);
    assert.ok(log.has(/info \[127\.0\.0\.1:\d+\] Connecting to ws:\/\/127\.0\.0\.1/));
    assert.ok(log.has(/Connected \(DDP 1, session \S+\)/));

    void s.subscribe('docs', ['people']);
    const subs = child(model, conn, 'Subscriptions');
    await waitUntil(() => model.children(subs).some((n) => /ready in/.test(model.view(n).description ?? '')), 5000);
    const sub = child(model, subs, 'docs');
    assert.match(model.view(sub).description ?? '', /^\["people"\] · ready in \d+ ms$/);
    assert.equal(model.view(sub).contextValue, 'subscription.ready');
    assert.ok(log.has(/Subscription ready: docs \["people"\] in \d+ ms/));

    const colls = child(model, conn, 'Collections');
    const people = child(model, colls, 'people');
    assert.equal(model.view(people).description, '3 documents');
    assert.deepEqual(labels(model, model.children(people)), ['p1', 'p2', 'p3']);
    const p1 = child(model, people, 'p1');
    assert.equal(model.view(p1).description, 'name: "Ann", age: 31, address: {city: "Oslo", tags: ["a", "b"]}');
    assert.deepEqual(labels(model, model.children(p1)), ['name', 'age', 'address']);
    const address = child(model, p1, 'address');
    assert.equal(model.view(address).collapsible, 'collapsed');
    const tags = child(model, address, 'tags');
    assert.deepEqual(labels(model, model.children(tags)), ['[0]', '[1]']);
    assert.equal(model.view(child(model, tags, '[1]')).description, '"b"');
    assert.equal(model.parent(child(model, tags, '[1]')), tags);
    assert.equal(model.parent(address), p1);
    assert.match(model.documentTooltip(p1 as any), /"_id": "p1"/);
  });

  test('EJSON values are shown by type', T, async (t) => {
    const { manager, model } = setup(t);
    const s = manager.addAdHoc(server.url);
    await connected(s);
    void s.subscribe('ejson');
    await waitUntil(() => s.documents('ejson')?.size === 1, 5000);
    const doc = model.documentNode(s.id, 'ejson', 'e1');
    const byLabel = Object.fromEntries(model.children(doc).map((n) => [model.view(n).label, model.view(n)]));
    assert.equal(byLabel.when.description, 'Date 2021-06-07T08:09:10.011Z');
    assert.equal(byLabel.when.icon?.id, 'calendar');
    assert.equal(byLabel.bytes.description, 'Binary (5 bytes)');
    assert.equal(byLabel.bytes.collapsible, 'none');
    assert.equal(byLabel.n.description, '42');
    assert.equal(byLabel.nested.collapsible, 'collapsed');
  });

  test('large collections page by pageSize with "Load more (N more)", and filter per collection', T, async (t) => {
    for (let i = 0; i < 250; i++)
      server.store.set('big', `b${String(i).padStart(3, '0')}`, { i, even: i % 2 === 0 ? 'yes' : 'no' });
    const { manager, model } = setup(t, 100);
    const s = manager.addAdHoc(server.url);
    await connected(s);
    void s.subscribe('docs', ['big']);
    await waitUntil(() => s.documents('big')?.size === 250, 5000);
    const big = model.collectionNode(s.id, 'big');
    let kids = model.children(big);
    assert.equal(kids.length, 101);
    assert.equal(model.view(kids[100]).label, 'Load more (150 more)');
    assert.equal(model.view(kids[100]).command?.command, 'ddpExplorer.loadMore');
    model.loadMore(s.id, 'big');
    kids = model.children(big);
    assert.equal(kids.length, 201);
    assert.equal(model.view(kids[200]).label, 'Load more (50 more)');
    model.loadMore(s.id, 'big');
    assert.equal(model.children(big).length, 250);

    model.setFilter(s.id, 'big', 'b01');
    assert.deepEqual(labels(model, model.children(big)), [
      'b010',
      'b011',
      'b012',
      'b013',
      'b014',
      'b015',
      'b016',
      'b017',
      'b018',
      'b019',
    ]);
    assert.equal(model.view(big).description, '10 of 250 documents · filter "b01"');
    assert.equal(model.view(big).contextValue, 'collection.filtered');
    model.setFilter(s.id, 'big', 'nothing-matches');
    assert.deepEqual(labels(model, model.children(big)), ['No documents match the filter']);
    model.setFilter(s.id, 'big', '');
    assert.equal(model.children(big).length, 101);
  });

  test(
    'live changes name only the changed node; a flood of changes is coalesced to ~10 refreshes a second',
    T,
    async (t) => {
      server.store.set('live', 'x', { n: 0 });
      server.store.set('live', 'y', { n: 0 });
      const { manager, model } = setup(t);
      const s = manager.addAdHoc(server.url);
      await connected(s);
      void s.subscribe('docs', ['live']);
      await waitUntil(() => s.documents('live')?.size === 2, 5000);
      // Show the tree once so that its nodes are known (as VS Code would).
      const conn = model.connectionNode(s.id);
      const colls = child(model, conn, 'Collections');
      const live = child(model, colls, 'live');
      const x = child(model, live, 'x');
      model.children(x);

      const flushes: Array<string[] | 'all'> = [];
      const coalescer = new Coalescer<string>((k) => flushes.push(k), 100);
      t.after(() => coalescer.dispose());
      const off = manager.onChange((c) => {
        if (c.type === 'session') for (const k of model.keysFor(c.session, c.change)) coalescer.mark(k);
        else coalescer.markAll();
      });
      t.after(off);

      const start = Date.now();
      const changes = 1000;
      for (let i = 1; i <= changes; i++) {
        server.store.change('live', 'x', { n: i });
        if (i % 100 === 0) await new Promise((r) => setTimeout(r, 10));
      }
      await waitUntil(() => (s.document('live', 'x') as any)?.n === changes, 5000);
      await new Promise((r) => setTimeout(r, 150));
      const elapsed = Date.now() - start;
      assert.ok(flushes.length <= Math.ceil(elapsed / 100) + 2, `${flushes.length} flushes in ${elapsed} ms`);
      const keys = new Set(flushes.flatMap((f) => (f === 'all' ? ['all'] : f)));
      assert.deepEqual([...keys], [x.key], 'only the changed document is refreshed');
      assert.equal(model.view(child(model, x, 'n')).description, String(changes));

      // added/removed refresh the collection (its count), not the document
      flushes.length = 0;
      server.store.set('live', 'z', { n: 1 });
      await waitUntil(() => flushes.length > 0, 2000);
      assert.deepEqual(flushes[0], [live.key]);
      assert.equal(model.view(live).description, '3 documents');
      flushes.length = 0;
      server.store.remove('live', 'x');
      await waitUntil(() => flushes.length > 0, 2000);
      assert.deepEqual(flushes[0], [live.key]);
      assert.equal(model.lookup(x.key), undefined, 'the removed document is forgotten');
    },
  );

  test('subscription and method errors: state with reason, no spinner left, logged', T, async (t) => {
    const { manager, model, log } = setup(t);
    const s = manager.addAdHoc(server.url);
    await connected(s);
    void s.subscribe('denied');
    void s.subscribe('pending');
    const subs = model.groupNode(s.id, 'subscriptions');
    await waitUntil(() => model.children(subs).some((n) => model.view(n).contextValue === 'subscription.error'), 5000);
    const denied = child(model, subs, 'denied');
    assert.equal(model.view(denied).description, 'error: Fixture says no [not-allowed]');
    assert.equal(model.view(denied).icon?.id, 'error');
    assert.equal(model.view(child(model, subs, 'pending')).description, 'waiting');
    assert.ok(log.has(/error \[.*\] Subscription denied stopped by the server: Fixture says no \[not-allowed\]/));

    // Unsubscribe a live one -> stopped; "unsubscribe" a failed one -> removed from the list
    s.unsubscribe(model.view(child(model, subs, 'pending')) && (child(model, subs, 'pending') as any).subId);
    assert.equal(model.view(child(model, subs, 'pending')).description, 'stopped');
    s.unsubscribe((denied as any).subId);
    assert.deepEqual(labels(model, model.children(subs)), ['pending']);

    const ok = await s.call('math.add', [2, 3]);
    assert.equal(ok.result, 5);
    assert.ok(log.has(/info \[.*\] math\.add → 5 \(\d+ ms\)/));
    await assert.rejects(s.call('fail', ['oops', 'Bad thing']), /Bad thing/);
    assert.ok(log.has(/error \[.*\] fail failed: Bad thing \[oops\] \(\d+ ms\)/));
  });

  test(
    'ddpExplorer.methodTimeout reaches the client: a method the server never answers ends in TIMEOUT',
    T,
    async (t) => {
      const { manager } = setup(t);
      manager.updateSettings({ ...manager.current, methodTimeout: 100 });
      const s = manager.addAdHoc(server.url);
      await connected(s);
      const outcome = await s.call('slow', ['never-released']).then(
        () => undefined,
        (err: unknown) => err,
      );
      assert.equal((outcome as { code?: string }).code, 'TIMEOUT');
      assert.equal(
        callErrorNotification('slow', outcome),
        'slow: the server did not answer within 0.1 s (ddpExplorer.methodTimeout); the method may still run on the server',
      );
    },
  );

  test('Disconnect empties the tree; Connect brings the subscriptions back', T, async (t) => {
    const { manager, model } = setup(t);
    const s = manager.addAdHoc(server.url);
    await connected(s);
    void s.subscribe('docs', ['people']);
    await waitUntil(() => s.documents('people')?.size === 3, 5000);
    s.disconnect();
    assert.equal(s.state, 'disconnected');
    assert.equal(model.view(model.connectionNode(s.id)).description, 'disconnected');
    assert.deepEqual(model.children(model.groupNode(s.id, 'collections')), []);
    await connected(s);
    await waitUntil(() => s.documents('people')?.size === 3, 5000);
    assert.deepEqual(
      s.subscriptions().map((x) => [x.name, x.params]),
      [['docs', ['people']]],
    );
  });

  test('changed settings restart a live client with the new options and the same subscriptions', T, async (t) => {
    const { manager, log } = setup(t);
    const s = manager.addAdHoc(server.url);
    await connected(s);
    void s.subscribe('docs', ['people']);
    await waitUntil(() => s.documents('people')?.size === 3, 5000);
    const first = s.ddpSession;
    manager.updateSettings({ ...manager.current, heartbeatInterval: 1234 });
    assert.equal(s.state, 'connecting', 'a new client, connecting');
    await waitUntil(() => s.state === 'connected' && s.documents('people')?.size === 3, 5000);
    assert.ok(log.has(/Settings changed/));
    assert.notEqual(s.ddpSession, first, 'a new DDP session');
    // pageSize does not touch clients
    const second = s.ddpSession;
    manager.updateSettings({ ...manager.current, pageSize: 7 });
    assert.equal(s.state, 'connected');
    assert.equal(s.ddpSession, second);
  });

  test('saved connections follow the setting: added, changed, removed', T, async (t) => {
    const { manager, model } = setup(t);
    manager.setSaved([
      { name: 'one', url: server.url },
      { name: 'two', url: 'localhost:1' },
    ]);
    assert.deepEqual(labels(model, model.children()), ['one', 'two']);
    const one = manager.findByName('one')!;
    assert.equal(one.saved, true);
    await connected(one);
    manager.setSaved([{ name: 'one', url: server.url }]);
    assert.deepEqual(labels(model, model.children()), ['one']);
    assert.equal(manager.findByName('one'), one, 'unchanged entries keep their session');
    assert.equal(one.state, 'connected');
  });

  test('a connection with an invalid URL does not throw: it reports the problem', T, async (t) => {
    const { manager, model, log } = setup(t);
    manager.setSaved([{ name: 'bad', url: 'ftp://nowhere' }]);
    const s = manager.findByName('bad')!;
    await s.connect();
    assert.equal(s.state, 'failed');
    assert.match(model.view(model.connectionNode(s.id)).tooltip ?? '', /Failed: Unsupported scheme ftp:/);
    assert.ok(log.has(/error \[bad\] Cannot connect: Unsupported scheme/));
  });

  test(
    'an unreachable server on the first connect: failed in plain words, no retries, nothing unhandled',
    T,
    async (t) => {
      const unhandled: unknown[] = [];
      const onUnhandled = (e: unknown) => unhandled.push(e);
      process.on('unhandledRejection', onUnhandled);
      t.after(() => process.off('unhandledRejection', onUnhandled));
      const { manager, model, log } = setup(t);
      const s = manager.addAdHoc('ws://127.0.0.1:1/websocket');
      await s.connect();
      await waitUntil(() => s.state === 'failed', 5000);
      assert.match(model.view(model.connectionNode(s.id)).description ?? '', /^failed$/);
      assert.match(
        model.view(model.connectionNode(s.id)).tooltip ?? '',
        /Failed: Nothing is listening on 127\.0\.0\.1:1\./,
      );
      assert.ok(log.has(/Cannot connect: Nothing is listening on 127\.0\.0\.1:1\./));
      assert.ok(!log.has(/Reconnect attempt/), 'a connection that never connected does not retry on its own');
      assert.equal(s.isOpen, false, 'no client is left');
      await assert.rejects(s.call('x'), /not connected/i);
      manager.dispose();
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(unhandled, []);
    },
  );
});

describe('explorer accounts against a real server', () => {
  let server: AccountsServer;
  before(async () => {
    server = await startAccountsServer();
  });
  after(() => server.close());

  test(
    'log in stores the token for a saved connection; the next connect resumes; log out forgets it; secrets never logged',
    T,
    async (t) => {
      const { manager, model, log, tokens } = setup(t);
      manager.setSaved([{ name: 'acc', url: server.url }]);
      const s = manager.findByName('acc')!;
      await connected(s);
      const r = await s.login(ALICE.username, ALICE.password);
      assert.equal(r.id, ALICE.id);
      assert.equal(tokens.map.get(s.tokenKey), r.token);
      assert.match(model.view(model.connectionNode(s.id)).description ?? '', /user alice-id/);
      assert.match(model.view(model.connectionNode(s.id)).contextValue, /\.loggedIn$/);
      assert.ok(log.secrets.includes(r.token));

      void s.subscribe('whatever'); // carried over Disconnect/Connect
      s.disconnect();
      const before = server.received.length;
      await connected(s);
      await s.settled();
      await waitUntil(() => s.userId === ALICE.id, 5000);
      assert.ok(log.has(/Resuming the saved login/));
      const sessionId = s.ddpSession;
      const mine = () => server.received.slice(before).filter((m) => m.session === sessionId);
      await waitUntil(() => mine().some((m) => m.msg.msg === 'sub'), 5000);
      const order = mine()
        .filter((m) => m.msg.msg === 'sub' || m.msg.msg === 'method')
        .map((m) => (m.msg.msg === 'sub' ? `sub ${m.msg.name}` : `method ${m.msg.method}`));
      assert.deepEqual(
        order.slice(0, 2),
        ['method login', 'sub whatever'],
        'the resume login goes before the subscriptions',
      );

      await s.logout();
      assert.equal(s.userId, undefined);
      assert.equal(tokens.map.size, 0);
      // Every line the session logged, frames included (trace on), before any masking by the output channel.
      const all = log.lines.join('\n');
      assert.ok(
        log.lines.some((l) => l.startsWith('frame ') && l.includes('"method":"login"')),
        'frames were traced',
      );
      assert.ok(!all.includes(r.token), 'token not in the log');
      assert.ok(!all.includes(ALICE.password), 'password not in the log');
      assert.ok(!all.includes(createHash('sha256').update(ALICE.password).digest('hex')), 'digest not in the log');
    },
  );

  test(
    'a wrong password rejects with the reason and stores nothing; a refused stored token is deleted',
    T,
    async (t) => {
      const { manager, tokens, log } = setup(t);
      manager.setSaved([{ name: 'acc', url: server.url }]);
      const s = manager.findByName('acc')!;
      await connected(s);
      await assert.rejects(s.login(ALICE.email, 'wrong'), /credentials|password|403/i);
      assert.equal(tokens.map.size, 0);
      assert.ok(log.has(/Login failed/));

      s.disconnect();
      tokens.map.set(s.tokenKey, 'not-a-real-token');
      await connected(s);
      await s.settled();
      assert.equal(tokens.map.size, 0);
      assert.equal(s.userId, undefined);
      assert.ok(log.has(/Saved login refused/));
    },
  );
});

test('frames reach the session log only while trace is "messages", switched without a reconnect', T, async (t) => {
  const server = await startRealServer();
  t.after(() => server.close());
  const lines: string[] = [];
  const log: TextLog = { info() {}, warn() {}, error() {}, frame: (l: string) => void lines.push(l) };
  const manager = new SessionManager({ log: textLog(log) });
  t.after(() => manager.dispose());
  manager.updateSettings({ ...DEFAULT_SETTINGS, trace: 'off' });
  const session = manager.addAdHoc(server.url);
  await session.connect();
  const ddpSession = session.ddpSession;
  await session.call('echo', ['quiet']);
  assert.equal(lines.length, 0);
  manager.updateSettings({ ...DEFAULT_SETTINGS, trace: 'messages' });
  assert.equal(session.state, 'connected', 'no reconnect for a trace change');
  assert.equal(session.ddpSession, ddpSession, 'the same client');
  await session.call('echo', ['loud']);
  assert.ok(lines.some((l) => l.includes('"loud"')));
});

test(
  'TLS verification is on unless a connection opts out, and every connect without it is warned about',
  T,
  async (t) => {
    const tls = await startScriptServer({ tls: true });
    t.after(() => tls.close());
    const { log, manager } = setup(t);
    manager.setSaved([
      { name: 'strict', url: tls.url },
      { name: 'lax', url: tls.url, options: { rejectUnauthorized: false } },
    ]);
    const strict = manager.get('saved:strict')!;
    const lax = manager.get('saved:lax')!;

    void strict.connect();
    await waitUntil(() => log.has(/\[strict\].*(self[- ]signed|certificate)/i), 5000, {
      message: log.lines.join('\n'),
    });
    assert.notEqual(strict.state, 'connected');
    assert.ok(!log.has(/\[strict\].*verification is OFF/), 'no warning for a verified connection');

    await connected(lax);
    const warnings = () =>
      log.lines.filter((l) => l.startsWith('warn') && l.includes('[lax]') && /verification is OFF/.test(l)).length;
    assert.equal(warnings(), 1);
    assert.ok(lax.reconnectNow());
    await waitUntil(() => warnings() === 2 && lax.state === 'connected', 5000, { message: log.lines.join('\n') });
  },
);
