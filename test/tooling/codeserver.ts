// Shared helpers for running the extension in code-server (VS Code in the browser): install (cached),
// package the .vsix, install it into a fresh profile, start and stop code-server. Used by `npm start`
// (test/demo/start.ts) and the end-to-end tests (test/e2e/run.ts).
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');
export const CACHE_DIR =
  process.env.DDP_EXPLORER_CACHE ??
  path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'ddp-explorer');

/** Installs code-server into the cache on first use (progress on stderr) and returns its launcher path. */
export function ensureCodeServer(): string {
  const script = path.join(__dirname, 'install-code-server.sh');
  const res = spawnSync('bash', [script], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, DDP_EXPLORER_CACHE: CACHE_DIR },
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`installing code-server failed (exit ${res.status}); see the log above`);
  const launcher = res.stdout.trim().split('\n').pop()!;
  if (!fs.existsSync(launcher)) throw new Error(`code-server launcher not found: ${launcher}`);
  return launcher;
}

export function readPackageJson(): { name: string; version: string; publisher: string } {
  return JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
}

/** Path of the .vsix `npm run package` makes. */
export function vsixPath(): string {
  const pkg = readPackageJson();
  return path.join(REPO, `${pkg.name}-${pkg.version}.vsix`);
}

/** Runs `npm run package` (build + vsce package) and returns the .vsix path. */
export function packageVsix(quiet = false): string {
  const res = spawnSync('npm', ['run', '--silent', 'package'], {
    cwd: REPO,
    stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    encoding: 'utf8',
  });
  if (res.status !== 0) {
    if (quiet) process.stderr.write(`${res.stdout ?? ''}${res.stderr ?? ''}`);
    throw new Error(`npm run package failed (exit ${res.status})`);
  }
  const vsix = vsixPath();
  if (!fs.existsSync(vsix)) throw new Error(`expected ${vsix} after npm run package`);
  return vsix;
}

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/** `preferred` or the next free port (or any free port when preferred is 0). */
export async function freePort(preferred = 0, host = '127.0.0.1'): Promise<number> {
  if (preferred > 0) {
    for (let p = preferred; p < preferred + 50; p++) if (await isPortFree(p, host)) return p;
  }
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export const CLEAN_WINDOW_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'window.commandCenter': false,
  'remote.autoForwardPorts': false,
};

export interface Profile {
  root: string;
  userDataDir: string;
  extensionsDir: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Makes (or reuses) a code-server profile under `root`: user-data and extension folders, and its own
 * XDG_CONFIG_HOME / XDG_DATA_HOME / TMPDIR so code-server writes nothing into $HOME or /tmp.
 * `settings` are merged over the clean-window settings into User/settings.json.
 */
export function makeProfile(root: string, settings: Record<string, unknown> = {}, fresh = true): Profile {
  if (fresh) fs.rmSync(root, { recursive: true, force: true });
  const p: Profile = {
    root,
    userDataDir: path.join(root, 'user-data'),
    extensionsDir: path.join(root, 'extensions'),
    env: {
      ...process.env,
      XDG_CONFIG_HOME: path.join(root, 'xdg-config'),
      XDG_DATA_HOME: path.join(root, 'xdg-data'),
      TMPDIR: path.join(root, 'tmp'),
    },
  };
  for (const d of [p.userDataDir, p.extensionsDir, p.env.XDG_CONFIG_HOME!, p.env.XDG_DATA_HOME!, p.env.TMPDIR!]) {
    fs.mkdirSync(d, { recursive: true });
  }
  // Never hand code-server's Node 24 the Node 20 options of the caller (tsx loader etc.).
  delete p.env.NODE_OPTIONS;
  delete p.env.npm_config_nodedir;
  writeUserSettings(p, settings);
  return p;
}

export function writeUserSettings(p: Profile, settings: Record<string, unknown>): void {
  const dir = path.join(p.userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ ...CLEAN_WINDOW_SETTINGS, ...settings }, null, 2));
}

/** Installs a .vsix into the profile (about a second). */
export function installVsix(launcher: string, p: Profile, vsix: string): void {
  const res = spawnSync(
    launcher,
    [
      '--config',
      '/dev/null',
      '--user-data-dir',
      p.userDataDir,
      '--extensions-dir',
      p.extensionsDir,
      '--install-extension',
      vsix,
      '--force',
    ],
    { env: p.env, encoding: 'utf8', timeout: 120_000 },
  );
  if (res.status !== 0 || !/successfully installed/i.test(`${res.stdout}${res.stderr}`)) {
    throw new Error(`installing ${path.basename(vsix)} into code-server failed:\n${res.stdout}\n${res.stderr}`);
  }
}

export interface RunningCodeServer {
  port: number;
  url: string;
  /** Workbench URL opening `folder`. */
  folderUrl(folder: string): string;
  process: ChildProcess;
  /** Output code-server printed (for diagnosis). */
  log(): string;
  stop(): Promise<void>;
}

/** Starts code-server on 127.0.0.1:`port` with no auth and waits until /healthz answers (bounded). */
export async function startCodeServer(
  launcher: string,
  p: Profile,
  port: number,
  opts: { timeoutMs?: number; echo?: boolean } = {},
): Promise<RunningCodeServer> {
  const args = [
    '--config',
    '/dev/null',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir',
    p.userDataDir,
    '--extensions-dir',
    p.extensionsDir,
  ];
  // Its own process group, so stop() ends code-server and every process it started.
  const child = spawn(launcher, args, { env: p.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const onData = (d: Buffer) => {
    output += d.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
    if (opts.echo) process.stderr.write(d);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const killGroup = () => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
  };
  process.once('exit', killGroup);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`code-server exited (${child.exitCode}) before it was ready:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      killGroup();
      throw new Error(`code-server did not answer /healthz within ${opts.timeoutMs ?? 60_000} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    port,
    url,
    process: child,
    folderUrl: (folder: string) => `${url}/?folder=${encodeURIComponent(folder)}`,
    log: () => output,
    async stop() {
      process.off('exit', killGroup);
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup();
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
