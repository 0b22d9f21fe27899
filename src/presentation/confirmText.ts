// The words of the question a `confirm` connection asks before sending (src/core/writePolicy.ts decides when).
// Plain module: no VS Code API; the adapter shows it as a modal through notify.ts, which escapes it for that sink.
import type { GuardedRequest } from '../core/writePolicy';
import { formatParams } from './logFormat';

export interface ConfirmQuestion {
  message: string;
  detail: string;
  /** The button that sends; the modal's own Cancel sends nothing. */
  action: string;
}

export function confirmQuestion(request: GuardedRequest): ConfirmQuestion {
  // Params as the log shows them: secrets masked, long ones cut.
  const params = formatParams(request.params).trim() || '(no params)';
  if (request.kind === 'method') {
    return {
      message: `Call ${request.name} on ${request.connection}?`,
      detail: `Params: ${params}\n"${request.connection}" asks before every method call (its "confirm" setting in ddpExplorer.connections).`,
      action: 'Call',
    };
  }
  return {
    message: `Subscribe to ${request.name} on ${request.connection}?`,
    detail: `Params: ${params}\n"${request.connection}" asks before every method call and subscription (its "confirm" setting is "all").`,
    action: 'Subscribe',
  };
}
