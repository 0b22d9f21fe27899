// How the CLI reports a run: spec (for people), tap (TAP 14) and junit (XML for CI dashboards). What the server
// sent is untrusted: control characters are escaped before anything reaches a terminal, and XML is escaped and
// stripped of characters XML cannot hold. Secrets (LOGIN passwords, login tokens) are masked everywhere.
import type { FileReport, RequestReport } from '../core/ddpFile/runner';
import type { Problem } from '../core/ddpFile/ast';
import { SecretMasker } from '../presentation/masker';
import { escapeControl, maskUrlCredentials } from '../presentation/sanitize';

export type ReporterName = 'spec' | 'tap' | 'junit';
export const REPORTERS: ReporterName[] = ['spec', 'tap', 'junit'];

export interface FileResult {
  path: string;
  problems: Problem[];
  report?: FileReport;
}

export interface Reporter {
  /** Called as each request finishes (streaming reporters print here). */
  request(file: string, report: RequestReport): void;
  /** Called when a file is done (or could not run). */
  file(result: FileResult): void;
  /** Called once at the end. */
  end(results: FileResult[], ms: number): void;
}

/** Escapes control characters (ANSI escapes, bidi overrides) line by line, so that server text cannot drive the
 * terminal; credentials written in URLs are masked. */
export function safe(text: string): string {
  return maskUrlCredentials(text)
    .split('\n')
    .map((l) => escapeControl(l))
    .join('\n');
}

function masker(report: RequestReport): SecretMasker {
  const m = new SecretMasker();
  for (const s of report.secrets) m.add(s);
  return m;
}

function counts(results: FileResult[]): { passed: number; failed: number; skipped: number } {
  const c = { passed: 0, failed: 0, skipped: 0 };
  for (const f of results) for (const r of f.report?.requests ?? []) c[r.status]++;
  return c;
}

/** Lines explaining a failed request: its failure, then each failed assertion with expected and actual. */
function failureLines(r: RequestReport): string[] {
  const m = masker(r);
  const lines: string[] = [];
  if (r.failure) lines.push(m.mask(r.failure));
  for (const a of r.assertions) {
    if (a.pass) continue;
    lines.push(`line ${a.line}: expect ${a.text}`);
    lines.push(`  expected: ${m.mask(a.expected)}`);
    lines.push(`  actual:   ${m.mask(a.actual)}`);
    if (a.message) lines.push(`  ${m.mask(a.message)}`);
  }
  return lines.map(safe);
}

export function specReporter(write: (text: string) => void): Reporter {
  let header = '';
  return {
    request(file, r) {
      if (header !== file) {
        header = file;
        write(`${safe(file)}\n`);
      }
      const mark = r.status === 'passed' ? '✓' : r.status === 'failed' ? '✗' : '-';
      const ms = r.outcome ? ` (${r.outcome.duration} ms)` : '';
      write(
        `  ${mark} ${safe(r.label)}${ms}${r.status === 'skipped' ? ` (skipped${r.failure ? `: ${safe(r.failure)}` : ''})` : ''}\n`,
      );
      if (r.status === 'failed') for (const line of failureLines(r)) write(`      ${line}\n`);
    },
    file(result) {
      if (result.problems.length) {
        write(
          `${safe(result.path)}: not run, the file has ${result.problems.length} problem${result.problems.length > 1 ? 's' : ''}\n`,
        );
        for (const p of result.problems) write(`  ${safe(result.path)}:${p.line}: ${safe(p.message)}\n`);
      } else if (result.report?.connectionError) {
        write(`${safe(result.path)}: not run: ${safe(result.report.connectionError)}\n`);
      }
    },
    end(results, ms) {
      const c = counts(results);
      const broken = results.filter((r) => r.problems.length || r.report?.connectionError).length;
      write(
        `\n${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped${broken ? `, ${broken} file${broken > 1 ? 's' : ''} not run` : ''} (${ms} ms)\n`,
      );
    },
  };
}

export function tapReporter(write: (text: string) => void): Reporter {
  let n = 0;
  const yaml = (fields: Array<[string, string]>) => {
    write('  ---\n');
    for (const [k, v] of fields) write(`  ${k}: ${JSON.stringify(v)}\n`);
    write('  ...\n');
  };
  write('TAP version 14\n');
  return {
    request(file, r) {
      n++;
      const name = `${safe(file)} > ${safe(r.label)}`.replace(/#/g, '\\#');
      if (r.status === 'skipped') {
        write(`ok ${n} - ${name} # SKIP ${safe(r.failure ?? '')}\n`);
        return;
      }
      write(`${r.status === 'passed' ? 'ok' : 'not ok'} ${n} - ${name}\n`);
      if (r.status === 'failed') {
        const m = masker(r);
        const failed = r.assertions.find((a) => !a.pass);
        const fields: Array<[string, string]> = [['line', String(failed?.line ?? r.request.commandLine)]];
        if (r.failure) fields.push(['message', safe(m.mask(r.failure))]);
        if (failed) {
          fields.push(
            ['assertion', failed.text],
            ['expected', safe(m.mask(failed.expected))],
            ['actual', safe(m.mask(failed.actual))],
          );
        }
        yaml(fields);
      }
    },
    file(result) {
      if (result.problems.length || result.report?.connectionError) {
        n++;
        write(`not ok ${n} - ${safe(result.path)}\n`);
        yaml(
          result.problems.length
            ? result.problems.map((p): [string, string] => [`line ${p.line}`, safe(p.message)])
            : [['message', safe(result.report?.connectionError ?? '')]],
        );
      }
    },
    end() {
      write(`1..${n}\n`);
    },
  };
}

/** XML text: escaped, and without the characters XML 1.0 cannot hold at all. */
export function xml(text: string): string {
  return text

    .replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

export function junitReporter(write: (text: string) => void): Reporter {
  return {
    request() {},
    file() {},
    end(results, ms) {
      const c = counts(results);
      const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
      const errors = results.filter((r) => r.problems.length || r.report?.connectionError).length;
      out.push(
        `<testsuites name="ddp-explorer" tests="${c.passed + c.failed + c.skipped}" failures="${c.failed}" errors="${errors}" skipped="${c.skipped}" time="${(ms / 1000).toFixed(3)}">`,
      );
      for (const f of results) {
        const reqs = f.report?.requests ?? [];
        const failures = reqs.filter((r) => r.status === 'failed').length;
        const skipped = reqs.filter((r) => r.status === 'skipped').length;
        const time = reqs.reduce((t, r) => t + (r.outcome?.duration ?? 0), 0) / 1000;
        const fileError = f.problems.length
          ? f.problems.map((p) => `${f.path}:${p.line}: ${p.message}`).join('\n')
          : f.report?.connectionError;
        out.push(
          `  <testsuite name="${xml(f.path)}" tests="${reqs.length}" failures="${failures}" errors="${fileError ? 1 : 0}" skipped="${skipped}" time="${time.toFixed(3)}">`,
        );
        if (fileError) out.push(`    <error message="${xml(fileError.split('\n')[0])}">${xml(fileError)}</error>`);
        for (const r of reqs) {
          const t = ((r.outcome?.duration ?? 0) / 1000).toFixed(3);
          out.push(`    <testcase classname="${xml(f.path)}" name="${xml(r.label)}" time="${t}">`);
          if (r.status === 'skipped') out.push(`      <skipped message="${xml(r.failure ?? '')}"/>`);
          if (r.status === 'failed') {
            const lines = failureLines(r);
            out.push(`      <failure message="${xml(lines[0] ?? 'failed')}">${xml(lines.join('\n'))}</failure>`);
          }
          out.push('    </testcase>');
        }
        out.push('  </testsuite>');
      }
      out.push('</testsuites>');
      write(`${out.join('\n')}\n`);
    },
  };
}

export function makeReporter(name: ReporterName, write: (text: string) => void): Reporter {
  return name === 'tap' ? tapReporter(write) : name === 'junit' ? junitReporter(write) : specReporter(write);
}
