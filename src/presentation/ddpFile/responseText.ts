// The text of the response view of .ddp runs: per request what was sent, the result or error as pretty EJSON, the
// duration, each assertion (✓/✗ with expected and actual) and, for SUBSCRIBE, the collections it filled. Plain
// text on purpose: it shows what the server sent without ever interpreting it. Secrets are masked.
import type { Collections } from '../../core/ddpFile/assertions';
import type { FileReport, RequestReport } from '../../core/ddpFile/runner';
import { rateLimitOf } from '../../ddp/errors';
import type { DdpErrorObject } from '../../ddp/types';
import { rateLimitedMessage } from '../errorMessages';
import { prettyEJSON } from '../logFormat';
import { SecretMasker } from '../masker';
import { forLog, forPlainTooltip } from '../sanitize';

/** Documents shown per filled collection; the rest are counted. Keeps the view fast for big publications. */
export const DOCS_SHOWN = 20;

export interface ResponseContext {
  /** File name as shown (relative to the workspace). */
  file: string;
  url?: string;
  collections?: Collections;
  /** When the run finished, for the header. */
  at?: Date;
}

function statusWord(r: RequestReport): string {
  return r.status === 'passed' ? 'PASSED' : r.status === 'failed' ? 'FAILED' : 'SKIPPED';
}

export function requestSection(r: RequestReport, ctx: ResponseContext, secrets: SecretMasker): string[] {
  const out: string[] = [];
  // Secrets masked, then controls escaped (a bidi override or an escape sequence from the server stays visible
  // text); pretty blocks keep their own line breaks.
  const masker = { mask: (text: string) => forPlainTooltip(secrets.mask(text)) };
  const line = (text: string) => forLog(secrets.mask(text));
  const title = r.request.title ?? r.label;
  out.push(line(`### ${title}    (${ctx.file}:${r.request.line})`));
  if (r.sent) out.push(line(r.sent));
  const facts = [statusWord(r)];
  if (r.outcome) facts.push(`${r.outcome.duration} ms`);
  out.push(facts.join(' · '));
  if (r.failure) out.push('', `Failure: ${line(r.failure)}`);
  const o = r.outcome;
  if (o && r.status !== 'skipped') {
    if (o.error) {
      const limit = rateLimitOf(o.error as unknown as DdpErrorObject);
      // Re-running the request (Run) is the retry: say when it can work.
      if (limit) out.push('', line(rateLimitedMessage(requestName(r), limit.retryAfterMs ?? null)));
      out.push('', 'Error:', masker.mask(prettyEJSON(o.error)));
    } else if (r.request.command.kind === 'subscribe') {
      out.push('', line(`Subscription ${o.ready ? 'ready' : 'not ready'} (id ${String(o.result)})`));
    } else if (o.result !== undefined && r.request.command.kind !== 'wait') {
      out.push('', 'Result:', masker.mask(prettyEJSON(o.result)));
    }
  }
  if (r.assertions.length) {
    out.push('', 'Assertions:');
    for (const a of r.assertions) {
      out.push(line(`  ${a.pass ? '✓' : '✗'} ${a.text}    (line ${a.line})`));
      if (!a.pass) {
        out.push(`      expected: ${line(a.expected)}`);
        out.push(`      actual:   ${line(a.actual)}`);
        if (a.message) out.push(`      ${line(a.message)}`);
      }
    }
  }
  if (r.collections) {
    out.push('', r.collections.length ? 'Collections filled:' : 'Collections filled: none changed');
    for (const c of r.collections) {
      out.push(line(`  ${c.name}: ${c.count} document${c.count === 1 ? '' : 's'}`));
      const docs = ctx.collections?.get(c.name);
      if (!docs) continue;
      let n = 0;
      for (const [id, fields] of docs) {
        if (n++ >= DOCS_SHOWN) break;
        out.push(indent(masker.mask(prettyEJSON({ _id: id, ...fields })), '    '));
      }
      if (docs.size > DOCS_SHOWN) out.push(`    … ${docs.size - DOCS_SHOWN} more (see the DDP view)`);
    }
  }
  return out;
}

function indent(text: string, pad: string): string {
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

/** The whole response view for one run (one request or all of a file). */
export function responseText(report: FileReport, ctx: ResponseContext): string {
  const masker = new SecretMasker();
  for (const r of report.requests) for (const s of r.secrets) masker.add(s);
  const passed = report.requests.filter((r) => r.status === 'passed').length;
  const failed = report.requests.filter((r) => r.status === 'failed').length;
  const head = [forLog(`${ctx.file}${report.url ? ` → ${report.url}` : ''}`)];
  if (report.connectionError) head.push(forLog(`Not run: ${masker.mask(report.connectionError)}`));
  else head.push(`${passed} passed, ${failed} failed${ctx.at ? ` · ${ctx.at.toISOString()}` : ''}`);
  const sections = report.connectionError ? [] : report.requests.map((r) => requestSection(r, ctx, masker).join('\n'));
  return [head.join('\n'), ...sections].join('\n\n') + '\n';
}

/** The method or publication a request names, for the rate-limit line. */
function requestName(r: RequestReport): string {
  const c = r.request.command;
  if (c.kind === 'call') return c.method;
  if (c.kind === 'subscribe') return `subscription ${c.name}`;
  return r.label;
}
