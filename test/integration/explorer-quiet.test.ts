// A server's `server_id` greetings (old Meteor, Rocket.Chat) and message types DDP Explorer does not know are
// ignored quietly by the explorer too: no warning, no error, no "protocol error" line in the DDP log; with
// `ddpExplorer.trace: "messages"` they appear only as the trace lines every frame gets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionManager } from '../../src/core/sessions';
import { textLog } from '../../src/presentation/sessionLogText';
import { startScriptServer } from '../support/scriptServer';
import { waitUntil } from '../support/wait';

test('server_id and unknown message types leave no warning or error in the log, only trace lines', async (t) => {
  const server = await startScriptServer({ autoConnect: false });
  t.after(() => server.close());
  const lines: string[] = [];
  const manager = new SessionManager({
    log: textLog({
      info: (m) => lines.push(`info ${m}`),
      warn: (m) => lines.push(`warn ${m}`),
      error: (m) => lines.push(`error ${m}`),
      frame: (m) => lines.push(`trace ${m}`),
    }),
  });
  t.after(() => manager.dispose());
  manager.updateSettings({ ...manager.current, trace: 'messages' });
  const s = manager.addAdHoc(server.url, 'quiet');
  const connected = s.connect();
  const conn = await server.nextConnection();
  conn.send({ server_id: '0' });
  await conn.next('connect');
  conn.accept();
  await connected;
  conn.send({ msg: 'server_id', server_id: '0' });
  conn.send({ msg: 'some-future-message', data: [1] });
  conn.send({});
  // A document after them: once it is in, every frame before it has been handled.
  conn.send({ msg: 'added', collection: 'c', id: 'a', fields: { ok: true } });
  await waitUntil(() => s.document('c', 'a') !== undefined);
  assert.deepEqual(
    lines.filter((l) => l.startsWith('warn') || l.startsWith('error')),
    [],
  );
  assert.ok(lines.some((l) => l.startsWith('trace') && l.includes('some-future-message')));
  assert.ok(lines.some((l) => l.startsWith('trace') && l.includes('server_id')));
});
