// The two-factor code prompt (Rocket.Chat's `totp-required`; the convention is in src/core/twoFactor.ts): a hidden
// input, the code registered with the log's masker before it is sent, Escape to cancel.
import * as vscode from 'vscode';
import { twoFactorPrompt, type TwoFactorRequest } from '../../core/twoFactor';
import { forPlainInput, forQuickInput } from '../../presentation/sanitize';
import type { Ctx } from './context';

/** Asks for the code; undefined when the user cancels. `what`: the request, e.g. "saveUserProfile on prod". */
export async function askTwoFactorCode(ctx: Ctx, what: string, request: TwoFactorRequest): Promise<string | undefined> {
  const code = await vscode.window.showInputBox({
    title: forPlainInput(`DDP: Two-factor code for ${what}`),
    prompt: forQuickInput(`${twoFactorPrompt(request)} (Escape to cancel)`),
    password: true,
    ignoreFocusOut: true,
    validateInput: (t) => (t.trim() ? undefined : 'Enter the code'),
  });
  if (code === undefined) return undefined;
  const trimmed = code.trim();
  ctx.log.addSecret(trimmed);
  return trimmed;
}
