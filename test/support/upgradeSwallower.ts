// A TCP proxy for the tests that passes plain HTTP requests on to a server but swallows every WebSocket upgrade: it
// reads the request's headers and, for an `Upgrade: websocket`, holds the socket without ever answering (as some
// corporate proxies and buffering middleboxes do). Counts what it held; closes everything on stop().
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface UpgradeSwallower {
  readonly port: number;
  /** Upgrades swallowed so far. */
  readonly swallowed: number;
  /** Swallowed sockets the client has not closed yet. */
  readonly held: number;
  stop(): Promise<void>;
}

export async function startUpgradeSwallower(targetPort: number): Promise<UpgradeSwallower> {
  const sockets = new Set<net.Socket>();
  const held = new Set<net.Socket>();
  let swallowed = 0;
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => {
      sockets.delete(client);
      held.delete(client);
    });
    client.on('error', () => undefined);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      if (/^upgrade:\s*websocket\s*$/im.test(head.subarray(0, end).toString('latin1'))) {
        swallowed++;
        held.add(client);
        return;
      }
      const upstream = net.connect(targetPort, '127.0.0.1');
      sockets.add(upstream);
      upstream.on('close', () => {
        sockets.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.write(head);
      client.pipe(upstream);
      upstream.pipe(client);
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get swallowed() {
      return swallowed;
    },
    get held() {
      return held.size;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
