// Open Document, Copy Document as JSON, Copy ID, Filter Collection..., Load More.
import * as vscode from 'vscode';
import type { TreeNode } from '../../presentation/tree/model';
import { prettyEJSON } from '../../presentation/logFormat';
import { summarizeDocument, valueAt } from '../../presentation/format';
import type { Session } from '../../core/sessions';
import { type Ctx, guarded, isNode, pickSession } from './context';

type DocRef = { session: Session; collection: string; id: string; path?: Array<string | number> };

/** The document a command acts on: the tree node's, else chosen by the user (connection, collection, id). */
async function pickDocument(ctx: Ctx, arg: unknown): Promise<DocRef | undefined> {
  if (isNode(arg) && (arg.kind === 'document' || arg.kind === 'field')) {
    const session = ctx.manager.get(arg.sessionId);
    if (!session) return undefined;
    return { session, collection: arg.collection, id: arg.docId, path: arg.kind === 'field' ? arg.path : undefined };
  }
  const session = await pickSession(ctx, arg, {
    filter: (s) => !!s.client && s.client.collections.size > 0,
    adjective: 'DDP connection with documents; subscribe first. No',
  });
  if (!session?.client) return undefined;
  let collection: string | undefined = isNode(arg) && arg.kind === 'collection' ? arg.collection : undefined;
  if (!collection) {
    const names = [...session.client.collections.keys()].sort();
    collection = await vscode.window.showQuickPick(names, { placeHolder: 'Collection' });
    if (!collection) return undefined;
  }
  const docs = session.client.collections.get(collection);
  if (!docs) return undefined;
  const items: vscode.QuickPickItem[] = [];
  for (const [id, fields] of docs) {
    items.push({ label: id, description: summarizeDocument(fields, 80) });
    if (items.length >= 5000) break;
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder: `Document in ${collection}`, matchOnDescription: true });
  return picked ? { session, collection, id: picked.label } : undefined;
}

export async function openDocument(ctx: Ctx, session: Session, collection: string, id: string): Promise<void> {
  const uri = ctx.docs.documentUri(session.id, session.name, collection, id);
  let doc = await vscode.workspace.openTextDocument(uri);
  if (doc.languageId !== 'json') doc = await vscode.languages.setTextDocumentLanguage(doc, 'json').then((d) => d, () => doc);
  await vscode.window.showTextDocument(doc, { preview: true });
}

export function registerDocumentCommands(ctx: Ctx): vscode.Disposable[] {
  const reg = (id: string, fn: (...args: any[]) => unknown) => vscode.commands.registerCommand(id, guarded(ctx, id, fn));
  return [
    reg('ddpExplorer.openDocument', async (arg?: unknown) => {
      const ref = await pickDocument(ctx, arg);
      if (ref) await openDocument(ctx, ref.session, ref.collection, ref.id);
    }),

    reg('ddpExplorer.copyDocument', async (arg?: unknown) => {
      const ref = await pickDocument(ctx, arg);
      if (!ref) return;
      const fields = ref.session.client?.collections.get(ref.collection)?.get(ref.id);
      if (!fields) {
        void vscode.window.showWarningMessage(`Document ${ref.id} is no longer in ${ref.collection}.`);
        return;
      }
      const value = ref.path ? valueAt(fields, ref.path) : { _id: ref.id, ...fields };
      const text = prettyEJSON(value);
      await vscode.env.clipboard.writeText(text);
      vscode.window.setStatusBarMessage(`DDP: copied ${ref.path ? 'the value' : `document ${ref.id}`} as JSON`, 3000);
      return text;
    }),

    reg('ddpExplorer.copyId', async (arg?: unknown) => {
      const ref = await pickDocument(ctx, arg);
      if (!ref) return;
      await vscode.env.clipboard.writeText(ref.id);
      vscode.window.setStatusBarMessage(`DDP: copied ID ${ref.id}`, 3000);
      return ref.id;
    }),

    reg('ddpExplorer.filterCollection', async (arg?: unknown) => {
      let node: TreeNode | undefined = isNode(arg) && arg.kind === 'collection' ? arg : undefined;
      if (!node) {
        const session = await pickSession(ctx, arg, { filter: (s) => !!s.client?.collections.size, adjective: 'DDP connection with collections; subscribe first. No' });
        if (!session?.client) return;
        const names = [...session.client.collections.keys()].sort();
        const collection = await vscode.window.showQuickPick(names, { placeHolder: 'Collection to filter' });
        if (!collection) return;
        node = ctx.model.collectionNode(session.id, collection);
      }
      if (node.kind !== 'collection') return;
      const current = ctx.model.collectionView(node.sessionId, node.collection).filter;
      const text = await vscode.window.showInputBox({
        title: `DDP: Filter ${node.collection}`,
        prompt: 'Show documents whose id or any field value contains this text (empty shows all)',
        value: current,
        ignoreFocusOut: true,
      });
      if (text === undefined) return;
      ctx.model.setFilter(node.sessionId, node.collection, text);
      ctx.tree.refreshNode(node);
    }),

    reg('ddpExplorer.loadMore', (arg?: unknown) => {
      if (!isNode(arg) || (arg.kind !== 'loadMore' && arg.kind !== 'collection')) return;
      ctx.model.loadMore(arg.sessionId, arg.collection);
      ctx.tree.refreshNode(ctx.model.collectionNode(arg.sessionId, arg.collection));
    }),
  ];
}
