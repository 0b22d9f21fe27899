// Filter Collection... (text, or a MongoDB query with sort and projection), Clear Filter, Open Results as JSON.
// A query is refused in the input box, with mingo's or JSON5's message, before anything changes; recent queries of
// the collection are offered first. What Open Results shows is exact EJSON; nothing is masked here.
import * as vscode from 'vscode';
import { isQueryText, validateFindQuery } from '../../core/query/findQuery';
import {
  historyKey,
  readQueryHistory,
  recentQueries,
  rememberQuery,
  type QueryHistory,
} from '../../core/query/history';
import type { Session } from '../../core/sessions';
import { COMMANDS } from '../../presentation/commands';
import { MAX_RESULTS_SHOWN, resultsText } from '../../presentation/queryResults';
import { forPlainInput } from '../../presentation/sanitize';
import { type Ctx, isNode, pickSession, register } from './context';
import { pickItem, showWarning, validationMessage } from './notify';

const QUERY_HISTORY = 'ddpExplorer.queryHistory';

type CollectionRef = { session: Session; collection: string };

/** The collection a command acts on: the tree row's, else chosen by the user (connection, then collection). */
async function pickCollection(ctx: Ctx, arg: unknown, placeHolder: string): Promise<CollectionRef | undefined> {
  if (isNode(arg) && arg.kind === 'collection') {
    const session = ctx.manager.get(arg.sessionId);
    return session ? { session, collection: arg.collection } : undefined;
  }
  const session = await pickSession(ctx, arg, {
    filter: (s) => s.collectionCount > 0,
    adjective: 'DDP connection with collections; subscribe first. No',
  });
  if (!session) return undefined;
  const names = session.collectionNames().sort();
  const collection = (
    await vscode.window.showQuickPick(
      names.map((n) => pickItem(n, n)),
      { placeHolder },
    )
  )?.value;
  return collection ? { session, collection } : undefined;
}

function storedHistory(ctx: Ctx): QueryHistory {
  const { history, dropped } = readQueryHistory(ctx.ext.globalState.get<unknown>(QUERY_HISTORY));
  if (dropped) void ctx.ext.globalState.update(QUERY_HISTORY, history);
  return history;
}

/** Step 1 when the collection has a history: a recent query (applied as it is), or "type one". */
async function pickRecent(recent: string[], current: string, collection: string): Promise<string | undefined | null> {
  const type = pickItem<string | null>(null, 'Type a filter or query...', current ? `now: ${current}` : undefined);
  type.alwaysShow = true;
  const items = [type, ...recent.map((q) => pickItem<string | null>(q, q, q === current ? 'current' : undefined))];
  const picked = await vscode.window.showQuickPick(items, {
    title: forPlainInput(`DDP: Filter ${collection}`),
    placeHolder: 'A recent query of this collection, or type a new filter',
    ignoreFocusOut: true,
  });
  return picked === undefined ? undefined : picked.value;
}

async function filterCollection(ctx: Ctx, arg: unknown): Promise<void> {
  const ref = await pickCollection(ctx, arg, 'Collection to filter');
  if (!ref) return;
  const { session, collection } = ref;
  const current = ctx.model.collectionView(session.id, collection).filter;
  const key = historyKey(session.url, collection);
  const recent = recentQueries(storedHistory(ctx), key);
  let text: string | undefined;
  if (recent.length) {
    const choice = await pickRecent(recent, current, collection);
    if (choice === undefined) return;
    if (choice !== null) text = choice;
  }
  text ??= await vscode.window.showInputBox({
    title: forPlainInput(`DDP: Filter ${collection}`),
    prompt:
      'Text: documents whose id or any value contains it. Or a MongoDB query: { done: false, priority: { $gte: 2 } }, ' +
      'optionally followed by , { sort: { priority: -1 }, fields: { title: 1 } }. Empty shows all.',
    placeHolder: '{ done: false }, { sort: { priority: -1 } }',
    value: current,
    ignoreFocusOut: true,
    validateInput: (v) => (isQueryText(v) ? validationMessage(validateFindQuery(v)) : undefined),
  });
  if (text === undefined) return;
  const refused = ctx.model.setFilter(session.id, collection, text);
  if (refused) {
    // Only a stored query that no longer parses gets here (the input box refuses the others).
    void showWarning(ctx.log, `The query was not applied: ${refused}`);
    return;
  }
  ctx.tree.refreshNode(ctx.model.collectionNode(session.id, collection));
  if (isQueryText(text)) {
    const next = rememberQuery(storedHistory(ctx), key, text);
    if (next) await ctx.ext.globalState.update(QUERY_HISTORY, next);
  }
}

/** The matching documents in the tree's order, projected, as exact EJSON in a read-only tab. */
async function openResults(ctx: Ctx, arg: unknown): Promise<void> {
  const ref = await pickCollection(ctx, arg, 'Collection whose documents to open');
  if (!ref) return;
  const { session, collection } = ref;
  const docs = session.documents(collection);
  if (!docs) {
    void showWarning(ctx.log, `${collection} is no longer on ${session.name}.`);
    return;
  }
  const page = ctx.model.collectionView(session.id, collection);
  const ids = page.index ? page.index.page(MAX_RESULTS_SHOWN) : [...take(docs.keys(), MAX_RESULTS_SHOWN)];
  const shown: Array<{ id: string; fields: Record<string, unknown> }> = [];
  for (const id of ids) {
    const fields = docs.get(id);
    if (fields) shown.push({ id, fields: page.query ? page.query.project(id, fields) : fields });
  }
  const text = resultsText({
    connection: session.name,
    collection,
    filter: page.filter,
    total: docs.size,
    matched: page.index ? page.index.count() : docs.size,
    docs: shown,
    at: Date.now(),
  });
  const doc = await vscode.workspace.openTextDocument(
    ctx.docs.textUri(`${collection} results (${session.name})`, text),
  );
  await vscode.window.showTextDocument(doc, { preview: false });
}

function* take<T>(it: Iterable<T>, n: number): Iterable<T> {
  if (n <= 0) return;
  let i = 0;
  for (const x of it) {
    yield x;
    if (++i >= n) return;
  }
}

export function registerQueryCommands(ctx: Ctx): vscode.Disposable[] {
  return [
    register(ctx, COMMANDS.filterCollection, (arg?: unknown) => filterCollection(ctx, arg)),
    register(ctx, COMMANDS.clearFilter, (arg?: unknown) => {
      if (!isNode(arg) || arg.kind !== 'collection') return;
      ctx.model.setFilter(arg.sessionId, arg.collection, '');
      ctx.tree.refreshNode(arg);
    }),
    register(ctx, COMMANDS.openQueryResults, (arg?: unknown) => openResults(ctx, arg)),
  ];
}
