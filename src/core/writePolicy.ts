// Safety on production: a connection's `confirm` and `readOnly` settings, decided here once for every path that
// sends a method call or a subscription (Call Method, .ddp runs, the inspector's resends, document edits): Session.call
// and Session.subscribe ask this module before anything goes out. The question itself is the owner's (the adapter
// injects a modal prompt); without one, a request that needs a confirmation is not sent. Plain module: no VS Code API.
import { SessionError } from './sessionError';

/** Which requests ask first: none, method calls ("writes"), or method calls and subscriptions ("all"). */
export type ConfirmLevel = 'none' | 'writes' | 'all';

export const CONFIRM_LEVELS: readonly ConfirmLevel[] = ['none', 'writes', 'all'];

export interface WritePolicy {
  confirm: ConfirmLevel;
  /** Refuse every method call the user makes (logins and logouts still go: they are how one reads as a user). */
  readOnly: boolean;
}

export const OPEN_POLICY: WritePolicy = { confirm: 'none', readOnly: false };

/** A request about to be sent on a connection, as the confirmation shows it. */
export interface GuardedRequest {
  kind: 'method' | 'subscription';
  name: string;
  params: unknown[];
  /** The connection's name (a setting, so untrusted text for the sink that shows it). */
  connection: string;
}

/**
 * How a request is sent: `sent` is told when it goes out (after any confirmation the connection asks for); after
 * `signal` aborts, a request still waiting for that confirmation is not sent.
 */
export interface SendOptions {
  signal?: AbortSignal;
  sent?: () => void;
  /** The request waits for the user (a two-factor code): the wait for its answer starts again at the next `sent`. */
  asking?: () => void;
  /**
   * The user already confirmed this very request: it is sent again with a two-factor code the server asked for.
   * A read-only connection still refuses it.
   */
  confirmed?: boolean;
}

/** Asks the user; resolves true to send the request. Must settle (a dismissed prompt is false). */
export type ConfirmRequest = (request: GuardedRequest) => Promise<boolean>;

/** What the policy says about a request before anyone is asked. */
export function decide(policy: WritePolicy, kind: GuardedRequest['kind']): 'send' | 'confirm' | 'refuse' {
  if (kind === 'method' && policy.readOnly) return 'refuse';
  if (policy.confirm === 'all' || (policy.confirm === 'writes' && kind === 'method')) return 'confirm';
  return 'send';
}

/**
 * Resolves when the request may go; rejects with a SessionError: READ_ONLY (refused outright), CANCELLED (the user
 * said no, or nobody could ask). A prompt that throws counts as a no: nothing is sent on a doubt.
 */
export async function authorize(
  policy: WritePolicy,
  request: GuardedRequest,
  ask: ConfirmRequest | undefined,
): Promise<void> {
  const verdict = decide(policy, request.kind);
  if (verdict === 'send') return;
  if (verdict === 'refuse') {
    throw new SessionError(
      'READ_ONLY',
      request.connection,
      `"${request.connection}" is read-only: ${request.name} was not called. Remove "readOnly" from this connection in ddpExplorer.connections to call methods.`,
    );
  }
  let yes = false;
  try {
    yes = ask ? await ask(request) : false;
  } catch {
    yes = false;
  }
  if (!yes) throw cancelled(request, !ask);
}

/** The CANCELLED error for a request that was not sent (`unasked`: nobody could be asked). */
export function cancelled(request: GuardedRequest, unasked = false): SessionError {
  const what = request.kind === 'method' ? `method ${request.name}` : `subscription to ${request.name}`;
  return new SessionError(
    'CANCELLED',
    request.connection,
    unasked
      ? `The ${what} was not sent: "${request.connection}" asks for a confirmation and none can be asked here.`
      : `Cancelled: the ${what} was not sent to "${request.connection}".`,
  );
}
