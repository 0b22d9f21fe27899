// Queries on live data against the demo server: a collection filtered with a MongoDB selector, sorted and projected,
// follows the server's changes (documents enter and leave the results), and `.ddp` assertions use the same selectors.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoServer, type DemoServer } from '../demo/server';
import { SessionManager, nullLog, type Session } from '../../src/core/sessions';
import { TreeModel, type TreeNode } from '../../src/presentation/tree/model';
import { parseDdp } from '../../src/core/ddpFile/parser';
import { runFile } from '../../src/core/ddpFile/runner';
import { sessionConnection, sessionFor } from '../../src/core/ddpFile/sessionConnection';
import { problemText } from '../../src/presentation/sessionLogText';
import { waitUntil } from '../support/wait';

const T = { timeout: 15_000 };

describe('queries on live data (demo server)', () => {
  let demo: DemoServer;
  let manager: SessionManager;
  let model: TreeModel;
  let session: Session;
  before(async () => {
    demo = await startDemoServer({ port: 0, taskIntervalMs: 0, messageIntervalMs: 0, bigCount: 10 });
    manager = new SessionManager({ log: nullLog });
    model = new TreeModel(manager, () => 100);
    session = manager.addAdHoc(demo.url);
    await session.connect();
    const id = await session.subscribe('tasks', []);
    await waitUntil(() => session.subscription(id)?.state === 'ready', 5000, { message: 'tasks ready' });
  });
  after(async () => {
    model.dispose();
    manager.dispose();
    await demo.stop();
  });

  const tasks = (): TreeNode => model.collectionNode(session.id, 'tasks');
  const rows = () => model.children(tasks()).map((n) => model.view(n));
  const ids = () => rows().map((v) => v.label);

  it('a selector with sort and fields: matching rows in sort order, projected, with the count', T, () => {
    const refused = model.setFilter(
      session.id,
      'tasks',
      '{ done: false, priority: { $gte: 2 } }, { sort: { priority: -1 }, fields: { title: 1, priority: 1 } }',
    );
    assert.equal(refused, undefined);
    // Priorities of the demo tasks: task-n has (n % 3) + 1; ties keep server order.
    assert.deepEqual(ids(), ['task-2', 'task-5', 'task-8', 'task-1', 'task-4', 'task-7']);
    assert.match(model.view(tasks()).description ?? '', /^6 of 8 documents · query \{ done: false/);
    assert.equal(model.view(tasks()).contextValue, 'collection.filtered');
    const task2 = model.children(tasks())[0];
    assert.deepEqual(
      model
        .children(task2)
        .map((n) => model.view(n).label)
        .sort(),
      ['priority', 'title'],
      'the document rows show the projected fields only',
    );
    assert.equal(session.document('tasks', 'task-2')?.done, false, 'the data itself stays whole');
  });

  it('server changes make documents leave, enter and move in the results', T, async () => {
    demo.data.toggleTask('task-2'); // done: true -> leaves
    await waitUntil(() => !ids().includes('task-2'), 5000, { message: `rows: ${ids()}` });
    assert.deepEqual(ids(), ['task-5', 'task-8', 'task-1', 'task-4', 'task-7']);
    assert.match(model.view(tasks()).description ?? '', /^5 of 8 documents/);
    demo.data.tasks.update('task-3', { priority: 5 }); // priority 1 -> 5: enters, first
    await waitUntil(() => ids()[0] === 'task-3', 5000, { message: `rows: ${ids()}` });
    demo.data.tasks.update('task-7', { priority: 3 }); // moves up among the priority 3s (server order)
    await waitUntil(() => ids().join() === 'task-3,task-5,task-7,task-8,task-1,task-4', 5000, {
      message: `rows: ${ids()}`,
    });
    const id = demo.data.addTask('A new urgent one');
    demo.data.tasks.update(id, { priority: 9 });
    await waitUntil(() => ids()[0] === id, 5000, { message: `rows: ${ids()}` });
    demo.data.tasks.remove(id);
    await waitUntil(() => !ids().includes(id), 5000, { message: `rows: ${ids()}` });
  });

  it('an invalid query is refused and the filter stays as it was', T, () => {
    const before = model.collectionView(session.id, 'tasks').filter;
    assert.match(model.setFilter(session.id, 'tasks', '{ done: { $nope: 1 } }') ?? '', /unknown query operator \$nope/);
    assert.equal(model.collectionView(session.id, 'tasks').filter, before);
    assert.equal(model.setFilter(session.id, 'tasks', ''), undefined);
    assert.equal(ids().length, demo.data.tasks.docs.size);
  });

  it('.ddp: collection tasks where <selector> count, against the same server', T, async () => {
    const done = [...demo.data.tasks.docs.values()].filter((d) => d.done === true).length;
    const file = parseDdp(
      `CONNECT ${demo.url}\nSUBSCRIBE tasks\n> expect collection tasks where {done: true} count == ${done}\n` +
        `> expect collection tasks where {done: false, priority: {$gte: 2}} count >= 1\n` +
        `> expect collection tasks where {createdAt: {$lt: {$date: "2000-01-01T00:00:00Z"}}} count == 0\n`,
    );
    assert.deepEqual(file.problems, []);
    const connect = async (url: string) => sessionConnection(await sessionFor(manager, url, problemText));
    const report = await runFile(file, {
      connect,
      sources: { environment: {}, dotenv: () => undefined, processEnv: () => undefined },
    });
    assert.deepEqual(
      report.requests[0].assertions.map((a) => [a.text, a.pass]),
      [
        [`collection tasks where {done: true} count == ${done}`, true],
        ['collection tasks where {done: false, priority: {$gte: 2}} count >= 1', true],
        ['collection tasks where {createdAt: {$lt: {$date: "2000-01-01T00:00:00Z"}}} count == 0', true],
      ],
    );
  });
});
