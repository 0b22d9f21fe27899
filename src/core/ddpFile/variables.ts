// What `{{...}}` stands for: earlier results (`{{add.result[0]}}`), the selected environment, the file's own
// variables, `.env` values, the process environment and the dynamic `$guid`, `$timestamp` and `$randomInt a b`.
// A selected environment overrides the file's variables, so one file runs against local, staging, ...
import { randomInt, randomUUID } from 'node:crypto';
import type { DdpFile } from './ast';
import { getPath, parsePath } from './path';
import { substitute, type Resolved } from './template';
import { NAME } from './parser';

/** What a finished request leaves for later ones. */
export interface RequestResult {
  result?: unknown;
  error?: unknown;
  duration: number;
}

export interface VariableSources {
  /** The file's `@name = value` lines. */
  file: ReadonlyMap<string, string>;
  /** `$shared` merged with the selected environment. */
  environment: Readonly<Record<string, unknown>>;
  dotenv(name: string): string | undefined;
  processEnv(name: string): string | undefined;
  /** Results of earlier named requests. */
  results: ReadonlyMap<string, RequestResult>;
  now?: () => number;
}

export class VariableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VariableError';
  }
}

export function fileVariables(file: DdpFile): Map<string, string> {
  return new Map(file.variables.map((v) => [v.name, v.value]));
}

/** Names of the values `.env` and process variables must keep out of logs: passwords, tokens, keys. */
export function looksSecret(name: string): boolean {
  return /pass|secret|token|key|pwd|credential|auth/i.test(name);
}

export class Resolver {
  private active = new Set<string>();
  constructor(private readonly sources: VariableSources) {}

  /** The meaning of one `{{expr}}`; throws VariableError when it has none. */
  resolve(expr: string): Resolved {
    if (expr.startsWith('$')) return this.dynamic(expr);
    const head = /^[A-Za-z_][\w-]*/.exec(expr)?.[0];
    if (!head) throw new VariableError(`"{{${expr}}}" is not a variable`);
    const path = parsePath(expr.slice(head.length));
    if (!path.ok || path.rest.trim() !== '')
      throw new VariableError(`"{{${expr}}}": ${path.ok ? `unexpected "${path.rest}"` : path.error}`);
    const first = path.steps[0];
    const result = this.sources.results.get(head);
    if (
      result &&
      first?.kind === 'key' &&
      (first.key === 'result' || first.key === 'error' || first.key === 'duration')
    ) {
      return { kind: 'value', value: getPath(result, path.steps) };
    }
    if (Object.prototype.hasOwnProperty.call(this.sources.environment, head)) {
      const v = this.sources.environment[head];
      if (path.steps.length) return { kind: 'value', value: getPath(v, path.steps) };
      return typeof v === 'string' ? { kind: 'text', text: this.text(v, head) } : { kind: 'value', value: v };
    }
    const fileValue = this.sources.file.get(head);
    if (fileValue !== undefined && path.steps.length === 0) return { kind: 'text', text: this.text(fileValue, head) };
    if (first?.kind === 'key' && ['result', 'error', 'duration'].includes(first.key) && !result) {
      throw new VariableError(`"{{${expr}}}": request "${head}" has not run yet (run it first)`);
    }
    throw new VariableError(`Unknown variable "{{${expr}}}"`);
  }

  /** Substitutes the references inside a variable's own value, refusing cycles. */
  private text(value: string, name: string): string {
    if (!value.includes('{{')) return value;
    if (this.active.has(name)) throw new VariableError(`Variable "${name}" refers to itself`);
    this.active.add(name);
    try {
      return substitute(value, (e) => this.resolve(e), false);
    } finally {
      this.active.delete(name);
    }
  }

  private dynamic(expr: string): Resolved {
    const [fn, ...args] = expr.split(/\s+/);
    switch (fn) {
      case '$guid':
        return { kind: 'text', text: randomUUID() };
      case '$timestamp':
        return { kind: 'value', value: (this.sources.now ?? Date.now)() };
      case '$randomInt': {
        const [a, b] = args.map(Number);
        if (args.length !== 2 || !Number.isSafeInteger(a) || !Number.isSafeInteger(b) || b <= a) {
          throw new VariableError(`"{{${expr}}}": use {{$randomInt min max}} with integers, min < max (max excluded)`);
        }
        return { kind: 'value', value: randomInt(a, b) };
      }
      case '$dotenv':
      case '$processEnv': {
        const name = args[0];
        if (args.length !== 1 || !name) throw new VariableError(`"{{${expr}}}": use {{${fn} NAME}}`);
        const v = fn === '$dotenv' ? this.sources.dotenv(name) : this.sources.processEnv(name);
        if (v === undefined) {
          throw new VariableError(
            fn === '$dotenv' ? `"${name}" is not set in a .env file` : `Environment variable "${name}" is not set`,
          );
        }
        return { kind: 'text', text: v };
      }
      default:
        throw new VariableError(
          `Unknown dynamic variable "${fn}": use $guid, $timestamp, $randomInt, $dotenv or $processEnv`,
        );
    }
  }

  /** Text with its references replaced (JSON-aware when `json`). */
  fill(text: string, json: boolean): string {
    return substitute(text, (e) => this.resolve(e), json);
  }
}

/** Whether a reference can be resolved before anything runs (for diagnostics: unknown variables). */
export function knownReference(expr: string, file: DdpFile, environment: Readonly<Record<string, unknown>>): boolean {
  if (expr.startsWith('$')) return /^\$(guid|timestamp|randomInt|dotenv|processEnv)(\s|$)/.test(expr);
  const head = /^[A-Za-z_][\w-]*/.exec(expr)?.[0];
  if (!head || !NAME.test(head)) return false;
  const rest = expr.slice(head.length);
  if (/^\.(result|error|duration)(?=$|[.[])/.test(rest)) return file.requests.some((r) => r.name === head);
  if (Object.prototype.hasOwnProperty.call(environment, head)) return true;
  return rest === '' && file.variables.some((v) => v.name === head);
}
