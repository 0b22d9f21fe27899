// The transport the reliability suites run on. `npm run test:integration` runs them over a raw WebSocket;
// `npm run test:sockjs` runs the same files again with DDP_TEST_TRANSPORT set, so every promise of the library
// (reconnects, call settling, limits, close() in every state) is checked on SockJS too, without copied tests.
//
//   DDP_TEST_TRANSPORT=websocket              raw WebSocket DDP (default)
//   DDP_TEST_TRANSPORT=sockjs-websocket       SockJS over its WebSocket transport (transport: 'sockjs')
//   DDP_TEST_TRANSPORT=sockjs-xhr-streaming   server with WebSockets disabled, client on 'auto' (falls back)
//   DDP_TEST_TRANSPORT=sockjs-xhr-polling     server with WebSockets disabled, client forced to xhr-polling

import type { DdpClientOptions, TransportName } from '../../src/ddp/types';

export interface TestTransport {
  name: TransportName;
  /** The real server serves SockJS's HTTP transports only (DISABLE_WEBSOCKETS=1). */
  httpOnly: boolean;
  /** What clients of the suites add to their options. */
  client: DdpClientOptions;
}

export const TEST_TRANSPORTS: Record<TransportName, TestTransport> = {
  websocket: { name: 'websocket', httpOnly: false, client: {} },
  'sockjs-websocket': { name: 'sockjs-websocket', httpOnly: false, client: { transport: 'sockjs' } },
  'sockjs-xhr-streaming': { name: 'sockjs-xhr-streaming', httpOnly: true, client: {} },
  'sockjs-xhr-polling': {
    name: 'sockjs-xhr-polling',
    httpOnly: true,
    client: { transport: 'sockjs', sockjsTransports: ['xhr-polling'] },
  },
};

/** The transport selected by DDP_TEST_TRANSPORT (raw WebSocket when unset). */
export function testTransport(): TestTransport {
  const name = process.env.DDP_TEST_TRANSPORT;
  if (!name) return TEST_TRANSPORTS.websocket;
  const found = TEST_TRANSPORTS[name as TransportName] as TestTransport | undefined;
  if (!found) throw new Error(`DDP_TEST_TRANSPORT=${name}: use one of ${Object.keys(TEST_TRANSPORTS).join(', ')}`);
  return found;
}

/**
 * Builds a mongodb-livedata-server with or without WebSockets: it reads DISABLE_WEBSOCKETS when its stream server
 * is constructed (not at import), so the variable is set just for that call.
 */
export function withWebsockets<T>(websockets: boolean, build: () => T): T {
  const before = process.env.DISABLE_WEBSOCKETS;
  if (websockets) delete process.env.DISABLE_WEBSOCKETS;
  else process.env.DISABLE_WEBSOCKETS = '1';
  try {
    return build();
  } finally {
    if (before === undefined) delete process.env.DISABLE_WEBSOCKETS;
    else process.env.DISABLE_WEBSOCKETS = before;
  }
}
