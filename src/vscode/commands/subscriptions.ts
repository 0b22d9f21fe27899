// Subscribe... and Unsubscribe.
import * as vscode from 'vscode';
import { validateName, validateParams, parseParams } from '../../core/params';
import { formatParams } from '../../presentation/logFormat';
import { subscriptionStateText } from '../../presentation/tree/levels/subscription';
import { type Ctx, guarded, register, isActive, isNode, pickSession, recent, remember } from './context';
import { followSubscription } from './rateLimit';
import type { Session } from '../../core/sessions';
import { COMMANDS } from '../../presentation/commands';
import { pickItem, validationMessage } from './notify';
import { forPlainInput, forQuickInput } from '../../presentation/sanitize';

const RECENT_PUBS = 'ddpExplorer.recentPublications';

/** Subscribes and, if the server's rate limiter ends the subscription, offers Retry once the wait is over. */
async function subscribeFollowing(ctx: Ctx, session: Session, name: string, params: unknown[]): Promise<string> {
  const id = await session.subscribe(name, params);
  followSubscription(ctx.log, session, id, name, () =>
    guarded(ctx, 'subscribe', subscribeFollowing)(ctx, session, name, params),
  );
  return id;
}

export function registerSubscriptionCommands(ctx: Ctx): vscode.Disposable[] {
  return [
    register(ctx, COMMANDS.subscribe, async (arg?: unknown) => {
      const session = await pickSession(ctx, arg, {
        filter: isActive,
        adjective: 'open',
        placeHolder: 'Subscribe on which connection?',
      });
      if (!session) return;
      const pubs = recent(ctx, RECENT_PUBS);
      const name = await vscode.window.showInputBox({
        title: forPlainInput(`DDP: Subscribe on ${session.name} (1/2)`),
        prompt: forQuickInput('Publication name' + (pubs.length ? `. Recent: ${pubs.slice(0, 5).join(', ')}` : '')),
        placeHolder: forPlainInput(pubs[0] ?? 'publication name'),
        ignoreFocusOut: true,
        validateInput: (t) => (!t.trim() && pubs[0] ? undefined : validationMessage(validateName(t, 'publication'))),
      });
      if (name === undefined) return;
      const pub = name.trim() || pubs[0];
      if (!pub) return;
      const text = await vscode.window.showInputBox({
        title: forPlainInput(`DDP: Subscribe to ${pub} (2/2)`),
        prompt: 'Params as an EJSON array, e.g. ["abc", {"$date": 0}] (empty for none)',
        placeHolder: '[]',
        ignoreFocusOut: true,
        validateInput: (t) => validationMessage(validateParams(t)),
      });
      if (text === undefined) return;
      const parsed = parseParams(text);
      if (!parsed.ok) return;
      await remember(ctx, RECENT_PUBS, pub);
      ctx.status.setCurrent(session);
      return subscribeFollowing(ctx, session, pub, parsed.params);
    }),

    register(ctx, COMMANDS.unsubscribe, async (arg?: unknown) => {
      if (isNode(arg) && arg.kind === 'subscription') {
        ctx.manager.get(arg.sessionId)?.unsubscribe(arg.subId);
        return;
      }
      const session = await pickSession(ctx, arg, {
        filter: (s) => s.subscriptions().length > 0,
        adjective: 'subscribed',
      });
      if (!session) return;
      const items = session
        .subscriptions()
        .map((s) =>
          pickItem(
            s.id,
            s.name,
            `${formatParams(s.params).trim()} ${subscriptionStateText(s, session.freshness.timing(s.id))}`.trim(),
          ),
        );
      const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Subscription to stop' });
      if (picked) session.unsubscribe(picked.value);
    }),
  ];
}
