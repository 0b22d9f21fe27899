// End-to-end steps for the SockJS transport (issue 15), run by test/e2e/run.ts as scenario 15
// (`E2E_ONLY=15 npm run test:e2e`): a second demo server with WebSockets disabled (as Meteor with
// DISABLE_WEBSOCKETS=1, `npm start -- --sockjs`), reached through Connect to Server..., subscribed to, and the
// connection's tooltip naming the transport.
import * as http from 'node:http';
import { startDemoServer, type DemoServer } from '../demo/server';
import { freePort } from '../tooling/codeserver';
import { type Workbench, escapeRe, until } from './workbench';

export interface SockJsHarness {
  wb: Workbench;
  /** The scenario-1 demo server (its connection's rows are collapsed so that row names stay unambiguous). */
  demo: DemoServer;
  step(name: string, fn: () => Promise<string | void>): Promise<boolean>;
}

export async function sockJsScenario(h: SockJsHarness): Promise<void> {
  const { wb } = h;
  const sockjs = await startDemoServer({ port: await freePort(0), disableWebsockets: true, bigCount: 10 });
  const host = `127.0.0.1:${sockjs.port}`;
  const conn = new RegExp(`^${escapeRe(host)}`);
  try {
    await h.step('The demo server with WebSockets disabled refuses a raw WebSocket (HTTP 404)', async () => {
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const headers = {
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        };
        const req = http.get(`${sockjs.httpUrl}/websocket`, { headers });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode);
        });
        req.on('upgrade', (_res, socket) => {
          socket.destroy();
          resolve(101);
        });
        req.on('error', reject);
      });
      if (status !== 404) throw new Error(`expected 404 on the /websocket upgrade, got ${status}`);
      const info = (await (await fetch(`${sockjs.httpUrl}/sockjs/info`)).json()) as { websocket: boolean };
      if (info.websocket !== false) throw new Error(`/sockjs/info says websocket ${info.websocket}`);
      return `/websocket → 404, /sockjs/info → websocket: false (${sockjs.url})`;
    });

    await h.step('Connect to Server... with its address connects over SockJS', async () => {
      await wb.collapseIfShown(new RegExp(`^${escapeRe(`127.0.0.1:${h.demo.port}`)}`));
      await wb.runCommand('DDP: Connect to Server...');
      await wb.waitForInputBox(undefined, 15_000);
      await wb.submit(sockjs.url);
      await wb.waitForRow(new RegExp(`${conn.source}.*connected`, 'i'), 30_000);
      return `row "${host} connected"`;
    });

    await h.step('Subscribe to tasks over SockJS: the documents are in the tree', async () => {
      await wb.runCommand('DDP: Subscribe...');
      // With several connections the command asks which one.
      await wb.pickItem(conn, undefined, 3000).catch(() => undefined);
      await wb.waitForInputBox(undefined, 15_000);
      await wb.submit('tasks');
      await wb.waitForInputBox(undefined, 15_000);
      await wb.submit('');
      await until(
        () => sockjs.subscriptions.some((s) => s.name === 'tasks'),
        'tasks to reach the SockJS server',
        10_000,
      );
      await wb.expand(conn);
      await wb.expand(/^Collections/);
      const count = sockjs.data.tasks.docs.size;
      const tasksRow = new RegExp(`^tasks\\b.*\\b${count} documents?`);
      await wb.expand(tasksRow, 15_000);
      await wb.waitForRow(/^task-1\b/, 10_000);
      const title = `Changed over SockJS ${Date.now() % 100000}`;
      sockjs.data.tasks.update('task-1', { title });
      await wb.waitForRow(new RegExp(escapeRe(title)), 5000);
      return `tasks: ${count} documents; a server change arrived over xhr-streaming`;
    });

    await h.step('The connection tooltip says "Transport: SockJS (xhr-streaming)"', async () => {
      const row = await wb.waitForRow(new RegExp(`${conn.source}.*connected`, 'i'));
      const hover = wb.page.locator('.workbench-hover, .monaco-hover').filter({ hasText: /Transport:/ });
      const text = await until(
        async () => {
          await row.hover();
          return (
            (await hover
              .first()
              .innerText({ timeout: 1500 })
              .catch(() => '')) || undefined
          );
        },
        'the connection tooltip',
        15_000,
      );
      const line = /Transport: [^\n]+/.exec(text)?.[0];
      if (line !== 'Transport: SockJS (xhr-streaming)') throw new Error(`tooltip: ${JSON.stringify(text)}`);
      await wb.screenshot('s15-tooltip');
      return line;
    });
  } finally {
    await sockjs.stop();
  }
}
