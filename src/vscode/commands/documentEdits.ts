// New Document (a template editor whose save inserts through `/<collection>/insert`) and Delete Document (a modal
// confirmation, then `/<collection>/remove` with `{_id}`). Both go through Session.call: the safety policy applies.
import * as vscode from 'vscode';
import type { Session } from '../../core/sessions';
import { removeCall } from '../../core/edit/save';
import { callErrorNotification } from '../../presentation/errorMessages';
import { formatDuration, formatValue } from '../../presentation/format';
import { COMMANDS } from '../../presentation/commands';
import { type Ctx, register, isNode, pickSession } from './context';
import { confirm, pickItem, showError, showInfo } from './notify';

async function pickCollection(ctx: Ctx, arg: unknown): Promise<{ session: Session; collection: string } | undefined> {
  if (isNode(arg) && (arg.kind === 'collection' || arg.kind === 'document')) {
    const session = ctx.manager.get(arg.sessionId);
    return session && { session, collection: arg.collection };
  }
  const session = await pickSession(ctx, arg, {
    filter: (s) => s.isActive,
    adjective: 'connected DDP connection. No',
  });
  if (!session) return undefined;
  const names = session.collectionNames().sort();
  const typed = 'Another collection...';
  const picked = (
    await vscode.window.showQuickPick([...names.map((n) => pickItem(n, n)), pickItem(typed, typed)], {
      placeHolder: 'Collection for the new document',
    })
  )?.value;
  if (picked !== typed) return picked === undefined ? undefined : { session, collection: picked };
  const name = await vscode.window.showInputBox({ prompt: 'Collection name', ignoreFocusOut: true });
  return name ? { session, collection: name } : undefined;
}

export function registerDocumentEditCommands(ctx: Ctx): vscode.Disposable[] {
  return [
    register(ctx, COMMANDS.newDocument, async (arg?: unknown) => {
      const where = await pickCollection(ctx, arg);
      if (!where) return;
      const uri = ctx.docs.newDocumentUri(where.session.id, where.session.name, where.collection);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { preview: false });
      return uri.toString();
    }),

    register(ctx, COMMANDS.deleteDocument, async (arg?: unknown) => {
      if (!isNode(arg) || arg.kind !== 'document') return;
      const session = ctx.manager.get(arg.sessionId);
      if (!session) return;
      const call = removeCall({ collection: arg.collection, id: arg.docId });
      const ok = await confirm(
        ctx.log,
        `Delete ${JSON.stringify(arg.docId)} from ${JSON.stringify(arg.collection)} on ${JSON.stringify(session.name)}?`,
        `This calls ${call.method} on the server, which decides whether you may. It cannot be undone here.`,
        'Delete',
      );
      if (!ok) return;
      try {
        const { result, ms } = await session.call(call.method, call.params);
        void showInfo(
          ctx.log,
          `${call.method} ${JSON.stringify(arg.docId)} → ${formatValue(result, 80)} (${formatDuration(ms)})`,
        );
        return result;
      } catch (err) {
        void showError(ctx.log, callErrorNotification(call.method, err));
        return undefined;
      }
    }),
  ];
}
