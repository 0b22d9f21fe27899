// Where a saved connection keeps its login (src/core/resumeTokens.ts): keys, the move from the name + URL key of
// earlier versions, masking, and nothing kept for ad-hoc connections.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ResumeTokens, type TokenOwner, type TokenStore } from '../../src/core/resumeTokens';

class MemoryStore implements TokenStore {
  map = new Map<string, string>();
  get(k: string) {
    return Promise.resolve(this.map.get(k));
  }
  store(k: string, v: string) {
    this.map.set(k, v);
    return Promise.resolve();
  }
  delete(k: string) {
    this.map.delete(k);
    return Promise.resolve();
  }
}

function owner(
  saved: boolean,
  id?: string,
  assign?: string,
): TokenOwner & { id?: string; secrets: string[]; assigned: number } {
  const o = {
    saved,
    id,
    secrets: [] as string[],
    assigned: 0,
    identity: () => ({ id: o.id, name: 'prod', url: 'ws://h/websocket' }),
    ensureId: () => {
      o.assigned++;
      if (o.id === undefined && assign) o.id = assign;
      return Promise.resolve(o.id);
    },
    secret: (v: string) => void o.secrets.push(v),
  };
  return o;
}

describe('resume tokens (resumeTokens.ts)', () => {
  test('the key is the stable id; without one, the name + URL key of earlier versions', () => {
    assert.equal(new ResumeTokens(owner(true, 'abc'), new MemoryStore()).key, 'ddpExplorer.login:abc');
    const legacy = new ResumeTokens(owner(true), new MemoryStore());
    assert.equal(legacy.key, 'ddpExplorer.resumeToken:prod:ws://h/websocket');
    assert.equal(legacy.key, legacy.legacyKey);
  });

  test('a login stored under the legacy key moves under the new id on read, and is masked', async () => {
    const store = new MemoryStore();
    const o = owner(true, undefined, 'id-1');
    const tokens = new ResumeTokens(o, store);
    store.map.set(tokens.legacyKey, 'tok');
    assert.equal(await tokens.read(), 'tok');
    assert.deepEqual([...store.map], [['ddpExplorer.login:id-1', 'tok']]);
    assert.deepEqual(o.secrets, ['tok']);
  });

  test('ad-hoc connections keep nothing: no read, no store', async () => {
    const store = new MemoryStore();
    const tokens = new ResumeTokens(owner(false, 'x'), store);
    store.map.set(tokens.key, 'tok');
    assert.equal(tokens.enabled, false);
    assert.equal(await tokens.read(), undefined);
    await tokens.store('new');
    assert.equal(store.map.get(tokens.key), 'tok');
  });

  test('store gives the connection its id only when asked (a password login)', async () => {
    const store = new MemoryStore();
    const o = owner(true, undefined, 'id-9');
    const tokens = new ResumeTokens(o, store);
    await tokens.store('t1');
    assert.equal(o.assigned, 0);
    assert.equal(store.map.get(tokens.legacyKey), 't1');
    await tokens.store('t2', { assignId: true });
    assert.equal(o.assigned, 1);
    assert.equal(store.map.get('ddpExplorer.login:id-9'), 't2');
    assert.deepEqual(o.secrets, ['t1', 't2']);
  });

  test('forget deletes the login under both keys; a failing store is not an error', async () => {
    const store = new MemoryStore();
    const tokens = new ResumeTokens(owner(true, 'id-2'), store);
    store.map.set(tokens.key, 'a');
    store.map.set(tokens.legacyKey, 'b');
    await tokens.forget();
    assert.equal(store.map.size, 0);
    const broken: TokenStore = {
      get: async () => Promise.reject(new Error('x')),
      store: async () => {},
      delete: async () => Promise.reject(new Error('x')),
    };
    const t2 = new ResumeTokens(owner(true, 'id-3'), broken);
    assert.equal(await t2.read(), undefined);
    await t2.forget();
  });
});
