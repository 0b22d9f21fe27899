// `npm start`: starts the demo DDP server and opens VS Code with DDP Explorer and a saved connection
// "Local demo" pointing at it.
//   - `code` on PATH: `code --extensionDevelopmentPath=<repo> <demo workspace>`.
//   - otherwise (headless box): code-server, installed into a cache on first use, with the freshly packaged
//     .vsix installed; prints the URL to open.
// `npm start -- --server-only` starts only the demo server; `--rocket-chat` also a Rocket.Chat-shaped server on the
// next port (streams, two-factor); `--sockjs` starts the demo server with WebSockets disabled (Meteor's
// DISABLE_WEBSOCKETS=1): DDP over SockJS only. Ctrl+C stops everything this started.
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeDemo, startDemoServer, DemoServer } from './server';
import { startRocketChatDemo } from './rocketChat';
import {
  CACHE_DIR,
  REPO,
  ensureCodeServer,
  freePort,
  installVsix,
  makeProfile,
  packageVsix,
  startCodeServer,
  RunningCodeServer,
} from '../tooling/codeserver';

const argv = process.argv.slice(2);
const serverOnly = argv.includes('--server-only');
const sockJsOnly = argv.includes('--sockjs');
const demoName = sockJsOnly ? 'Local demo (SockJS)' : 'Local demo';
const forceCodeServer = argv.includes('--code-server') || process.env.DDP_EXPLORER_USE_CODE_SERVER === '1';
const portArg = argv.indexOf('--port');
const demoPort = portArg >= 0 ? Number(argv[portArg + 1]) : Number(process.env.PORT ?? 3000);

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function writeDemoWorkspace(url: string): string {
  const dir = path.join(CACHE_DIR, 'demo-workspace');
  fs.mkdirSync(path.join(dir, '.vscode'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, '.vscode', 'settings.json'),
    JSON.stringify({ 'ddpExplorer.connections': [{ name: demoName, url }] }, null, 2),
  );
  fs.writeFileSync(
    path.join(dir, 'README.md'),
    [
      '# DDP Explorer demo',
      '',
      `The demo DDP server runs at \`${url}\`. Open the **DDP** view in the activity bar and connect to "Local demo".`,
      '',
      '- Subscribe to `tasks` (changes every 1.5 s), `messages` (a new one every 3 s) or `big` (20,000 documents).',
      '- Call `math.add` with `[2, 3]`, `slow` (2 s) or `fail` (always throws).',
      '- Log in as `demo` / `demo-password`, then subscribe to `me`.',
      '',
    ].join('\n'),
  );
  return dir;
}

async function main(): Promise<void> {
  const cleanups: Array<() => Promise<void> | void> = [];
  let stopping = false;
  const stopAll = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping...');
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch (err) {
        console.error(err);
      }
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  process.on('SIGHUP', () => void stopAll(0));

  const server: DemoServer = await startDemoServer({
    port: Number.isFinite(demoPort) ? demoPort : 3000,
    disableWebsockets: sockJsOnly,
  });
  cleanups.push(() => server.stop());
  console.log(describeDemo(server));
  if (argv.includes('--rocket-chat'))
    cleanups.push(await startRocketChatDemo(Number.isFinite(demoPort) && demoPort > 0 ? demoPort + 1 : 0));
  if (serverOnly) {
    console.log('\nServer only. Press Ctrl+C to stop.');
    return;
  }

  const workspace = writeDemoWorkspace(server.url);
  const connections = [{ name: demoName, url: server.url }];

  if (onPath('code') && !forceCodeServer) {
    console.log(`\nOpening VS Code with the extension from ${REPO} on ${workspace} ...`);
    // --wait keeps the CLI attached until the window closes, so Ctrl+C / closing the window ends the demo.
    const child: ChildProcess = spawn(
      'code',
      ['--new-window', '--wait', `--extensionDevelopmentPath=${REPO}`, workspace],
      { stdio: 'inherit' },
    );
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGTERM');
    });
    child.on('exit', () => void stopAll(0));
    console.log('Press Ctrl+C to stop the demo server.');
    return;
  }

  console.log('\n`code` is not on PATH: using code-server (VS Code in the browser).');
  const launcher = ensureCodeServer();
  console.log('Packaging the extension (.vsix) ...');
  const vsix = packageVsix(true);
  const profile = makeProfile(path.join(CACHE_DIR, 'start-profile'), { 'ddpExplorer.connections': connections }, true);
  installVsix(launcher, profile, vsix);
  console.log(`Installed ${path.basename(vsix)} into code-server.`);
  const port = await freePort(Number(process.env.CODE_SERVER_PORT ?? 8080));
  let cs: RunningCodeServer;
  try {
    cs = await startCodeServer(launcher, profile, port);
  } catch (err) {
    console.error(String(err));
    await stopAll(1);
    return;
  }
  cleanups.push(() => cs.stop());
  cs.process.on('exit', (code) => {
    if (!stopping) {
      console.error(`code-server exited (${code}).\n${cs.log().slice(-3000)}`);
      void stopAll(1);
    }
  });
  console.log('\n' + '='.repeat(72));
  console.log(`  Open VS Code in your browser:  ${cs.folderUrl(workspace)}`);
  console.log('  Then click the DDP icon in the activity bar; "Local demo" is saved there.');
  console.log('  Press Ctrl+C to stop code-server and the demo server.');
  console.log('='.repeat(72));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
