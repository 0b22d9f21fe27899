// Editing through Meteor against the demo server over real sockets: a save's one `/tasks/update` (built by
// src/core/edit from the editor's text) goes through Session.call and the published document follows; insert and
// remove; the allow rules refuse a logged-out user with "Access denied [403]"; EJSON values, including a custom
// type this client does not know, go back to the server exactly as received.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoServer, DEMO_USER, type DemoServer } from '../demo/server';
import { Money } from '../demo/allowRules';
import { SessionManager, type Session } from '../../src/core/sessions';
import { sessionFor } from '../../src/core/ddpFile/sessionConnection';
import { planInsert, planUpdate, removeCall } from '../../src/core/edit/save';
import { documentText } from '../../src/presentation/documentText';
import { problemText, textLog } from '../../src/presentation/sessionLogText';
import { DdpError } from '../../src/ddp';

/** Resolves when `check` holds after a change of the session (or at once); rejects after 5 s. */
function until(session: Session, check: () => boolean, what: string): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (off(), reject(new Error(`timed out waiting for ${what}`))), 5000);
    const off = session.onChange(() => {
      if (!check()) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

/** The text an editor opened on the document shows now. */
function editorText(session: Session, id: string): string {
  const target = { session: { name: session.name, connected: true }, collection: 'tasks', id };
  return documentText(target, session.document('tasks', id), {}, Date.now()).text;
}

describe('edit through Meteor (demo server, real sockets)', () => {
  let demo: DemoServer;
  let manager: SessionManager;
  let session: Session;

  before(async () => {
    demo = await startDemoServer({ port: 0, taskIntervalMs: 0, messageIntervalMs: 0, bigCount: 10 });
    const quiet = () => undefined;
    manager = new SessionManager({
      log: textLog({ info: quiet, warn: quiet, error: quiet, frame: quiet, secret: quiet }),
    });
    session = await sessionFor(manager, demo.url, problemText);
    await session.subscribe('tasks');
    await until(session, () => session.documents('tasks')?.size === 8, 'the tasks');
  });
  after(async () => {
    manager.dispose();
    await demo.stop();
  });

  async function save(id: string, edit: (text: string) => string): Promise<unknown> {
    const fields = session.document('tasks', id);
    const plan = planUpdate(
      { collection: 'tasks', id },
      fields && { ...fields },
      fields,
      edit(editorText(session, id)),
    );
    assert.equal(plan.kind, 'call', JSON.stringify(plan));
    if (plan.kind !== 'call') return undefined;
    return (await session.call(plan.call.method, plan.call.params)).result;
  }

  it('logged out: update, insert and remove are refused with Access denied [403], nothing changes', async () => {
    const before = demo.data.tasks.get('task-1')!.title;
    await assert.rejects(
      save('task-1', (t) => t.replace(/"title": "[^"]*"/, '"title": "Hacked"')),
      (err: unknown) => err instanceof DdpError && err.error === 403 && /Access denied \[403\]/.test(err.message),
    );
    const insert = planInsert('tasks', '{"title": "x"}');
    assert.equal(insert.kind, 'call');
    if (insert.kind === 'call')
      await assert.rejects(session.call(insert.call.method, insert.call.params), /Access denied \[403\]/);
    const remove = removeCall({ collection: 'tasks', id: 'task-1' });
    await assert.rejects(session.call(remove.method, remove.params), /Access denied \[403\]/);
    assert.equal(demo.data.tasks.get('task-1')!.title, before);
    assert.equal(demo.data.tasks.docs.size, 8);
  });

  it('logged in: a save is one /tasks/update with $set/$unset and the published document follows', async () => {
    await session.login(DEMO_USER.username, DEMO_USER.password);
    const calls = demo.calls.length;
    const result = await save('task-2', (t) =>
      t
        .replace(/"title": "[^"]*"/, '"title": "Edited in the editor"')
        .replace(/"team": "core"/, '"team": "platform"')
        .replace(/\s*"progress": 0,/, ''),
    );
    assert.equal(result, 1);
    const sent = demo.calls.slice(calls);
    assert.deepEqual(
      sent.map((c) => c.method),
      ['/tasks/update'],
    );
    assert.deepEqual(sent[0].params, [
      { _id: 'task-2' },
      { $set: { title: 'Edited in the editor', 'owner.team': 'platform' }, $unset: { progress: '' } },
    ]);
    await until(session, () => session.document('tasks', 'task-2')?.title === 'Edited in the editor', 'the change');
    const doc = session.document('tasks', 'task-2')!;
    assert.deepEqual(doc.owner, demo.data.tasks.get('task-2')!.owner);
    assert.equal((doc.owner as { team: string }).team, 'platform');
    assert.ok(!('progress' in doc));
    assert.ok(doc.createdAt instanceof Date && doc.checksum instanceof Uint8Array, 'Dates and binary stay typed');
  });

  it('EJSON round trip: Dates, binary and a custom type the client does not know come back exactly', async () => {
    demo.data.tasks.insert({
      _id: 'ejson-1',
      title: 'typed',
      due: new Date(Date.UTC(2026, 4, 1)),
      blob: new Uint8Array([0, 1, 2, 255]),
      price: new Money(12.5, 'EUR'),
      nested: { price: new Money(1, 'USD'), when: new Date(0) },
    });
    await until(session, () => session.document('tasks', 'ejson-1') !== undefined, 'the typed task');
    const text = editorText(session, 'ejson-1');
    assert.match(text, /"\$type": "money"/, 'the custom type is shown as the server sent it');
    assert.doesNotMatch(text, /\$escape/);
    // Change only the title: the typed values must survive untouched on the server.
    await save('ejson-1', (t) => t.replace('"title": "typed"', '"title": "typed, edited"'));
    const stored = demo.data.tasks.get('ejson-1')!;
    assert.equal(stored.title, 'typed, edited');
    assert.ok(stored.price instanceof Money && stored.price.amount === 12.5);
    // Change the nested object (a dotted $set) with a custom type inside and a new Date: decoded as the server's types.
    await save('ejson-1', (t) => t.replace('"amount": 1,', '"amount": 2,').replace('"$date": 0', '"$date": 1000'));
    const again = demo.data.tasks.get('ejson-1')!;
    const nested = again.nested as { price: unknown; when: unknown };
    assert.ok(nested.price instanceof Money && nested.price.amount === 2, `nested price ${String(nested.price)}`);
    assert.ok(nested.when instanceof Date && nested.when.getTime() === 1000);
    assert.ok(again.price instanceof Money && again.price.currency === 'EUR');
    assert.deepEqual([...(again.blob as Uint8Array)], [0, 1, 2, 255]);
    await until(session, () => editorText(session, 'ejson-1').includes('"amount": 2'), 'the published nested change');
  });

  it('insert gives the server id, the document is published; remove takes it away', async () => {
    const plan = planInsert('tasks', '// a comment\n{"title": "Inserted", "at": {"$date": 5}}');
    assert.equal(plan.kind, 'call');
    if (plan.kind !== 'call') return;
    const { result: id } = await session.call(plan.call.method, plan.call.params);
    assert.equal(typeof id, 'string');
    await until(session, () => session.document('tasks', id as string) !== undefined, 'the inserted task');
    assert.deepEqual(session.document('tasks', id as string), { title: 'Inserted', at: new Date(5) });
    const remove = removeCall({ collection: 'tasks', id: id as string });
    assert.equal((await session.call(remove.method, remove.params)).result, 1);
    await until(session, () => session.document('tasks', id as string) === undefined, 'the removal');
  });

  it('a server change to the same field since the editor was loaded is a conflict; to another field it is not', async () => {
    const base = { ...session.document('tasks', 'task-3')! };
    const mine = editorText(session, 'task-3').replace(/"title": "[^"]*"/, '"title": "Mine"');
    demo.data.tasks.update('task-3', { title: 'Theirs', progress: 40 });
    await until(session, () => session.document('tasks', 'task-3')?.title === 'Theirs', 'the server change');
    const plan = planUpdate({ collection: 'tasks', id: 'task-3' }, base, session.document('tasks', 'task-3'), mine);
    assert.deepEqual(plan, { kind: 'conflict', paths: ['title'] });
    const other = editorText(session, 'task-3').replace(/"done": false/, '"done": true');
    demo.data.tasks.update('task-3', { progress: 50 });
    await until(session, () => session.document('tasks', 'task-3')?.progress === 50, 'another change');
    const ok = planUpdate(
      { collection: 'tasks', id: 'task-3' },
      { ...base, title: 'Theirs', progress: 40 },
      session.document('tasks', 'task-3'),
      other,
    );
    assert.equal(ok.kind, 'call');
  });
});
