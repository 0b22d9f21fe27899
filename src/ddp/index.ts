export { DdpClient } from './client';
export {
  DdpClientError,
  DdpError,
  DdpConnectionError,
  isDdpError,
  isDdpConnectionError,
  isRateLimited,
  RATE_LIMIT_ERROR,
  type ConnectionErrorCode,
  type RateLimit,
} from './errors';
export { normalizeUrl } from './url';
export { maskSecrets } from './mask';
export { ObjectID, fromEJSON, toEJSON, parseEJSON, stringifyEJSON, ejsonEquals } from './ejson';
export { passwordLoginParams } from './accounts';
export { STREAM_PREFIX, streamEventOf, streamParams } from './streams';
export type { SubscriptionInfo, SubscriptionState } from './subscriptions';
export type { ServerMessage, ClientMessage } from './messages';
export type * from './types';
export { describeTransport } from './transport/socket';
