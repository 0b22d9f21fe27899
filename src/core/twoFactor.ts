// Rocket.Chat's two-factor convention over DDP (apps/meteor/app/2fa): a guarded method or a login answers the error
// `totp-required` (details: `method`, the second factor the server chose: "totp", "email" or "password"). The client
// asks the user for the code and sends the same request again:
// - a method with one more argument, `{ twoFactorCode, twoFactorMethod }` (the server's twoFactorRequired wrapper
//   takes it off the end before the method runs);
// - a login as `{ totp: { login: <the first login's params>, code } }` (its "totp" login handler; the library builds
//   it from `PasswordLogin.totp`).
// A wrong code answers `totp-invalid` (too many: `totp-max-attempts`); that error goes to the caller as it is.
// Plain module: no VS Code API.
import { isDdpError } from '../ddp';
import type { CallOutcome, Session } from './session';
import type { SendOptions } from './writePolicy';

export const TOTP_REQUIRED = 'totp-required';

/** What the server asked for. */
export interface TwoFactorRequest {
  /** The second factor: "totp" (an authenticator app), "email" (a code it sent), "password" (the password again). */
  method: string;
  /** The server sent a code (by e-mail) just now. */
  codeGenerated: boolean;
}

export interface TwoFactorCode {
  code: string;
  method: string;
}

/** The user closed the code prompt: not an error, nothing to report. */
export const TWO_FACTOR_CANCELLED: unique symbol = Symbol('two-factor cancelled');

/** The server's request for a second factor, when `error` is one. */
export function twoFactorRequest(error: unknown): TwoFactorRequest | undefined {
  if (!isDdpError(error) || error.error !== TOTP_REQUIRED) return undefined;
  const d = (typeof error.details === 'object' && error.details !== null ? error.details : {}) as Record<
    string,
    unknown
  >;
  return {
    method: typeof d.method === 'string' && d.method !== '' ? d.method : 'totp',
    codeGenerated: d.codeGenerated === true,
  };
}

/** A guarded method's params with the code appended, as Rocket.Chat's own client sends them. */
export function paramsWithTwoFactor(params: readonly unknown[], tf: TwoFactorCode): unknown[] {
  return [...params, { twoFactorCode: tf.code, twoFactorMethod: tf.method }];
}

/** A sentence asking for the code the server wants. */
export function twoFactorPrompt(request: TwoFactorRequest): string {
  switch (request.method) {
    case 'totp':
      return 'The server asks for a two-factor code: the 6-digit code from your authenticator app';
    case 'email':
      return request.codeGenerated
        ? 'The server asks for a two-factor code: it has just sent one to your e-mail address'
        : 'The server asks for a two-factor code: the one it sent to your e-mail address';
    case 'password':
      return 'The server asks you to confirm with your password';
    default:
      return `The server asks for a two-factor code (${request.method})`;
  }
}

/**
 * Runs `attempt`; when it answers `totp-required`, asks for the code (`ask`: undefined when the user cancels) and
 * runs it once more with the code. Any other error, and the second attempt's (a wrong code), go to the caller.
 */
export async function withTwoFactor<T>(
  attempt: (tf?: TwoFactorCode) => Promise<T>,
  ask: (request: TwoFactorRequest) => Promise<string | undefined>,
): Promise<T | typeof TWO_FACTOR_CANCELLED> {
  try {
    return await attempt();
  } catch (error) {
    const request = twoFactorRequest(error);
    if (!request) throw error;
    const code = await ask(request);
    if (code === undefined) return TWO_FACTOR_CANCELLED;
    return attempt({ code, method: request.method });
  }
}

/**
 * `session.call` with the two-factor retry: on `totp-required`, `ask` for the code and send the same call once more
 * with it. The retry is the request the user already confirmed (a `confirm` connection does not ask twice; readOnly
 * still refuses it); `options.asking` is told while the code is typed. Call Method, `.ddp` runs and Resend share it.
 */
export function callWithTwoFactor(
  session: Session,
  method: string,
  params: unknown[],
  ask: (request: TwoFactorRequest) => Promise<string | undefined>,
  options: SendOptions = {},
): Promise<CallOutcome | typeof TWO_FACTOR_CANCELLED> {
  return withTwoFactor(
    (tf) =>
      tf
        ? session.call(method, paramsWithTwoFactor(params, tf), { ...options, confirmed: true })
        : session.call(method, params, options),
    (request) => {
      options.asking?.();
      return ask(request);
    },
  );
}
