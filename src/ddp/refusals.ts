import { DdpConnectionError, DdpError } from './errors';
import { readOffending, type DataMessage } from './messages';
import type { MethodCall, Methods } from './methods';
import type { Subscription, Subscriptions } from './subscriptions';

/** A request that will get no (usable) answer, and the error it ends with. */
export type EndedRequest = { call: MethodCall; error: Error } | { sub: Subscription; error: Error };

/**
 * The request a server `error` message ends, if it is one of ours still waiting. With `id` and `error` it is a
 * non-standard answer to one call or subscription (a server error: DdpError); otherwise the server refused the
 * message named in `offendingMessage` (REFUSED): a refused `method` or `sub` will never be answered.
 */
export function refusedRequest(
  m: Extract<DataMessage, { msg: 'error' }>,
  methods: Methods,
  subs: Subscriptions,
): EndedRequest | undefined {
  if (m.id !== undefined && m.error) {
    const call = methods.get(m.id);
    if (call) return { call, error: new DdpError(m.error) };
    const sub = subs.get(m.id);
    return sub?.live ? { sub, error: new DdpError(m.error) } : undefined;
  }
  const o = readOffending(m.offendingMessage);
  if (!o || typeof o.id !== 'string') return undefined;
  if (o.msg === 'method') {
    const call = methods.get(o.id);
    if (call)
      return {
        call,
        error: new DdpConnectionError('REFUSED', `The server refused the call to '${call.method}': ${m.reason}`),
      };
  } else if (o.msg === 'sub') {
    const sub = subs.get(o.id);
    if (sub?.live)
      return {
        sub,
        error: new DdpConnectionError('REFUSED', `The server refused the subscription '${sub.name}': ${m.reason}`),
      };
  }
  return undefined;
}

/** An answer we cannot read still ends its call or subscription (PROTOCOL): otherwise the caller would wait forever. */
export function unreadableAnswer(
  problem: string,
  methodId: string | undefined,
  subId: string | undefined,
  methods: Methods,
  subs: Subscriptions,
): EndedRequest | undefined {
  const call = methodId === undefined ? undefined : methods.get(methodId);
  if (call)
    return {
      call,
      error: new DdpConnectionError(
        'PROTOCOL',
        `The server's answer to '${call.method}' could not be read: ${problem}`,
      ),
    };
  const sub = subId === undefined ? undefined : subs.get(subId);
  if (sub?.live)
    return {
      sub,
      error: new DdpConnectionError(
        'PROTOCOL',
        `The server's answer to the subscription '${sub.name}' could not be read: ${problem}`,
      ),
    };
  return undefined;
}
