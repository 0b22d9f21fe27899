// The ddp-explorer CLI against the demo server, in-process: examples/demo.ddp passes, a failed assertion exits 1
// with expected and actual, a file with syntax errors exits 2 with its line numbers and sends nothing, an
// unreachable server exits 2. One run goes through the built bin (dist/cli.js) in a child process.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { startDemoServer, type DemoServer } from '../demo/server';
import { main } from '../../src/cli/main';

const REPO = path.resolve(__dirname, '..', '..');
const DEMO = path.join(REPO, 'examples', 'demo.ddp');

async function cli(
  args: string[],
  cwd = REPO,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t), cwd, env });
  return { code, out, err };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function tempDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddp-cli-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('ddp-explorer run (CLI) against the demo server', () => {
  let demo: DemoServer;
  const dirs: string[] = [];
  before(async () => {
    demo = await startDemoServer({ port: 0, taskIntervalMs: 0, messageIntervalMs: 0, bigCount: 10 });
  });
  after(async () => {
    await demo.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  const dir = (files: Record<string, string>) => {
    const d = tempDir(files);
    dirs.push(d);
    return d;
  };

  it('examples/demo.ddp passes: every request, exit 0', async () => {
    const r = await cli(['run', DEMO, '--var', `url=${demo.url}`]);
    assert.equal(r.code, 0, r.out + r.err);
    const lines = r.out.split('\n').filter((l) => /^\s+[✓✗-] /.test(l));
    assert.equal(lines.length, 13, r.out);
    assert.ok(
      lines.every((l) => l.trim().startsWith('✓')),
      r.out,
    );
    assert.match(r.out, /13 passed, 0 failed, 0 skipped/);
    assert.ok(!r.out.includes('demo-password'), 'the password never shows');
    // It really talked to the server: the calls arrived with the variables filled in.
    const echo = demo.calls.find((c) => c.method === 'echo');
    assert.deepEqual(echo?.params.slice(0, 2), [5, 'sum: 5']);
  });

  it('a failed assertion exits 1 and shows the line, expected and actual', async () => {
    const d = dir({
      'x.ddp': `CONNECT ${demo.url}\n### Add\nCALL math.add [2, 2]\n> expect result == 5\n### Still runs\nCALL math.add [1, 1]\n> expect result == 2\n`,
    });
    const r = await cli(['run', 'x.ddp'], d);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /✗ Add \(\d+ ms\)\n\s+line 4: expect result == 5\n\s+expected: 5\n\s+actual: {3}4\n/);
    assert.match(r.out, /✓ Still runs/);
    assert.match(r.out, /1 passed, 1 failed, 0 skipped/);
  });

  it('a method error fails the request unless an assertion is about the error', async () => {
    const d = dir({
      'x.ddp': `CONNECT ${demo.url}\n### Fails\nCALL fail\n### Expected\nCALL fail\n> expect error.error == "demo-failure"\n`,
    });
    const r = await cli(['run', 'x.ddp'], d);
    assert.equal(r.code, 1);
    assert.match(r.out, /✗ Fails .*\n\s+This method always fails \(on purpose\) \[demo-failure\]/);
    assert.match(r.out, /✓ Expected/);
  });

  it('--bail skips the rest after the first failure', async () => {
    const d = dir({ 'x.ddp': `CONNECT ${demo.url}\n### One\nCALL fail\n### Two\nCALL math.add [1, 1]\n` });
    const before = demo.calls.length;
    const r = await cli(['run', 'x.ddp', '--bail'], d);
    assert.equal(r.code, 1);
    assert.match(r.out, /- Two \(skipped: Skipped after a failure \(--bail\)\)/);
    assert.deepEqual(
      demo.calls.slice(before).map((c) => c.method),
      ['fail'],
    );
  });

  it('bad syntax exits 2 with file:line for each problem, and sends nothing', async () => {
    const d = dir({
      'bad.ddp': `CONNECT ${demo.url}\nCALL echo [1,\n  2,,\n]\n> expect result === 1\nLOGIN onlyone\n`,
    });
    const before = demo.calls.length;
    const r = await cli(['run', 'bad.ddp'], d);
    assert.equal(r.code, 2);
    assert.match(r.out, /bad\.ddp:3: Invalid EJSON params/);
    assert.match(r.out, /bad\.ddp:5: Unknown operator "==="/);
    assert.match(r.out, /bad\.ddp:6: LOGIN expects a user/);
    assert.equal(demo.calls.length, before);
  });

  it('an unreachable server exits 2 with the reason', async () => {
    const port = await closedPort();
    const d = dir({ 'x.ddp': `CONNECT ws://127.0.0.1:${port}/websocket\nCALL math.add [1, 2]\n` });
    const r = await cli(['run', 'x.ddp'], d);
    assert.equal(r.code, 2);
    assert.match(r.out, new RegExp(`x\\.ddp: not run: .*ECONNREFUSED 127\\.0\\.0\\.1:${port}`));
    assert.match(r.out, /0 passed, 0 failed, 1 skipped, 1 file not run/);
  });

  it('a request without an answer fails after --timeout', async () => {
    const d = dir({ 'x.ddp': `CONNECT ${demo.url}\nCALL slow\n` });
    const r = await cli(['run', 'x.ddp', '--timeout', '200'], d);
    assert.equal(r.code, 1);
    assert.match(r.out, /No answer within 200 ms/);
  });

  it('--env reads ddpExplorer.environments from .vscode/settings.json; an unknown one is a usage error', async () => {
    const settings = `{\n  // comments are fine\n  "ddpExplorer.environments": { "$shared": { "a": 2 }, "local": { "url": "${demo.url}", "b": 3 } },\n}`;
    const d = dir({
      '.vscode/settings.json': settings,
      'x.ddp': 'CALL math.add [{{a}}, {{b}}]\n> expect result == 5\n',
    });
    const r = await cli(['run', 'x.ddp', '--env', 'local'], d);
    assert.equal(r.code, 0, r.out + r.err);
    const bad = await cli(['run', 'x.ddp', '--env', 'nope'], d);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /Unknown environment "nope": the environments are local/);
    const none = await cli(['run', 'x.ddp'], d);
    assert.equal(none.code, 2);
    assert.match(none.out, /No CONNECT line in the file and no "url" in the selected environment/);
  });

  it('usage errors exit 2: no files, a bad reporter, a bad timeout, a missing file', async () => {
    assert.equal((await cli(['run'])).code, 2);
    assert.equal((await cli(['run', DEMO, '--reporter', 'xml'])).code, 2);
    assert.equal((await cli(['run', DEMO, '--timeout', '-1'])).code, 2);
    const missing = await cli(['run', 'no-such-file.ddp']);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /Cannot read no-such-file\.ddp: ENOENT/);
    assert.equal((await cli(['frobnicate'])).code, 2);
  });

  it('tap and junit reporters', async () => {
    const d = dir({
      'x.ddp': `CONNECT ${demo.url}\n### Add <two>\nCALL math.add [2, 2]\n> expect result == 5\n### Ok\nLOGOUT\n`,
    });
    const tap = await cli(['run', 'x.ddp', '--reporter', 'tap'], d);
    assert.equal(tap.code, 1);
    assert.equal(
      tap.out,
      [
        'TAP version 14',
        'not ok 1 - x.ddp > Add <two>',
        '  ---',
        '  line: "4"',
        '  assertion: "result == 5"',
        '  expected: "5"',
        '  actual: "4"',
        '  ...',
        'ok 2 - x.ddp > Ok',
        '1..2',
        '',
      ].join('\n'),
    );
    const junit = await cli(['run', 'x.ddp', '--reporter', 'junit'], d);
    assert.equal(junit.code, 1);
    assert.match(junit.out, /<testsuites name="ddp-explorer" tests="2" failures="1" errors="0" skipped="0"/);
    assert.match(
      junit.out,
      /<testcase classname="x.ddp" name="Add &lt;two&gt;" time="[\d.]+">\n\s+<failure message="line 4: expect result == 5">/,
    );
  });

  it('the built bin (node dist/cli.js) runs the demo file', async () => {
    const bin = path.join(REPO, 'dist', 'cli.js');
    assert.ok(fs.existsSync(bin), 'npm run build makes dist/cli.js');
    assert.match(fs.readFileSync(bin, 'utf8').split('\n')[0], /^#!\/usr\/bin\/env node/);
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      execFile(
        process.execPath,
        [bin, 'run', 'examples/demo.ddp', '--var', `url=${demo.url}`, '--reporter', 'tap'],
        { cwd: REPO },
        (error, stdout) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout }),
      );
    });
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^1\.\.13$/m);
  });
});
