// A local HTTP CONNECT proxy for the tests: a plain node:http server handling 'connect'. It counts the tunnels
// it opened (proof that a connection went through it), records every CONNECT (target and Proxy-Authorization),
// can demand Basic credentials (407 otherwise) or refuse every tunnel with a chosen status, and closes every
// socket on stop().
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ConnectProxyOptions {
  /** Require `Proxy-Authorization: Basic base64(user:password)`; anything else gets 407. */
  auth?: { user: string; password: string };
  /** Answer every CONNECT with this status (403, 502, ...) instead of opening a tunnel. */
  refuse?: { status: number; text: string };
  /** Accept the CONNECT and never answer it. */
  silent?: boolean;
}

export interface ConnectRequest {
  /** `host:port` asked for. */
  target: string;
  /** The Proxy-Authorization header, as received. */
  authorization?: string;
  /** The answer's status (0 while a silent proxy holds it). */
  status: number;
}

export interface ConnectProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Tunnels opened (CONNECT answered 200). */
  readonly tunnels: number;
  readonly requests: readonly ConnectRequest[];
  /** Client sockets currently open to the proxy. */
  readonly openSockets: number;
  /** Resolves when `n` CONNECT requests have arrived. */
  requested(n: number): Promise<void>;
  /** Resolves when no client socket is open any more. */
  drained(): Promise<void>;
  stop(): Promise<void>;
}

export async function startConnectProxy(options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const server = http.createServer((_req, res) => {
    res.writeHead(405, { Connection: 'close' }).end('CONNECT only\n');
  });
  const sockets = new Set<net.Socket>();
  const requests: ConnectRequest[] = [];
  const waiters: Array<() => void> = [];
  let tunnels = 0;
  const poke = () => {
    for (const w of waiters.splice(0)) w();
  };
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      poke();
    });
  });
  const expected = options.auth
    ? `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString('base64')}`
    : undefined;
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const record: ConnectRequest = {
      target: req.url ?? '',
      authorization: req.headers['proxy-authorization'],
      status: 0,
    };
    requests.push(record);
    poke();
    client.on('error', () => client.destroy());
    // http.Server keeps sockets half-open: a client that gave up before the tunnel opened is gone for good.
    client.once('end', () => {
      if (record.status !== 200) client.destroy();
    });
    const answer = (status: number, text: string) => {
      record.status = status;
      client.end(
        `HTTP/1.1 ${status} ${text}\r\n${status === 407 ? 'Proxy-Authenticate: Basic realm="test"\r\n' : ''}Content-Length: 0\r\nConnection: close\r\n\r\n`,
      );
    };
    if (options.silent) return;
    if (expected !== undefined && record.authorization !== expected)
      return answer(407, 'Proxy Authentication Required');
    if (options.refuse) return answer(options.refuse.status, options.refuse.text);
    const [host, port] = splitTarget(record.target);
    const upstream = net.connect(port, host);
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    upstream.once('connect', () => {
      record.status = 200;
      tunnels++;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
      poke();
    });
    upstream.on('error', () => {
      if (record.status === 0) answer(502, 'Bad Gateway');
      client.destroy();
    });
    client.once('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const until = (ok: () => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => (ok() ? resolve() : waiters.push(check));
      check();
    });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get tunnels() {
      return tunnels;
    },
    requests,
    get openSockets() {
      return [...sockets].filter((s) => s.remoteAddress === '127.0.0.1' && s.localPort === port).length;
    },
    requested: (n) => until(() => requests.length >= n),
    drained: () => until(() => ![...sockets].some((s) => s.localPort === port)),
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function splitTarget(target: string): [string, number] {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target);
  return m ? [m[1], Number(m[2])] : [target, 80];
}
