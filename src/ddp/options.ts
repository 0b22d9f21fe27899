import type { ConnectionOptions } from './connection';
import type { DdpClientOptions } from './types';

/** The connection's settings from the client's options: the documented defaults filled in. */
export function connectionOptions(options: DdpClientOptions, sockJsUrl = false): ConnectionOptions {
  return {
    autoReconnect: options.autoReconnect ?? true,
    autoReconnectTimeout: options.autoReconnectTimeout ?? 500,
    maxReconnectTimeout: options.maxReconnectTimeout ?? 30000,
    heartbeatInterval: options.heartbeatInterval ?? 17500,
    heartbeatTimeout: options.heartbeatTimeout ?? 15000,
    connectTimeout: options.connectTimeout ?? 10000,
    versions: options.versions?.length ? [...options.versions] : ['1', 'pre2', 'pre1'],
    headers: options.headers,
    rejectUnauthorized: options.rejectUnauthorized,
    ca: options.ca,
    maxPayload: options.maxPayload ?? 64 * 1024 * 1024,
    compression: options.compression ?? false,
    transport: options.transport ?? 'auto',
    sockJsUrl,
    sockjsTransports: options.sockjsTransports?.length
      ? [...options.sockjsTransports]
      : ['websocket', 'xhr-streaming', 'xhr-polling'],
    agent: options.agent,
    proxy: options.proxy,
    noProxy: options.noProxy,
  };
}
