// Third-party DDP servers from npm, run in-process as real negative fixtures: each answers a failed method with a
// frame that is not standard DDP, which is exactly what the client must cope with.
//   - ddp-server-reactive 0.4: `{"id","error"}` without `msg` for a failed method; `{"msg":"updated","id"}`.
//   - Tarang's ddp-server 0.5: the same error frames, `{"server_id":0}`, and `connected` with a numeric
//     `session_id` instead of `session`; it never answers pings.

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

type Methods = Record<string, (...params: any[]) => unknown>;

export interface ThirdPartyServer {
  url: string;
  close(): Promise<void>;
}

async function listening(server: http.Server): Promise<string> {
  if (!server.listening) await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/websocket`;
}

/** Closes the server and destroys its sockets, upgraded ones included (http tracks only those still speaking HTTP). */
function closer(server: http.Server): () => Promise<void> {
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
}

/** ddp-server-reactive, with `methods` and reactive collections published under their names. */
export async function startReactiveServer(
  methods: Methods,
  collections: Record<string, Record<string, Record<string, unknown>>> = {},
): Promise<ThirdPartyServer> {
  const DDPServer = require('ddp-server-reactive') as new (opts: object) => {
    publish(name: string): Record<string, object>;
  };
  const httpServer = http.createServer();
  const close = closer(httpServer);
  httpServer.listen(0, '127.0.0.1');
  const server = new DDPServer({ httpServer, methods });
  for (const [name, docs] of Object.entries(collections)) {
    const published = server.publish(name);
    for (const [id, doc] of Object.entries(docs)) published[id] = doc;
  }
  return { url: await listening(httpServer), close };
}

/** Tarang's ddp-server. It creates and listens on its own http server, which is caught here to close it. */
export async function startTarangServer(methods: Methods): Promise<ThirdPartyServer> {
  const DDPServer = require('ddp-server') as new (opts: object) => { listen(port: number): void };
  // The module object itself (an ES namespace import is read-only), as the library's own require('http') sees it.
  const httpModule = require('node:http') as { createServer: typeof http.createServer };
  const create = httpModule.createServer;
  let httpServer: http.Server | undefined;
  httpModule.createServer = ((...args: Parameters<typeof http.createServer>) =>
    (httpServer = create.apply(httpModule, args))) as typeof http.createServer;
  let server: { listen(port: number): void };
  try {
    server = new DDPServer({ methods });
  } finally {
    httpModule.createServer = create;
  }
  if (!httpServer) throw new Error('ddp-server did not create its http server');
  const close = closer(httpServer);
  server.listen(0);
  return { url: await listening(httpServer), close };
}
