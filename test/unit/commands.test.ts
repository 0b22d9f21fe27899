// The command ids in src/presentation/commands.ts against package.json (what VS Code shows) and the code (what runs):
// a command contributed without a handler, a menu naming a missing command or an id typed out by hand fails here.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS } from '../../src/presentation/commands';

const REPO = path.resolve(__dirname, '..', '..');

interface MenuEntry {
  command?: string;
  submenu?: string;
  when?: string;
}
interface Contributes {
  commands: Array<{ command: string; title: string }>;
  menus: Record<string, MenuEntry[]>;
  views: Record<string, Array<{ id: string }>>;
  viewsWelcome?: Array<{ view: string; contents: string }>;
}

const contributes = (
  JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { contributes: Contributes }
).contributes;
const ids = new Set<string>(Object.values(COMMANDS));

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

describe('command ids', () => {
  test('the map and package.json contributes.commands list the same commands', () => {
    const contributed = contributes.commands.map((c) => c.command);
    assert.equal(new Set(contributed).size, contributed.length, 'a command contributed twice');
    assert.deepEqual([...contributed].sort(), [...ids].sort());
  });

  test('every menu entry and welcome link names a command of the map, in a view that exists', () => {
    const views = new Set(Object.values(contributes.views).flatMap((list) => list.map((v) => v.id)));
    for (const [menu, entries] of Object.entries(contributes.menus)) {
      for (const entry of entries) {
        if (entry.command !== undefined) assert.ok(ids.has(entry.command), `${menu}: unknown command ${entry.command}`);
        for (const [, view] of (entry.when ?? '').matchAll(/\bview == ([\w.-]+)/g))
          assert.ok(views.has(view), `${menu}: unknown view ${view}`);
      }
    }
    for (const welcome of contributes.viewsWelcome ?? []) {
      assert.ok(views.has(welcome.view), `viewsWelcome: unknown view ${welcome.view}`);
      for (const [, id] of welcome.contents.matchAll(/\(command:(ddpExplorer\.[\w.]+)/g))
        assert.ok(ids.has(id), `viewsWelcome: unknown command ${id}`);
    }
  });

  test('every command of the map is registered, through the map', () => {
    const code = sourceFiles(path.join(REPO, 'src', 'vscode'))
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('\n');
    for (const [name, id] of Object.entries(COMMANDS)) {
      assert.ok(code.includes(`register(ctx, COMMANDS.${name},`), `${id} has no register(ctx, COMMANDS.${name}, …)`);
    }
  });

  test('no command id is spelled out in src outside the map', () => {
    const map = path.join(REPO, 'src', 'presentation', 'commands.ts');
    const spelled: string[] = [];
    for (const file of sourceFiles(path.join(REPO, 'src'))) {
      if (file === map) continue;
      for (const [literal] of fs.readFileSync(file, 'utf8').matchAll(/['"`]ddpExplorer\.\w+['"`]/g)) {
        if (ids.has(literal.slice(1, -1))) spelled.push(`${path.relative(REPO, file)}: ${literal}`);
      }
    }
    assert.deepEqual(spelled, []);
  });
});
