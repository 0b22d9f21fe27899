// The `ddp-explorer` command (the package's bin; `node dist/cli.js` after `npm run build`).
//   ddp-explorer run <files...> [--env NAME] [--reporter spec|tap|junit] [--bail] [--timeout ms] [--var name=value]
import { Command, InvalidArgumentError, Option } from 'commander';
import { REPORTERS, type ReporterName } from './reporters';
import { runCommand, UsageError } from './run';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive number of milliseconds');
  return n;
}

function variable(value: string, previous: Record<string, string>): Record<string, string> {
  const m = /^([A-Za-z_][\w-]*)=(.*)$/s.exec(value);
  if (!m) throw new InvalidArgumentError('expected name=value');
  return { ...previous, [m[1]]: m[2] };
}

export async function main(
  argv: string[],
  io: { out: (t: string) => void; err: (t: string) => void; cwd: string; env: NodeJS.ProcessEnv },
): Promise<number> {
  let code = 0;
  const program = new Command('ddp-explorer')
    .description('Run .ddp files (DDP method calls, subscriptions and assertions) against a DDP server')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError();
  program
    .command('run')
    .description(
      'run .ddp files and report each request; exit 0 when all pass, 1 when one fails, 2 on usage or connection errors',
    )
    .argument('<files...>', '.ddp files to run, in order')
    .option('--env <name>', 'environment from "ddpExplorer.environments" in .vscode/settings.json')
    .addOption(new Option('--reporter <name>', 'output format').choices(REPORTERS).default('spec'))
    .option('--bail', 'stop at the first failed request', false)
    .option('--timeout <ms>', 'longest wait for the connection and for each request', positiveInt, 10_000)
    .option('--var <name=value>', 'set a variable (repeatable; overrides the environment and the file)', variable, {})
    .action(
      async (
        files: string[],
        opts: { env?: string; reporter: ReporterName; bail: boolean; timeout: number; var: Record<string, string> },
      ) => {
        code = await runCommand(files, {
          env: opts.env,
          reporter: opts.reporter,
          bail: opts.bail,
          timeout: opts.timeout,
          vars: opts.var,
          cwd: io.cwd,
          out: io.out,
          err: io.err,
          processEnv: io.env,
        });
      },
    );
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    const e = err as { code?: string; exitCode?: number };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
    if (err instanceof UsageError) {
      io.err(`ddp-explorer: ${err.message}\n`);
      return 2;
    }
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) return 2;
    io.err(`ddp-explorer: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  return code;
}

if (require.main === module) {
  void main(process.argv.slice(2), {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
  }).then((code) => {
    // Let stdout drain before exiting (piped output in CI).
    process.exitCode = code;
  });
}
