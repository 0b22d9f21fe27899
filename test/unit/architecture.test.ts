// The layers are folders and their direction is enforced: dependency-cruiser reads every import in src and checks
// it against .dependency-cruiser.cjs (vscode only in src/vscode, protocol -> core -> presentation -> adapter, no
// cycles). A second run over a small tree of deliberate mistakes proves each rule still bites.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ICruiseResult } from 'dependency-cruiser';

const REPO = path.resolve(__dirname, '..', '..');

const config = require(path.join(REPO, '.dependency-cruiser.cjs')) as { forbidden: unknown[]; options: object };

async function violations(root: string, tsConfig?: string): Promise<string[]> {
  // dependency-cruiser is ESM only; test files run as CommonJS.
  const { cruise } = await import('dependency-cruiser');
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const result = await cruise(['src'], {
      ...config.options,
      ruleSet: { forbidden: config.forbidden } as never,
      validate: true,
      tsConfig: tsConfig ? { fileName: tsConfig } : undefined,
    });
    const output = result.output as ICruiseResult;
    return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
  } finally {
    process.chdir(cwd);
  }
}

describe('architecture: the layers in src', () => {
  it('every import in src points down the layers, vscode only in the adapter, no cycles', async () => {
    const found = await violations(REPO, 'tsconfig.json');
    assert.deepEqual(found, [], `import rules broken:\n${found.join('\n')}`);
  });

  it('every source file lives in one of the four layer folders, the CLI or a webview bundle', () => {
    const stray: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (!/^src\/(ddp|core|presentation|vscode|cli|webview)\//.test(path.relative(REPO, full)))
          stray.push(full);
      }
    };
    walk(path.join(REPO, 'src'));
    assert.deepEqual(stray, []);
  });

  it('the rules catch each kind of mistake (a tree built to break them)', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ddp-layers-'));
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    };
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    fs.writeFileSync(
      path.join(root, 'package.json'),
      JSON.stringify({ name: 'x', devDependencies: { '@types/vscode': '*' } }),
    );
    write('src/ddp/a.ts', "import { b } from '../core/b';\nexport const a = b;\n");
    write('src/core/b.ts', "import { c } from '../presentation/c';\nexport const b = c;\n");
    write(
      'src/presentation/c.ts',
      "import * as vscode from 'vscode';\nimport { d } from '../vscode/d';\nexport const c = [vscode, d];\n",
    );
    write('src/vscode/d.ts', 'export const d = 1;\n');
    write('src/core/e.ts', "import { f } from './f';\nexport const e = f;\n");
    write('src/core/f.ts', "import { e } from './e';\nexport const f = () => e;\n");
    write('src/cli/g.ts', "import { d } from '../vscode/d';\nexport const g = d;\n");
    write('src/vscode/h.ts', "import { g } from '../cli/g';\nexport const h = g;\n");
    write(
      'src/webview/w.ts',
      "import { b } from '../core/b';\nimport * as fs from 'node:fs';\nexport const w = [b, fs];\n",
    );
    write('src/vscode/v.ts', "import { w } from '../webview/w';\nexport const v = w;\n");
    // The library may use its own dependencies and the proxy agents, nothing else from npm.
    write(
      'src/ddp/p.ts',
      "import WebSocket from 'ws';\nimport { HttpsProxyAgent } from 'https-proxy-agent';\nexport const p = [WebSocket, HttpsProxyAgent];\n",
    );
    write('src/ddp/q.ts', "import { Command } from 'commander';\nexport const q = Command;\n");
    try {
      const all = await violations(root);
      const found = all.map((v) => v.split(':')[0]);
      for (const rule of [
        'protocol-stands-alone',
        'core-below-presentation',
        'presentation-below-adapter',
        'vscode-only-in-adapter',
        'no-circular',
        'cli-beside-adapter',
        'nothing-imports-the-cli',
        'webview-uses-presentation-only',
        'nothing-imports-webview',
        'webview-without-node',
        'protocol-depends-on-ws-ejson-and-proxy-agents-only',
      ]) {
        assert.ok(found.includes(rule), `rule ${rule} did not fire; found: ${found.join(', ')}`);
      }
      const npm = all.filter((v) => v.startsWith('protocol-depends-on-'));
      assert.ok(
        npm.length > 0 && npm.every((v) => v.includes('src/ddp/q.ts')),
        `only q.ts (commander) breaks the npm rule, not ws or the proxy agent: ${npm.join(', ')}`,
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
