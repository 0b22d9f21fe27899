// Query history per server and collection (the params history's rules: nothing secret-looking is ever kept) and the
// text of "Open Results as JSON".
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_COLLECTIONS,
  MAX_QUERIES,
  historyKey,
  readQueryHistory,
  recentQueries,
  rememberQuery,
} from '../../src/core/query/history';
import { parseJsonc } from './query-helpers';
import { resultsText } from '../../src/presentation/queryResults';

const key = historyKey('ws://127.0.0.1:3000/websocket', 'tasks');

describe('query history', () => {
  test('newest first, without duplicates, per server and collection', () => {
    let h = rememberQuery({}, key, '{done: true}')!;
    h = rememberQuery(h, key, ' {done: false} ')!;
    h = rememberQuery(h, key, '{done: true}')!;
    assert.deepEqual(recentQueries(h, key), ['{done: true}', '{done: false}']);
    assert.equal(rememberQuery(h, key, '{done: true}'), undefined, 'nothing changes');
    assert.deepEqual(recentQueries(h, historyKey('ws://other/websocket', 'tasks')), []);
    for (let i = 0; i < 20; i++) h = rememberQuery(h, key, `{n: ${i}}`)!;
    assert.equal(recentQueries(h, key).length, MAX_QUERIES);
  });

  test('queries with secret-looking keys, invalid queries and plain text are never kept', () => {
    for (const text of [
      "{'services.resume.loginTokens.hashedToken': 'abc'}",
      "{password: 'hunter2'}",
      '{profile: {apiKey: {$exists: true}}}',
      '{}, {fields: {token: 1}}',
      '{a: {$foo: 1}}',
      'plain text',
    ])
      assert.equal(rememberQuery({}, key, text), undefined, text);
  });

  test('a stored history is read defensively: malformed, invalid and secret entries are dropped', () => {
    const { history, dropped } = readQueryHistory({
      [key]: ['{done: true}', 42, "{password: 'x'}", '{a: {$foo: 1}}'],
      other: 'not a list',
    });
    assert.deepEqual(history, { [key]: ['{done: true}'] });
    assert.equal(dropped, true);
    assert.deepEqual(readQueryHistory(undefined), { history: {}, dropped: false });
    assert.deepEqual(readQueryHistory([1]), { history: {}, dropped: true });
  });

  test('at most MAX_COLLECTIONS collections: the least recently used go', () => {
    let h = {};
    for (let i = 0; i <= MAX_COLLECTIONS; i++) h = rememberQuery(h, historyKey('u', `c${i}`), '{a: 1}')!;
    assert.equal(Object.keys(h).length, MAX_COLLECTIONS);
    assert.equal(recentQueries(h, historyKey('u', 'c0')).length, 0);
    assert.equal(recentQueries(h, historyKey('u', `c${MAX_COLLECTIONS}`)).length, 1);
  });
});

describe('Open Results as JSON', () => {
  test('a count line, the query, then the documents as exact EJSON in order', () => {
    const text = resultsText({
      connection: 'local',
      collection: 'tasks',
      filter: '{done: false}, {sort: {priority: -1}}',
      total: 12_345,
      matched: 2_000,
      docs: [
        { id: 't2', fields: { priority: 3, at: new Date(0) } },
        { id: 't1', fields: { priority: 1, bin: new Uint8Array([1, 2]) } },
      ],
      at: Date.UTC(2026, 0, 1, 12, 1, 2),
    });
    const lines = text.split('\n');
    assert.equal(lines[0], '// 2 of 2,000 matching documents in "tasks" on "local" (12,345 documents in all)');
    assert.equal(lines[1], '// Query: {done: false}, {sort: {priority: -1}}');
    assert.match(lines[2], /^\/\/ A snapshot taken at \d\d:\d\d:\d\d/);
    assert.deepEqual(parseJsonc(text), [
      { _id: 't2', priority: 3, at: { $date: 0 } },
      { _id: 't1', priority: 1, bin: { $binary: 'AQI=' } },
    ]);
  });

  test('a server name cannot end the comment line', () => {
    const text = resultsText({
      connection: 'evil\n]; "x',
      collection: 'c\r\nd',
      filter: '',
      total: 0,
      matched: 0,
      docs: [],
      at: 0,
    });
    assert.equal(
      text
        .split('\n')
        .filter((l) => !l.startsWith('//'))
        .join('\n'),
      '[]\n',
    );
  });
});
