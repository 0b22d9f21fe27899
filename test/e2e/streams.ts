// End-to-end steps for Rocket.Chat streams and two-factor (issue 15), run by test/e2e/run.ts as scenario 16
// (`E2E_ONLY=16 npm run test:e2e`): a Rocket.Chat-shaped server (test/support/rocketChatServer.ts) is started here;
// the extension connects to it, logs in through the two-factor prompt (a wrong code first), subscribes with
// "Subscribe to Stream...", and shows the events the server sends as a log grouped by event name; one opens as EJSON.
import { RC_USER, RC_STREAMS, startRocketChatServer, type RocketChatServer } from '../support/rocketChatServer';
import { type Workbench, escapeRe, until } from './workbench';

export interface StreamsHarness {
  wb: Workbench;
  step(name: string, fn: () => Promise<string | void>): Promise<boolean>;
}

/** Visible texts of the rendered children of the first row matching `parent`. */
async function childrenOf(wb: Workbench, parent: RegExp): Promise<string[]> {
  const rows = await wb.rowInfo();
  const i = rows.findIndex((r) => parent.test(r.text));
  if (i < 0) return [];
  const out: string[] = [];
  for (let j = i + 1; j < rows.length && rows[j].level > rows[i].level; j++)
    if (rows[j].level === rows[i].level + 1) out.push(rows[j].text);
  return out;
}

export async function streamsScenario(h: StreamsHarness): Promise<void> {
  const { wb } = h;
  const rc: RocketChatServer = await startRocketChatServer();
  const name = new URL(rc.url).host;
  const connRow = new RegExp(`^${escapeRe(name)}\\b`);
  /** Commands ask which connection: scenario 1's connection to the demo server is open too. */
  const pickConnection = async () => {
    await wb.waitForInputBox(/on which connection/i, 15_000);
    await wb.pickItem(connRow, undefined, 10_000);
  };
  try {
    await h.step('Connect to a Rocket.Chat-shaped server', async () => {
      await wb.runCommand('DDP: Connect to Server...');
      await wb.waitForInputBox(undefined, 15_000);
      await wb.submit(rc.url);
      await wb.waitForRow(new RegExp(`^${escapeRe(name)}.*connected`, 'i'), 30_000);
    });

    const logIn = async (code: string) => {
      await wb.runCommand('DDP: Log In...');
      await pickConnection();
      await wb.waitForInputBox(undefined, 15_000);
      await wb.submit(RC_USER.username);
      await wb.waitForInputBox(/Log In/, 15_000);
      await wb.submit(RC_USER.password);
      await wb.waitForInputBox(/Two-factor code/i, 15_000);
      const type = await wb.quickInputBox().getAttribute('type');
      if (type !== 'password') throw new Error(`the code input is of type ${type}, not hidden`);
      const prompt = await wb.quickInputDescription();
      await wb.submit(code);
      return prompt;
    };

    await h.step('Log In: totp-required asks for the code (hidden); a wrong one shows the server reason', async () => {
      const prompt = await logIn('000000');
      const n = await wb.waitForNotification(/TOTP Invalid \[totp-invalid\]/, 10_000);
      return `prompt: "${prompt}"; notification: "${n}"`;
    });

    await h.step('Log In with the right code logs in', async () => {
      await wb.clearNotifications();
      await logIn(RC_USER.code);
      const n = await wb.waitForNotification(new RegExp(`Logged in to .* as ${RC_USER.id}`), 10_000);
      return `notification: "${n}"`;
    });

    await h.step('Subscribe to Stream... offers the Rocket.Chat streams and subscribes to room messages', async () => {
      await wb.runCommand('DDP: Subscribe to Stream...');
      await pickConnection();
      const labels = await until(
        async () => {
          const l = await wb.quickPickLabels();
          return RC_STREAMS.every((s) => l.some((x) => x.startsWith(s))) ? l : undefined;
        },
        'the five Rocket.Chat streams in the quick pick',
        10_000,
      );
      await wb.pickItem(/^stream-room-messages$/);
      await wb.waitForInputBox(/room id/i, 10_000);
      const prompt = await wb.quickInputDescription();
      await wb.submit('__my_messages__');
      await until(() => rc.subscribers('stream-room-messages', '__my_messages__') === 1, 'the subscription', 10_000);
      return `${labels.length} streams offered; prompt: "${prompt}"`;
    });

    await h.step('Events show as a log: Streams -> stream -> event names with counts (not a collection)', async () => {
      const sent: Array<[string, string]> = [
        ['GENERAL', 'hello'],
        ['random', 'off topic'],
        ['GENERAL', 'how are you'],
        ['random', 'anyone?'],
        ['GENERAL', 'the newest message'],
      ];
      for (const [rid, msg] of sent) rc.emit('stream-room-messages', rid, { _id: msg, rid, msg, ts: new Date() });
      // Earlier scenarios leave the demo connection expanded: its rows would push this one's out of view.
      await wb.collapseOtherConnections(connRow);
      await wb.expand(connRow);
      await wb.collapseIfShown(/^Subscriptions\b/);
      await wb.scrollToRow(/^Streams\b/);
      await wb.expand(/^Streams\b/);
      const streamRow = /^stream-room-messages\b.*5 events · 2 names/;
      await wb.waitForRow(streamRow, 10_000);
      await wb.expand(streamRow);
      await wb.waitForRow(/^GENERAL\b.*3 · last/, 5000);
      const groups = await childrenOf(wb, streamRow);
      if (!/^GENERAL\b/.test(groups[0] ?? '') || !/^random\b.*2 · last/.test(groups[1] ?? ''))
        throw new Error(`expected GENERAL (newest) then random, saw ${JSON.stringify(groups)}`);
      const collections = await childrenOf(wb, /^Collections\b/);
      if (collections.some((c) => c.startsWith('stream-')))
        throw new Error(`a stream shows as a collection: ${collections}`);
      return `event names: ${JSON.stringify(groups)}`;
    });

    await h.step('An event opens as EJSON, exactly as sent', async () => {
      await wb.expand(/^GENERAL\b.*3 · last/);
      const events = await until(
        async () => {
          const c = await childrenOf(wb, /^GENERAL\b.*3 · last/);
          return c.length === 3 ? c : undefined;
        },
        'three event rows under GENERAL',
        5000,
      );
      if (!/the newest message/.test(events[0]))
        throw new Error(`newest first expected, saw ${JSON.stringify(events)}`);
      const label = (await wb.rowInfo()).find((r) => r.text === events[0])!.label;
      await wb.row(label).click();
      const text = await until(
        async () => {
          const t = await wb.editorText();
          return /"eventName": "GENERAL"/.test(t) && /the newest message/.test(t) ? t : undefined;
        },
        'the event in an editor',
        10_000,
      );
      return text.replace(/\s+/g, ' ').slice(0, 160);
    });

    await h.step('Clear Stream Log empties the stream; the next event shows on its own', async () => {
      await wb.rowAction(/^stream-room-messages\b/, 'Clear Stream Log');
      const empty = await wb.waitForRow(/^stream-room-messages\b.*subscribed · no events yet/, 10_000);
      const emptyText = (await empty.getAttribute('aria-label')) ?? '';
      rc.emit('stream-room-messages', 'GENERAL', {
        _id: 'after',
        rid: 'GENERAL',
        msg: 'after the clear',
        ts: new Date(),
      });
      await wb.waitForRow(/^stream-room-messages\b.*1 event · 1 name/, 10_000);
      return `cleared: "${emptyText}"`;
    });
  } finally {
    await rc.close();
  }
}
