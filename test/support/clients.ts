// Helpers to create DdpClients in tests and always close them.

import type { TestContext } from 'node:test';
import { DdpClient } from '../../src/ddp';
import type { DdpClientOptions } from '../../src/ddp/types';
import { testTransport } from './transports';
import { record, waitForEvent, type Recorder } from './wait';
import type { ScriptConnection, ScriptServer } from './scriptServer';

/** Fast defaults for tests: quick retries, no client heartbeat unless a test asks for one. */
export const FAST: DdpClientOptions = {
  autoReconnectTimeout: 30,
  maxReconnectTimeout: 200,
  heartbeatInterval: 0,
  connectTimeout: 2000,
  // The transport under test (DDP_TEST_TRANSPORT): the same suites run on raw WebSocket and on SockJS.
  ...testTransport().client,
};

/** A client closed when the test ends. */
export function newClient(t: TestContext, url: string, options: DdpClientOptions = {}): DdpClient {
  const c = new DdpClient(url, { ...FAST, ...options });
  t.after(() => c.close());
  return c;
}

/** A connected client (closed when the test ends). */
export async function connectedClient(t: TestContext, url: string, options: DdpClientOptions = {}): Promise<DdpClient> {
  const c = newClient(t, url, options);
  await c.connect();
  return c;
}

/** Records protocol errors so a test can assert there were none (or some). */
export function protocolErrors(c: DdpClient): Recorder<[string, string]> {
  return record(c, 'protocol_error');
}

/**
 * Fails the test if an unhandled rejection or uncaught exception happens while it runs.
 * Returns the list of those seen (checked by the caller at the end too).
 */
export function trapUnhandled(t: TestContext): unknown[] {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown) => seen.push(reason);
  const onException = (err: unknown) => seen.push(err);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  t.after(() => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  });
  return seen;
}

/** Resolves after the current macrotask and the unhandled-rejection pass that follows it. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** A free TCP port on 127.0.0.1 with nothing listening (connection refused). */
export async function refusedPort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as import('node:net').AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A connected client of a shared script server, with the server side of its connection. The server is shared by a
 * file's tests, so the connection is taken as this client opens it.
 */
export async function connectToScript(
  t: TestContext,
  server: ScriptServer,
  options: DdpClientOptions = {},
): Promise<{ c: DdpClient; conn: ScriptConnection }> {
  const c = newClient(t, server.url, options);
  const connP = waitForEvent<[ScriptConnection]>(server, 'connection');
  await c.connect();
  return { c, conn: (await connP)[0] };
}
