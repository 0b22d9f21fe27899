// The library as a package people install: `npm run pack:lib` makes the tarball, which is installed into a
// scratch project outside this repository. There a strict TypeScript program is type-checked against the
// installed package's own types (with this project's tsc) and run against the demo server: it connects, calls
// a method, subscribes, sees the documents, closes and must exit by itself. A second program misuses the API
// and must not type-check, so types that went missing or turned `any` fail the test too.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { builtinModules } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startDemoServer, type DemoServer } from '../demo/server';

const ROOT = path.resolve(__dirname, '..', '..');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const PACKAGE_DIR = path.join(ROOT, 'dist', 'client-package');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (killed after `timeout` ms); never rejects, so tests can assert on failures. */
function run(
  command: string,
  args: string[],
  options: { cwd: string; timeout: number; env?: NodeJS.ProcessEnv },
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { ...options, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

function describeRun(what: string, r: Run): string {
  return `${what} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

/** The environment without what `npm test` set for its own run (prefixes, package fields, lifecycle). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...extra };
}

const SCRATCH_FILES: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'scratch-ddp-user', version: '1.0.0', private: true }, null, 2),
  // A user's strict setup for Node: no DOM, the library's types checked too (no skipLibCheck).
  'tsconfig.json': JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        lib: ['ES2022'],
        types: ['node'],
        typeRoots: [path.join(ROOT, 'node_modules', '@types')],
        strict: true,
        skipLibCheck: false,
        outDir: 'out',
      },
      files: ['main.mts'],
    },
    null,
    2,
  ),
  'tsconfig.misuse.json': JSON.stringify({
    extends: './tsconfig.json',
    compilerOptions: { noEmit: true },
    files: ['misuse.mts'],
  }),
  'main.mts': `import { DdpClient, DdpError, type Fields } from 'ddp-explorer-client';

const url = process.env.DDP_URL;
if (url === undefined) throw new Error('DDP_URL is not set');

const client = new DdpClient(url, { autoReconnect: false, connectTimeout: 5000 });
const added: string[] = [];
client.on('added', (collection: string, id: string, fields: Fields) => {
  if (collection === 'tasks' && typeof fields.title === 'string') added.push(id);
});

await client.connect();
const sum: unknown = await client.call('math.add', [2, 3]);
await new Promise<void>((resolve, reject) => {
  client.subscribe('tasks', [], (error?: Error) => (error ? reject(error) : resolve()));
});
const tasks: ReadonlyMap<string, Fields> = client.collections.get('tasks') ?? new Map();
const first: Fields | undefined = tasks.values().next().value;

let failure: string | number | undefined;
try {
  await client.call('fail');
} catch (err) {
  if (err instanceof DdpError) failure = err.error;
}
client.close();
console.log(JSON.stringify({
  version: client.version,
  sum,
  tasks: tasks.size,
  added: added.length,
  titleIsText: typeof first?.title === 'string',
  createdAtIsDate: first?.createdAt instanceof Date,
  failure,
  status: client.status,
}));
`,
  // The ids of documents are strings; a listener that wants a number must be refused.
  'misuse.mts': `import { DdpClient } from 'ddp-explorer-client';

const client = new DdpClient('ws://127.0.0.1:1/websocket');
client.on('added', (collection: string, id: number) => console.log(collection, id + 1));
`,
};
const MISUSE_LINE = 4;

let scratch = '';
let demo: DemoServer | undefined;
let installed = '';

before(async () => {
  const packed = await run('npm', ['run', 'pack:lib'], { cwd: ROOT, timeout: 120_000, env: cleanEnv() });
  assert.equal(packed.code, 0, describeRun('npm run pack:lib', packed));
  const manifest = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  const tarball = path.join(ROOT, 'dist', `${manifest.name}-${manifest.version}.tgz`);
  assert.ok(fs.existsSync(tarball), `npm run pack:lib made no ${tarball}`);

  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ddp-lib-user-'));
  for (const [name, text] of Object.entries(SCRATCH_FILES)) fs.writeFileSync(path.join(scratch, name), text);
  // ws and ejson come from the npm cache when `npm ci` has run; the registry is asked only on a cache miss.
  const install = await run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball],
    {
      cwd: scratch,
      timeout: 180_000,
      env: cleanEnv(),
    },
  );
  assert.equal(install.code, 0, describeRun('npm install <tarball>', install));
  installed = path.join(scratch, 'node_modules', manifest.name);

  demo = await startDemoServer({ port: 0, taskIntervalMs: 0, messageIntervalMs: 0, bigCount: 10 });
});

after(async () => {
  await demo?.stop();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

test('the tarball holds one bundle, one .d.ts and a manifest with exports, types and only ws and ejson', () => {
  const files = fs.readdirSync(installed).sort();
  assert.deepEqual(files, ['README.md', 'index.d.ts', 'index.js', 'index.js.map', 'package.json']);
  const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
  assert.deepEqual(Object.keys(manifest.dependencies).sort(), ['ejson', 'ws']);
  assert.equal(manifest.types, './index.d.ts');
  assert.deepEqual(manifest.exports['.'], { types: './index.d.ts', default: './index.js' });

  // The bundle loads nothing but Node's modules and its two dependencies.
  const js = fs.readFileSync(path.join(installed, 'index.js'), 'utf8');
  const required = new Set([...js.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]));
  const allowed = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'ws', 'ejson']);
  assert.deepEqual(
    [...required].filter((m) => !allowed.has(m)),
    [],
  );
  assert.ok(required.has('ws') && required.has('ejson'), 'ws and ejson are left to the installed dependencies');

  // One declaration file that needs nothing but @types/node: no path back into this repository, no @types/ws.
  const dts = fs.readFileSync(path.join(installed, 'index.d.ts'), 'utf8');
  const imported = [...dts.matchAll(/\bfrom '([^']+)'|\bimport\('([^']+)'\)/g)].map((m) => m[1] ?? m[2]);
  assert.ok(imported.length > 0, 'index.d.ts imports EventEmitter from Node');
  assert.deepEqual(
    imported.filter((m) => !allowed.has(m) || m === 'ws' || m === 'ejson'),
    [],
  );
  // Typed events without declaration merging: the client extends Node's generic EventEmitter through SafeEmitter.
  assert.match(dts, /declare class DdpClient extends SafeEmitter/);
  assert.match(dts, /declare abstract class SafeEmitter extends EventEmitter<\w+>/);
});

test('a strict TypeScript program type-checks against the installed types and runs against the demo server', async () => {
  const checked = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: scratch, timeout: 60_000 });
  assert.equal(checked.code, 0, describeRun('tsc', checked));

  const ran = await run(process.execPath, ['out/main.mjs'], {
    cwd: scratch,
    timeout: 30_000,
    env: cleanEnv({ DDP_URL: demo!.url }),
  });
  assert.equal(ran.code, 0, describeRun('node out/main.mjs', ran));
  const report = JSON.parse(ran.stdout.trim().split('\n').at(-1) ?? '');
  const taskCount = demo!.data.tasks.docs.size;
  assert.ok(taskCount > 0);
  assert.deepEqual(report, {
    version: '1',
    sum: 5,
    tasks: taskCount,
    added: taskCount,
    titleIsText: true,
    createdAtIsDate: true,
    failure: 'demo-failure',
    status: 'closed',
  });
});

test('a program that misuses the API does not type-check', async () => {
  const checked = await run(process.execPath, [TSC, '-p', 'tsconfig.misuse.json'], { cwd: scratch, timeout: 60_000 });
  assert.notEqual(checked.code, 0, describeRun('tsc on the misuse', checked));
  const errors = checked.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
  assert.equal(errors.length, 1, describeRun('tsc on the misuse', checked));
  assert.match(errors[0], new RegExp(`^misuse\\.mts\\(${MISUSE_LINE},\\d+\\): error TS2345:`));
});

test("the package's README has the reference, and its TypeScript example type-checks against the types", async () => {
  const readme = fs.readFileSync(path.join(installed, 'README.md'), 'utf8');
  for (const heading of ['## Install', '## Use', '## Reference', '### Options', '### Events']) {
    assert.ok(readme.includes(`\n${heading}`), `README.md lacks ${heading}`);
  }
  const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(example, 'README.md has a ```ts example');
  fs.writeFileSync(path.join(scratch, 'readme.mts'), example);
  fs.writeFileSync(
    path.join(scratch, 'tsconfig.readme.json'),
    JSON.stringify({ extends: './tsconfig.json', compilerOptions: { noEmit: true }, files: ['readme.mts'] }),
  );
  const checked = await run(process.execPath, [TSC, '-p', 'tsconfig.readme.json'], { cwd: scratch, timeout: 60_000 });
  assert.equal(checked.code, 0, describeRun("tsc on the README's example", checked));
});

test('CommonJS users require it; files outside `exports` stay private', async () => {
  const script = `
    const lib = require('ddp-explorer-client');
    if (typeof lib.DdpClient !== 'function' || typeof lib.DdpError !== 'function') throw new Error('exports missing');
    try { require('ddp-explorer-client/index.js'); throw new Error('deep import allowed'); }
    catch (err) { if (err.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw err; }
  `;
  const ran = await run(process.execPath, ['-e', script], { cwd: scratch, timeout: 30_000 });
  assert.equal(ran.code, 0, describeRun('node -e require', ran));
});

test('the installed package tunnels through HTTP_PROXY on its own, and DEBUG=* prints no proxy credentials', async () => {
  const { startConnectProxy } = await import('../support/connectProxy');
  const proxy = await startConnectProxy({ auth: { user: 'pkg-user', password: 'pkg-s3cret' } });
  try {
    const script = `
      const { DdpClient } = require('ddp-explorer-client');
      const client = new DdpClient(process.env.DDP_URL, { autoReconnect: false, connectTimeout: 5000 });
      client.connect().then(() => client.call('math.add', [1, 2])).then((sum) => {
        console.log(JSON.stringify({ sum }));
        client.close();
      });
    `;
    const ran = await run(process.execPath, ['-e', script], {
      cwd: scratch,
      timeout: 30_000,
      env: cleanEnv({
        DDP_URL: demo!.url,
        HTTP_PROXY: proxy.url.replace('//', '//pkg-user:pkg-s3cret@'),
        DEBUG: '*',
        NODE_DEBUG: '',
      }),
    });
    assert.equal(ran.code, 0, describeRun('node -e through the proxy', ran));
    assert.deepEqual(JSON.parse(ran.stdout.trim()), { sum: 3 });
    assert.equal(proxy.tunnels, 1, 'the connection went through the proxy');
    assert.ok(!`${ran.stdout}${ran.stderr}`.includes('pkg-s3cret'), describeRun('node -e', ran));
  } finally {
    await proxy.stop();
  }
});
