// The last params typed per method, kept on disk (globalState) to prefill the box. Plain module: no VS Code API.
// Params with a secret-looking key at any depth (password, token, secret, resume, digest, apiKey, ...) are never
// kept: not even masked, since a masked copy would be sent as "***" by a careless Enter.
import { parseParams } from './params';
import { hasSecretKeys } from './secretKeys';

export type ParamsHistory = Record<string, string>;

function secret(method: string, params: unknown[]): boolean {
  return method === 'login' || hasSecretKeys(params);
}

/** A stored history as read from disk, without entries that are malformed or hold secrets (older versions kept them). */
export function readParamsHistory(raw: unknown): { history: ParamsHistory; dropped: boolean } {
  const history: ParamsHistory = {};
  let dropped = false;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { history, dropped: raw !== undefined };
  for (const [method, text] of Object.entries(raw as Record<string, unknown>)) {
    const parsed = typeof text === 'string' ? parseParams(text, { allowSingle: true }) : undefined;
    if (parsed?.ok && !secret(method, parsed.params)) history[method] = text as string;
    else dropped = true;
  }
  return { history, dropped };
}

/** The history after a call of `method` with `text` (parsed: `params`); undefined when nothing changes. */
export function rememberParams(
  history: ParamsHistory,
  method: string,
  text: string,
  params: unknown[],
): ParamsHistory | undefined {
  if (secret(method, params)) {
    if (!(method in history)) return undefined;
    const next = { ...history };
    delete next[method];
    return next;
  }
  return history[method] === text ? undefined : { ...history, [method]: text };
}
