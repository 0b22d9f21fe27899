// Open Document, Copy Document as JSON, Copy ID, Copy Value, Copy Path, Load More, Load All (the filter and
// query commands are in query.ts). What is copied or opened is the data exactly as received: nothing is masked here.
import * as vscode from 'vscode';
import { copyValueText, exactEJSON, mongoPath, summarizeDocument, valueAt } from '../../presentation/format';
import type { Session } from '../../core/sessions';
import { type Ctx, register, isNode, pickSession } from './context';
import { COMMANDS } from '../../presentation/commands';
import { flash, pickItem, showWarning } from './notify';
import { forPlainInput } from '../../presentation/sanitize';
import { registerDocumentEditCommands } from './documentEdits';

type DocRef = { session: Session; collection: string; id: string; path?: Array<string | number> };

/** The document a command acts on: the tree node's, else chosen by the user (connection, collection, id). */
async function pickDocument(ctx: Ctx, arg: unknown): Promise<DocRef | undefined> {
  if (isNode(arg) && (arg.kind === 'document' || arg.kind === 'field')) {
    const session = ctx.manager.get(arg.sessionId);
    if (!session) return undefined;
    return { session, collection: arg.collection, id: arg.docId, path: arg.kind === 'field' ? arg.path : undefined };
  }
  const session = await pickSession(ctx, arg, {
    filter: (s) => s.collectionCount > 0,
    adjective: 'DDP connection with documents; subscribe first. No',
  });
  if (!session) return undefined;
  let collection: string | undefined = isNode(arg) && arg.kind === 'collection' ? arg.collection : undefined;
  if (!collection) {
    const names = session.collectionNames().sort();
    collection = (
      await vscode.window.showQuickPick(
        names.map((n) => pickItem(n, n)),
        { placeHolder: 'Collection' },
      )
    )?.value;
    if (!collection) return undefined;
  }
  const docs = session.documents(collection);
  if (!docs) return undefined;
  const items: Array<vscode.QuickPickItem & { value: string }> = [];
  for (const [id, fields] of docs) {
    items.push(pickItem(id, id, summarizeDocument(fields, 80)));
    if (items.length >= 5000) break;
  }
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: forPlainInput(`Document in ${collection}`),
    matchOnDescription: true,
  });
  return picked ? { session, collection, id: picked.value } : undefined;
}

export async function openDocument(ctx: Ctx, session: Session, collection: string, id: string): Promise<void> {
  const uri = ctx.docs.documentUri(session.id, session.name, collection, id);
  let doc = await vscode.workspace.openTextDocument(uri);
  // jsonc: the state line above a stale or removed document is a comment, never a Problems entry.
  if (doc.languageId !== 'jsonc')
    doc = await vscode.languages.setTextDocumentLanguage(doc, 'jsonc').then(
      (d) => d,
      () => doc,
    );
  await vscode.window.showTextDocument(doc, { preview: true });
}

export function registerDocumentCommands(ctx: Ctx): vscode.Disposable[] {
  return [
    ...registerDocumentEditCommands(ctx),
    register(ctx, COMMANDS.openDocument, async (arg?: unknown) => {
      const ref = await pickDocument(ctx, arg);
      if (ref) await openDocument(ctx, ref.session, ref.collection, ref.id);
    }),

    register(ctx, COMMANDS.copyDocument, async (arg?: unknown) => {
      const ref = await pickDocument(ctx, arg);
      if (!ref) return;
      const fields = ref.session.document(ref.collection, ref.id);
      if (!fields) {
        void showWarning(ctx.log, `Document ${ref.id} is no longer in ${ref.collection}.`);
        return;
      }
      const value = ref.path ? valueAt(fields, ref.path) : { _id: ref.id, ...fields };
      const text = exactEJSON(value);
      await vscode.env.clipboard.writeText(text);
      flash(`DDP: copied ${ref.path ? 'the value' : `document ${ref.id}`} as JSON`);
      return text;
    }),

    register(ctx, COMMANDS.copyValue, async (arg?: unknown) => {
      if (!isNode(arg) || arg.kind !== 'field') return;
      const fields = ctx.model.fields(arg);
      if (!fields) {
        void showWarning(ctx.log, `Document ${arg.docId} is no longer in ${arg.collection}.`);
        return;
      }
      const text = copyValueText(valueAt(fields, arg.path));
      await vscode.env.clipboard.writeText(text);
      flash(`DDP: copied the value of ${mongoPath(arg.path)}`);
      return text;
    }),

    register(ctx, COMMANDS.copyPath, async (arg?: unknown) => {
      if (!isNode(arg) || arg.kind !== 'field') return;
      const text = mongoPath(arg.path);
      await vscode.env.clipboard.writeText(text);
      flash(`DDP: copied the path ${text}`);
      return text;
    }),

    register(ctx, COMMANDS.copyId, async (arg?: unknown) => {
      const ref = await pickDocument(ctx, arg);
      if (!ref) return;
      await vscode.env.clipboard.writeText(ref.id);
      flash(`DDP: copied ID ${ref.id}`);
      return ref.id;
    }),

    register(ctx, COMMANDS.loadMore, (arg?: unknown) => {
      if (!isNode(arg) || (arg.kind !== 'loadMore' && arg.kind !== 'collection')) return;
      ctx.model.loadMore(arg.sessionId, arg.collection);
      ctx.tree.refreshNode(ctx.model.collectionNode(arg.sessionId, arg.collection));
    }),

    register(ctx, COMMANDS.loadAll, (arg?: unknown) => {
      if (!isNode(arg) || (arg.kind !== 'loadMore' && arg.kind !== 'collection')) return;
      ctx.model.loadAll(arg.sessionId, arg.collection);
      ctx.tree.refreshNode(ctx.model.collectionNode(arg.sessionId, arg.collection));
    }),
  ];
}
