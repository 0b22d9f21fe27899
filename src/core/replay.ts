// Sending a captured `method` or `sub` frame again: what to send, read from the exact frame text.
// Plain module: no VS Code API.
import { fromEJSON, stringifyEJSON } from '../ddp/ejson';

export type Replay =
  { kind: 'method'; name: string; params: unknown[] } | { kind: 'sub'; name: string; params: unknown[] };

/** The call or subscription in an outgoing frame, params EJSON-decoded; undefined for anything else. */
export function replayOf(text: string): Replay | undefined {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!m || typeof m !== 'object' || Array.isArray(m)) return undefined;
  const o = m as Record<string, unknown>;
  const params = o.params === undefined ? [] : o.params;
  if (!Array.isArray(params)) return undefined;
  if (o.msg === 'method' && typeof o.method === 'string' && o.method) {
    return { kind: 'method', name: o.method, params: fromEJSON(params) as unknown[] };
  }
  if (o.msg === 'sub' && typeof o.name === 'string' && o.name) {
    return { kind: 'sub', name: o.name, params: fromEJSON(params) as unknown[] };
  }
  return undefined;
}

/** The params as EJSON text for an input box, as Call Method shows them. */
export function paramsText(params: unknown[]): string {
  return stringifyEJSON(params, 0);
}
