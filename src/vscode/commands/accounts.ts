// Log In... (user name or e-mail, then a hidden password) and Log Out. Tokens go to SecretStorage only.
import * as vscode from 'vscode';
import { errorMessage } from '../../presentation/errorMessages';
import { type Ctx, register, isActive, pickSession } from './context';
import { COMMANDS } from '../../presentation/commands';
import { showError, showInfo } from './notify';
import { forPlainInput, forQuickInput, forStatusBar } from '../../presentation/sanitize';
import { withTwoFactor, TWO_FACTOR_CANCELLED } from '../../core/twoFactor';
import { askTwoFactorCode } from './twoFactor';

/** Meteor answers a wrong password (or an unknown user) with error 403 (accounts-password). */
function isRefusedCredentials(err: unknown): boolean {
  const e = (err as { error?: unknown } | undefined)?.error;
  return e === 403 || e === '403';
}

export function registerAccountCommands(ctx: Ctx): vscode.Disposable[] {
  return [
    register(ctx, COMMANDS.login, async (arg?: unknown) => {
      const session = await pickSession(ctx, arg, {
        filter: isActive,
        adjective: 'open',
        placeHolder: 'Log in on which connection?',
      });
      if (!session) return;
      const user = await vscode.window.showInputBox({
        title: forPlainInput(`DDP: Log In to ${session.name} (1/2)`),
        prompt: 'User name or e-mail address',
        ignoreFocusOut: true,
        validateInput: (t) => (t.trim() ? undefined : 'Enter a user name or an e-mail address'),
      });
      if (user === undefined) return;
      // A refused password asks again for the password only (the user name stays), with the server's reason.
      let refused: string | undefined;
      for (;;) {
        const password = await vscode.window.showInputBox({
          title: forPlainInput(`DDP: Log In to ${session.name} as ${user.trim()} (2/2)`),
          prompt: refused ? forQuickInput(`${refused}. Password (try again, or Escape to stop)`) : 'Password',
          password: true,
          ignoreFocusOut: true,
        });
        if (password === undefined) return;
        ctx.log.addSecret(password);
        try {
          const r = await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Window, title: forStatusBar(`DDP: logging in to ${session.name}`) },
            // Rocket.Chat's `totp-required`: ask for the code and log in again with it (src/core/twoFactor.ts).
            () =>
              withTwoFactor(
                (tf) => session.login(user.trim(), password, tf?.code),
                (request) => askTwoFactorCode(ctx, `logging in to ${session.name}`, request),
              ),
          );
          if (r === TWO_FACTOR_CANCELLED) return undefined;
          void showInfo(ctx.log, `Logged in to ${session.name} as ${r.id}.`);
          return r.id;
        } catch (err) {
          if (isRefusedCredentials(err) && session.isActive) {
            refused = errorMessage(err, 'login');
            continue;
          }
          void showError(ctx.log, `Log in to ${session.name} failed: ${errorMessage(err, 'login')}`);
          return undefined;
        }
      }
    }),

    register(ctx, COMMANDS.logout, async (arg?: unknown) => {
      const session = await pickSession(ctx, arg, { filter: (s) => !!s.userId, adjective: 'logged-in' });
      if (!session) return;
      try {
        await session.logout();
        void showInfo(ctx.log, `Logged out of ${session.name}.`);
      } catch (err) {
        void showError(ctx.log, `Log out of ${session.name} failed: ${errorMessage(err, 'logout')}`);
      }
    }),
  ];
}
