// Subscribe to Stream... (Rocket.Chat's streams, with their param shape) and Open Event (one stream event as exact
// EJSON). What a stream is, and how its events are kept: src/ddp/streams.ts, src/core/streams.ts.
import * as vscode from 'vscode';
import { streamParams } from '../../ddp';
import { validateName } from '../../core/params';
import type { Session } from '../../core/sessions';
import { COMMANDS } from '../../presentation/commands';
import { forPlainInput, forQuickInput } from '../../presentation/sanitize';
import { eventTime } from '../../presentation/tree/levels/streamEvent';
import { type Ctx, register, isActive, isNode, pickSession } from './context';
import { showWarning } from './notify';

interface StreamChoice {
  name: string;
  description: string;
  /** What the event name is for this stream, shown while it is typed. */
  eventHint: string;
  /** A template for the event name (`{userId}`: the logged-in user's id). */
  example: string;
}

/** Rocket.Chat's common streams (its realtime API documentation's "Subscriptions"). */
export const ROCKET_CHAT_STREAMS: readonly StreamChoice[] = [
  {
    name: 'stream-room-messages',
    description: 'new and edited messages of a room',
    eventHint: 'The room id (e.g. GENERAL), or __my_messages__ for the messages of every room you are in',
    example: 'GENERAL',
  },
  {
    name: 'stream-notify-user',
    description: 'events for you: notification, message, rooms-changed, subscriptions-changed, otr, webrtc',
    eventHint: '<userId>/<event>, e.g. <userId>/notification or <userId>/rooms-changed (your own user id only)',
    example: '{userId}/notification',
  },
  {
    name: 'stream-notify-room',
    description: 'events of a room: deleteMessage, typing, user-activity',
    eventHint: '<roomId>/<event>, e.g. GENERAL/deleteMessage or GENERAL/user-activity',
    example: 'GENERAL/deleteMessage',
  },
  {
    name: 'stream-notify-logged',
    description: 'events for every logged-in user: user-status, Users:NameChanged, roles-change, updateAvatar',
    eventHint: 'The event, e.g. user-status, Users:NameChanged, roles-change, updateAvatar',
    example: 'user-status',
  },
  {
    name: 'stream-notify-all',
    description: 'events for everyone: public-settings-changed, deleteCustomSound, updateEmojiCustom',
    eventHint: 'The event, e.g. public-settings-changed or updateEmojiCustom',
    example: 'public-settings-changed',
  },
];

async function pickStream(session: Session): Promise<StreamChoice | undefined> {
  const items = ROCKET_CHAT_STREAMS.map((s) => ({ label: s.name, description: s.description, choice: s }));
  const picked = await vscode.window.showQuickPick(items, {
    title: forPlainInput(`DDP: Subscribe to Stream on ${session.name} (1/2)`),
    placeHolder: 'Rocket.Chat stream',
    matchOnDescription: true,
    ignoreFocusOut: true,
  });
  return picked?.choice;
}

export function registerStreamCommands(ctx: Ctx): vscode.Disposable[] {
  return [
    register(ctx, COMMANDS.subscribeStream, async (arg?: unknown) => {
      const session = await pickSession(ctx, arg, {
        filter: isActive,
        adjective: 'open',
        placeHolder: 'Subscribe on which connection?',
      });
      if (!session) return;
      const stream = await pickStream(session);
      if (!stream) return;
      const example = stream.example.replace('{userId}', session.userId ?? '<userId>');
      const eventName = await vscode.window.showInputBox({
        title: forPlainInput(`DDP: Subscribe to ${stream.name} (2/2)`),
        prompt: forQuickInput(`Event name. ${stream.eventHint}`),
        placeHolder: forPlainInput(example),
        value: example.includes('<') ? undefined : example,
        ignoreFocusOut: true,
        validateInput: (t) => (t.trim() ? validateName(t, 'event') : 'Enter an event name'),
      });
      if (eventName === undefined) return;
      ctx.status.setCurrent(session);
      // Rocket.Chat's shape: [eventName, { useCollection: false, args: [] }].
      return session.subscribe(stream.name, streamParams(eventName.trim()));
    }),

    // The log is bounded anyway (ddpExplorer.streams.maxEvents); clearing is for reading what comes next on its own.
    register(ctx, COMMANDS.clearStream, (arg?: unknown) => {
      if (!isNode(arg) || arg.kind !== 'stream') return;
      ctx.manager.get(arg.sessionId)?.clearStream(arg.collection);
    }),

    register(ctx, COMMANDS.openStreamEvent, async (arg?: unknown) => {
      if (!isNode(arg) || arg.kind !== 'streamEvent') return;
      const event = ctx.manager.get(arg.sessionId)?.streams.event(arg.collection, arg.seq);
      if (!event) {
        void showWarning(
          ctx.log,
          `That event of ${arg.collection} is no longer kept (each stream keeps its latest ddpExplorer.streams.maxEvents).`,
        );
        return;
      }
      // Exactly what the server sent (fields eventName and args), EJSON; the time it arrived in the tab's name.
      const uri = ctx.docs.resultUri(`${arg.collection} ${event.eventName} ${eventTime(event.at)}`, {
        eventName: event.eventName,
        args: event.args,
      });
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { preview: true });
    }),
  ];
}
