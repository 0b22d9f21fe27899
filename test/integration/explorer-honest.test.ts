// Honest state against real servers: what the tree says while a connection drops and catches up, after Disconnect,
// after a login; filtered collections that follow changes without rescans; counts that follow the data.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRealServer, type RealServer } from '../support/realServer';
import { startAccountsServer, ALICE } from '../support/accountsServer';
import { waitUntil } from '../support/wait';
import { SessionManager, type Session } from '../../src/core/sessions';
import { textLog } from '../../src/presentation/sessionLogText';
import { TreeModel, type TreeNode } from '../../src/presentation/tree/model';
import { DEFAULT_SETTINGS } from '../../src/core/config';
import { MemoryLog } from '../support/memoryLog';

const T = { timeout: 15000 };

function setup(t: { after(fn: () => unknown): void }, pageSize = 100) {
  const log = new MemoryLog();
  const manager = new SessionManager({ log: textLog(log) });
  manager.updateSettings({
    ...DEFAULT_SETTINGS,
    pageSize,
    reconnectDelay: 50,
    maxReconnectDelay: 200,
    loadAllLimit: 250,
  });
  const model = new TreeModel(
    manager,
    () => manager.current.pageSize,
    () => Date.now(),
    () => manager.current.loadAllLimit,
  );
  t.after(() => {
    model.dispose();
    manager.dispose();
  });
  return { log, manager, model };
}

async function connected(session: Session): Promise<void> {
  void session.connect();
  await waitUntil(() => session.state === 'connected', 5000, { message: `state is ${session.state}` });
}

const describeOf = (model: TreeModel, n: TreeNode) => model.view(n).description ?? '';
const subRows = (model: TreeModel, s: Session) => model.children(model.groupNode(s.id, 'subscriptions'));

describe('honest state against a real server', () => {
  let server: RealServer;
  before(async () => {
    server = await startRealServer();
    for (let i = 0; i < 5; i++) server.store.set('notes', `n${i}`, { text: `note ${i}` });
  });
  after(() => server.close());

  test(
    'while reconnecting, subscriptions and documents show as stale until the catch-up ends; each ready logs its own time',
    T,
    async (t) => {
      const { manager, model, log } = setup(t);
      const s = manager.addAdHoc(server.url);
      await connected(s);
      void s.subscribe('docs', ['notes']);
      await waitUntil(() => subRows(model, s).some((n) => /ready in/.test(describeOf(model, n))), 5000);
      const notes = model.collectionNode(s.id, 'notes');
      const doc = model.documentNode(s.id, 'notes', 'n1');
      assert.equal(describeOf(model, notes), '5 documents');
      assert.equal(model.view(doc).icon?.color, undefined);

      await server.stop();
      await waitUntil(() => s.state === 'reconnecting', 5000);
      const [row] = subRows(model, s);
      assert.match(describeOf(model, row), /^\["notes"\] · stale · resubscribing \(last ready \d\d:\d\d:\d\d\)$/);
      assert.equal(model.view(row).contextValue, 'subscription.stale');
      assert.match(describeOf(model, notes), /^5 documents · stale since \d\d:\d\d:\d\d$/);
      assert.equal(model.view(doc).icon?.color, 'disabledForeground');
      assert.match(model.documentTooltip(doc as any), /^Stale: the connection dropped at/);
      const tip = model.view(model.connectionNode(s.id)).tooltip ?? '';
      assert.match(tip, /Subscriptions: 1 \(0 ready\)/, 'a stale subscription is not counted as ready');
      assert.match(tip, /Documents: 5 \(stale since \d\d:\d\d:\d\d: catching up\)/);

      server.store.change('notes', 'n1', { text: 'changed while away' });
      await server.start();
      await waitUntil(() => s.freshness.staleSince === undefined && s.state === 'connected', 10000);
      assert.match(describeOf(model, subRows(model, s)[0]), /^\["notes"\] · ready in \d+ ms$/);
      assert.equal(describeOf(model, notes), '5 documents');
      assert.equal(model.view(doc).icon?.color, undefined);
      assert.equal((s.document('notes', 'n1') as any).text, 'changed while away');
      assert.equal(log.matching(/Subscription ready: docs \["notes"\] in \d+ ms/).length, 1, log.lines.join('\n'));
      assert.equal(log.matching(/Subscription ready again after the reconnect: docs \["notes"\] in \d+ ms/).length, 1);
    },
  );

  test('a view whose listener throws is reported in the log; the tree and the data go on', T, async (t) => {
    const { manager, model, log } = setup(t);
    const s = manager.addAdHoc(server.url);
    await connected(s);
    const off = s.on('doc', () => {
      throw new Error('view bug');
    });
    t.after(off);
    await s.subscribe('docs', ['notes']);
    await waitUntil(() => describeOf(model, model.collectionNode(s.id, 'notes')) === '5 documents', 5000);
    server.store.change('notes', 'n2', { text: 'after the bug' });
    await waitUntil(() => (s.document('notes', 'n2') as { text?: string } | undefined)?.text === 'after the bug', 5000);
    const lines = log.matching(/failed while handling the event "session doc".*: view bug$/);
    assert.ok(lines.length >= 6, log.lines.join('\n'));
    assert.ok(lines.every((l) => l.startsWith('error [')));
  });

  test('after Disconnect the subscriptions stay listed as stopped until Connect makes them again', T, async (t) => {
    const { manager, model } = setup(t);
    const s = manager.addAdHoc(server.url);
    await connected(s);
    void s.subscribe('docs', ['notes']);
    void s.subscribe('all');
    await waitUntil(() => s.subscriptions().every((x) => x.state === 'ready'), 5000);
    s.disconnect();
    const rows = subRows(model, s);
    assert.deepEqual(
      rows.map((n) => `${model.view(n).label} ${describeOf(model, n)}`),
      ['docs ["notes"] · stopped · resumes on connect', 'all stopped · resumes on connect'],
    );
    assert.equal(model.view(rows[0]).contextValue, 'subscription.carried');
    assert.equal(model.view(model.groupNode(s.id, 'subscriptions')).description, '2');
    // Unsubscribe on a stopped one removes it: Connect does not make it again.
    s.unsubscribe((rows[1] as { subId: string }).subId);
    assert.equal(subRows(model, s).length, 1);
    await connected(s);
    await waitUntil(() => s.subscriptions().some((x) => x.state === 'ready'), 5000);
    assert.deepEqual(
      s.subscriptions().map((x) => [x.name, x.params]),
      [['docs', ['notes']]],
    );
    assert.match(describeOf(model, subRows(model, s)[0]), /ready in \d+ ms/);
  });

  test(
    'a filtered collection follows changes one document at a time; Load more and "… N more" follow the data',
    T,
    async (t) => {
      for (let i = 0; i < 300; i++)
        server.store.set('many', `m${String(i).padStart(3, '0')}`, { tag: i % 3 === 0 ? 'fizz' : 'plain', n: i });
      server.store.set('arrays', 'a1', { list: Array.from({ length: 501 }, (_, i) => i) });
      const { manager, model } = setup(t, 50);
      const s = manager.addAdHoc(server.url);
      await connected(s);
      void s.subscribe('docs', ['many']);
      void s.subscribe('docs', ['arrays']);
      await waitUntil(() => s.documents('many')?.size === 300 && s.documents('arrays')?.size === 1, 5000);

      const many = model.collectionNode(s.id, 'many');
      const loadMoreLabel = () => model.view(model.children(many).at(-1)!).label;
      assert.equal(loadMoreLabel(), 'Load more (250 more)');
      server.store.set('many', 'm300', { tag: 'plain', n: 300 });
      await waitUntil(() => s.documents('many')?.size === 301, 5000);
      assert.equal(loadMoreLabel(), 'Load more (251 more)', 'the count follows the collection');

      model.setFilter(s.id, 'many', 'fizz');
      assert.equal(describeOf(model, many), '100 of 301 documents · filter "fizz"');
      const keysOf = async (change: () => void) => {
        const seen: string[][] = [];
        const off = manager.onChange((c) => {
          if (c.type === 'session' && c.change.type === 'doc') seen.push(model.keysFor(c.session, c.change));
        });
        change();
        await waitUntil(() => seen.length > 0, 5000);
        off();
        return seen[0];
      };
      const collKey = many.key;
      const docKey = (id: string) => model.documentNode(s.id, 'many', id).key;
      assert.deepEqual(
        await keysOf(() => server.store.change('many', 'm001', { n: 1001 })),
        [],
        'a non-matching document stays off screen',
      );
      assert.deepEqual(await keysOf(() => server.store.change('many', 'm000', { n: 1000 })), [docKey('m000')]);
      assert.deepEqual(
        await keysOf(() => server.store.change('many', 'm002', { tag: 'fizz' })),
        [collKey],
        'a new match changes the rows',
      );
      assert.equal(describeOf(model, many), '101 of 301 documents · filter "fizz"');
      assert.deepEqual(
        model
          .children(many)
          .slice(0, 3)
          .map((n) => model.view(n).label),
        ['m000', 'm002', 'm003'],
      );
      assert.equal(model.view(model.children(many).at(-1)!).label, 'Load more (51 more)');
      model.loadAll(s.id, 'many');
      assert.equal(model.children(many).length, 101, 'all 101 matches: under the loadAllLimit of 250');
      model.setFilter(s.id, 'many', '');
      model.loadAll(s.id, 'many');
      assert.equal(model.children(many).length, 251, 'Load all stops at loadAllLimit, then Load more');
      assert.equal(loadMoreLabel(), 'Load more (51 more)');

      const list = model.children(model.documentNode(s.id, 'arrays', 'a1'))[0];
      const more = () => model.children(list).at(-1)!;
      assert.equal(model.view(more()).label, '… 1 more');
      server.store.change('arrays', 'a1', { list: Array.from({ length: 1500 }, (_, i) => i) });
      await waitUntil(() => (s.document('arrays', 'a1') as any).list.length === 1500, 5000);
      assert.equal(model.view(more()).label, '… 1,000 more', 'not the count of when the row was first made');
    },
  );
});

describe('a login reruns the subscriptions', () => {
  test('the ready after a login is logged with its own time and says why', T, async (t) => {
    const server = await startAccountsServer();
    t.after(() => server.close());
    const { manager, log } = setup(t);
    const s = manager.addAdHoc(server.url);
    await connected(s);
    void s.subscribe('public');
    await waitUntil(() => log.matching(/Subscription ready: public/).length === 1, 5000);
    await s.login(ALICE.username, ALICE.password);
    await waitUntil(() => log.matching(/Subscription ready again/).length === 1, 5000, {
      message: log.lines.join('\n'),
    });
    assert.match(
      log.matching(/Subscription ready again/)[0],
      /Subscription ready again after the login change: public in \d+ ms$/,
    );
  });
});
