// Saving an edited document (src/core/edit/save.ts): the update call, conflicts with the server's changes since the
// editor was loaded, refusals in plain words, the insert and remove calls, and ids as Meteor parses them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { conflictingPaths, newDocumentText, planInsert, planUpdate, removeCall } from '../../src/core/edit/save';
import { parseDocumentText } from '../../src/core/edit/documentText';
import { idParse, idStringify } from '../../src/core/edit/ids';
import { ObjectID, stringifyEJSON } from '../../src/ddp/ejson';

const T = { collection: 'tasks', id: 'task-1' };
const base = { title: 'Old', done: false, owner: { name: 'ada', team: 'core' }, progress: 10 };
const text = (doc: object) => `// a state line\n${stringifyEJSON({ _id: 'task-1', ...doc })}\n`;

describe('planUpdate', () => {
  test('one /tasks/update with {_id} and the user changes only', () => {
    const plan = planUpdate(T, base, base, text({ ...base, title: 'New', owner: { name: 'bob', team: 'core' } }));
    assert.equal(plan.kind, 'call');
    if (plan.kind !== 'call') return;
    assert.deepEqual(plan.call, {
      method: '/tasks/update',
      params: [{ _id: 'task-1' }, { $set: { title: 'New', 'owner.name': 'bob' } }],
    });
  });

  test('the server changed other fields meanwhile: no conflict, and they are not written back', () => {
    const current = { ...base, progress: 50 };
    const plan = planUpdate(T, base, current, text({ ...base, title: 'New' }));
    assert.equal(plan.kind, 'call');
    if (plan.kind === 'call') assert.deepEqual(plan.call.params[1], { $set: { title: 'New' } });
  });

  test('the server changed the same field: a conflict naming it; Overwrite makes the document the editor', () => {
    const current = { ...base, title: 'Theirs', progress: 50 };
    const mine = text({ ...base, title: 'Mine' });
    assert.deepEqual(planUpdate(T, base, current, mine), { kind: 'conflict', paths: ['title'] });
    const over = planUpdate(T, base, current, mine, true);
    assert.equal(over.kind, 'call');
    if (over.kind === 'call') assert.deepEqual(over.call.params[1], { $set: { title: 'Mine', progress: 10 } });
  });

  test('a nested change under a field the server replaced is a conflict; the same new value is not', () => {
    const current = { ...base, owner: { name: 'zed' } };
    assert.deepEqual(conflictingPaths(base, current, { ...base, owner: { name: 'ada', team: 'x' } }), ['owner.team']);
    assert.deepEqual(conflictingPaths(base, { ...base, title: 'Same' }, { ...base, title: 'Same' }), []);
  });

  test('unchanged text sends nothing; a changed _id, bad JSON, a gone document are refused plainly', () => {
    assert.deepEqual(planUpdate(T, base, base, text(base)), { kind: 'unchanged' });
    const id = planUpdate(T, base, base, stringifyEJSON({ _id: 'task-2', ...base }));
    assert.equal(id.kind, 'refused');
    if (id.kind === 'refused') assert.match(id.reason, /_id cannot be changed/);
    const bad = planUpdate(T, base, base, '{ "title": "x", }');
    assert.equal(bad.kind, 'refused');
    if (bad.kind === 'refused') assert.match(bad.reason, /line 1, column/);
    const gone = planUpdate(T, base, undefined, text(base));
    assert.equal(gone.kind, 'refused');
    if (gone.kind === 'refused') assert.match(gone.reason, /not published any more/);
  });

  test('an ObjectID document is selected by its ObjectID', () => {
    const hex = '0123456789abcdef01234567';
    const plan = planUpdate({ collection: 'c', id: hex }, { a: 1 }, { a: 1 }, '{"a": 2}');
    assert.equal(plan.kind, 'call');
    if (plan.kind === 'call') assert.deepEqual(plan.call.params[0], { _id: new ObjectID(hex) });
  });
});

describe('document text', () => {
  test('EJSON values decode; an invalid $date or $binary is refused instead of reaching the server as an object', () => {
    const ok = parseDocumentText('{"at": {"$date": 0}, "bin": {"$binary": "AQI="}}');
    assert.ok(ok.ok && ok.doc.at instanceof Date && ok.doc.bin instanceof Uint8Array);
    const date = parseDocumentText('{"at": {"$date": "yesterday"}}');
    assert.ok(!date.ok && /Invalid \$date at at/.test(date.reason));
    const bin = parseDocumentText('{"x": [{"$binary": "*"}]}');
    assert.ok(!bin.ok && /Invalid \$binary at x\.0/.test(bin.reason));
    assert.ok(!parseDocumentText('[1]').ok);
  });
});

describe('insert and remove', () => {
  test('New Document: the template parses to an empty document; insert sends the document', () => {
    const t = newDocumentText('tasks', 'local');
    const empty = parseDocumentText(t);
    assert.ok(empty.ok);
    assert.deepEqual(empty.doc, {});
    const plan = planInsert('tasks', '{"title": "x", "at": {"$date": 5}}');
    assert.equal(plan.kind, 'call');
    if (plan.kind === 'call')
      assert.deepEqual(plan.call, { method: '/tasks/insert', params: [{ title: 'x', at: new Date(5) }] });
    assert.equal(planInsert('tasks', '{"a.b": 1}').kind, 'refused');
  });

  test('New Document: saving the template untouched (or emptied again) inserts nothing and says why', () => {
    const untouched = planInsert('tasks', newDocumentText('tasks', 'local'));
    assert.equal(untouched.kind, 'refused');
    if (untouched.kind === 'refused') assert.match(untouched.reason, /empty/);
    assert.equal(planInsert('tasks', '{ }').kind, 'refused');
    const idOnly = planInsert('tasks', '{"_id": "x"}');
    assert.equal(idOnly.kind, 'call', 'a document with only an _id is a choice, not an accident');
  });

  test('a hostile collection name stays inside the template comment', () => {
    const t = newDocumentText('x\n{"owned": true}\u2028', 'c');
    const parsed = parseDocumentText(t);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.doc, {});
  });

  test('remove sends {_id}', () => {
    assert.deepEqual(removeCall(T), { method: '/tasks/remove', params: [{ _id: 'task-1' }] });
  });

  test('ids as Meteor writes them on the wire', () => {
    for (const id of ['abc', '-x', '~y', '{z', '0123456789abcdef01234567', '', 5])
      assert.deepEqual(idParse(idStringify(id)!), id);
    const oid = new ObjectID('0123456789abcdef01234567');
    assert.deepEqual(idParse(idStringify(oid)!), oid);
  });
});
