// Log In... (user name or e-mail, then a hidden password) and Log Out. Tokens go to SecretStorage only.
import * as vscode from 'vscode';
import { describeError } from '../../presentation/logFormat';
import { type Ctx, guarded, isActive, pickSession } from './context';

export function registerAccountCommands(ctx: Ctx): vscode.Disposable[] {
  const reg = (id: string, fn: (...args: any[]) => unknown) => vscode.commands.registerCommand(id, guarded(ctx, id, fn));
  return [
    reg('ddpExplorer.login', async (arg?: unknown) => {
      const session = await pickSession(ctx, arg, { filter: isActive, adjective: 'open', placeHolder: 'Log in on which connection?' });
      if (!session) return;
      const user = await vscode.window.showInputBox({
        title: `DDP: Log In to ${session.name} (1/2)`,
        prompt: 'User name or e-mail address',
        ignoreFocusOut: true,
        validateInput: (t) => (t.trim() ? undefined : 'Enter a user name or an e-mail address'),
      });
      if (user === undefined) return;
      const password = await vscode.window.showInputBox({
        title: `DDP: Log In to ${session.name} as ${user.trim()} (2/2)`,
        prompt: 'Password',
        password: true,
        ignoreFocusOut: true,
      });
      if (password === undefined) return;
      ctx.log.addSecret(password);
      try {
        const r = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Window, title: `DDP: logging in to ${session.name}` },
          () => session.login(user.trim(), password),
        );
        void vscode.window.showInformationMessage(`Logged in to ${session.name} as ${r.id}.`);
        return r.id;
      } catch (err) {
        void vscode.window.showErrorMessage(ctx.log.mask(`Log in to ${session.name} failed: ${describeError(err)}`));
        return undefined;
      }
    }),

    reg('ddpExplorer.logout', async (arg?: unknown) => {
      const session = await pickSession(ctx, arg, { filter: (s) => !!s.userId, adjective: 'logged-in' });
      if (!session) return;
      try {
        await session.logout();
        void vscode.window.showInformationMessage(`Logged out of ${session.name}.`);
      } catch (err) {
        void vscode.window.showErrorMessage(ctx.log.mask(`Log out of ${session.name} failed: ${describeError(err)}`));
      }
    }),
  ];
}
