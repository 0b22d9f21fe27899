// `ddp-explorer run`: parses each file, runs it on a DdpClient of its own and reports. Exit code 0 when every
// request passed, 1 when a request or an assertion failed, 2 on usage errors, files with problems and
// connection errors.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DdpClient } from '../ddp';
import { parseDdp } from '../core/ddpFile/parser';
import { clientConnection } from '../core/ddpFile/connection';
import { dotenvFor } from '../core/ddpFile/dotenv';
import { environmentVariables } from '../core/ddpFile/environments';
import { runFile } from '../core/ddpFile/runner';
import { makeReporter, type FileResult, type ReporterName } from './reporters';
import { readWorkspaceEnvironments } from './settings';

export interface RunCommandOptions {
  env?: string;
  reporter: ReporterName;
  bail: boolean;
  timeout: number;
  /** `name=value` pairs that override every other variable source but earlier results. */
  vars: Record<string, string>;
  cwd: string;
  out: (text: string) => void;
  err: (text: string) => void;
  processEnv: NodeJS.ProcessEnv;
}

export class UsageError extends Error {}

export async function runCommand(files: string[], o: RunCommandOptions): Promise<number> {
  const envs = readWorkspaceEnvironments(o.cwd);
  if (o.env !== undefined && !envs.named.has(o.env)) {
    const known = [...envs.named.keys()];
    throw new UsageError(
      `Unknown environment "${o.env}": ${known.length ? `the environments are ${known.join(', ')}` : `no environments in ${path.join(o.cwd, '.vscode', 'settings.json')} ("ddpExplorer.environments")`}`,
    );
  }
  for (const p of envs.problems) o.err(`warning: ${p}\n`);
  const environment = { ...environmentVariables(envs, o.env), ...o.vars };
  const reporter = makeReporter(o.reporter, o.out);
  const results: FileResult[] = [];
  const t0 = performance.now();
  let code = 0;
  for (const file of files) {
    const display = path.relative(o.cwd, path.resolve(o.cwd, file)) || file;
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(o.cwd, file), 'utf8');
    } catch (err) {
      throw new UsageError(`Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    const parsed = parseDdp(text);
    if (parsed.problems.length) {
      const result: FileResult = { path: display, problems: parsed.problems };
      results.push(result);
      reporter.file(result);
      code = 2;
      continue;
    }
    const clients: DdpClient[] = [];
    const report = await runFile(parsed, {
      connect: async (url) => {
        const client = new DdpClient(url, { autoReconnect: false, connectTimeout: o.timeout });
        clients.push(client);
        await client.connect();
        return clientConnection(client);
      },
      sources: {
        environment,
        dotenv: dotenvFor(path.resolve(o.cwd, file), o.cwd),
        processEnv: (name) => o.processEnv[name],
      },
      timeout: o.timeout,
      bail: o.bail,
      onReport: (r) => reporter.request(display, r),
    }).finally(() => {
      for (const c of clients) c.close();
    });
    const result: FileResult = { path: display, problems: [], report };
    results.push(result);
    reporter.file(result);
    if (report.connectionError) code = 2;
    else if (report.requests.some((r) => r.status === 'failed') && code === 0) code = 1;
    if (o.bail && code !== 0) break;
  }
  reporter.end(results, Math.round(performance.now() - t0));
  return code;
}
