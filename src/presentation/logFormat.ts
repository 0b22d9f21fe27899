// Text of log lines: EJSON values, params, call results and errors, secrets masked and control characters escaped.
import { maskSecrets } from '../ddp/mask';
import { stringifyEJSON } from '../ddp/ejson';
import { formatDuration, redactSecrets, truncate } from '../core/values';
import { escapeControl, maskUrlCredentials } from '../core/text';

/** Pretty EJSON of a value with secrets redacted (for the log and the result editor). */
export function prettyEJSON(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return maskSecrets(stringifyEJSON(redactSecrets(value), 2));
  } catch (err) {
    return `(unprintable value: ${err instanceof Error ? err.message : String(err)})`;
  }
}

/** Compact EJSON of params for one log line: `(2, 3)` -> shown as ` [2,3]`; empty params give ''. */
export function formatParams(params: unknown[] | undefined): string {
  if (!params || params.length === 0) return '';
  let text: string;
  try {
    text = maskSecrets(stringifyEJSON(redactSecrets(params), 0));
  } catch {
    text = '[…]';
  }
  return ' ' + truncate(text, 300);
}

/** `math.add → 5 (12 ms)`; multi-line results continue on the next lines. */
export function formatCallResult(method: string, result: unknown, ms: number): string {
  return `${method} → ${prettyEJSON(result)} (${formatDuration(ms)})`;
}

interface ErrorLike {
  error?: unknown;
  reason?: unknown;
  message?: unknown;
  details?: unknown;
  code?: unknown;
}

/**
 * Text of any error: DDP errors as `reason [error]`, OS errors with their code. Secrets masked; control characters
 * escaped (a server's reason is one line of text wherever it goes).
 */
export function describeError(err: unknown): string {
  return escapeControl(maskUrlCredentials(errorText(err)));
}

function errorText(err: unknown): string {
  if (err === undefined || err === null) return 'unknown error';
  if (typeof err === 'string') return maskSecrets(err);
  if (typeof err === 'number' || typeof err === 'boolean' || typeof err === 'bigint') return String(err);
  if (typeof err !== 'object') return 'unknown error';
  const e = err as ErrorLike;
  let text: string;
  if (e.error !== undefined && (typeof e.error === 'string' || typeof e.error === 'number')) {
    const reason = typeof e.reason === 'string' && e.reason ? e.reason : typeof e.message === 'string' ? e.message : '';
    text = reason && !reason.includes(`[${e.error}]`) ? `${reason} [${e.error}]` : reason || `[${e.error}]`;
  } else if (typeof e.message === 'string' && e.message) {
    text = e.message;
    if (typeof e.code === 'string' && !text.includes(e.code)) text += ` (${e.code})`;
  } else {
    // An object without a message: its own toString when it has one, else "[object Object]" as before.
    text = Object.prototype.toString.call(err);
    if (typeof (err as { toString?: unknown }).toString === 'function')
      text = (err as { toString(): string }).toString();
  }
  return maskSecrets(text);
}

/** `math.add failed: math.add needs two numbers [400] (3 ms)` */
export function formatCallError(method: string, err: unknown, ms: number): string {
  return `${method} failed: ${describeError(err)} (${formatDuration(ms)})`;
}
