// Status texts for the tree, the status bar and tooltips. Plain module: no VS Code API.
import type { Session, SessionState } from '../core/sessions';
import { describeTransport } from '../ddp';
import { COMMANDS, type CommandId } from './commands';
import { clockTime, plural } from './format';
import { forStatusBar } from './sanitize';
import { problemText } from './sessionLogText';

export interface ConnectionSnapshot {
  name: string;
  url: string;
  saved: boolean;
  state: SessionState;
  /** Epoch ms of the next reconnect attempt, while reconnecting. */
  reconnectAt?: number;
  attempt?: number;
  version?: string;
  session?: string;
  /** "WebSocket", "SockJS (xhr-streaming)", ... while connected. */
  transport?: string;
  userId?: string;
  subscriptions: number;
  readySubscriptions: number;
  collections: number;
  documents: number;
  lastError?: string;
  failure?: string;
  /** The data has not caught up since this drop (epoch ms). */
  staleSince?: number;
  /** `host:port` of the HTTP proxy the connection goes through. */
  proxy?: string;
}

export function snapshot(s: Session): ConnectionSnapshot {
  const subs = s.subscriptions().filter((x) => x.state !== 'stopped');
  let collections = 0;
  let documents = 0;
  for (const name of s.collectionNames()) {
    collections++;
    documents += s.documents(name)?.size ?? 0;
  }
  const state = s.state;
  const next = state === 'reconnecting' ? s.nextReconnect : undefined;
  return {
    name: s.name,
    url: s.url,
    saved: s.saved,
    state,
    reconnectAt: next?.at,
    attempt: next?.attempt,
    version: state === 'connected' ? s.version : undefined,
    session: state === 'connected' ? s.ddpSession : undefined,
    transport: state === 'connected' && s.transport ? describeTransport(s.transport) : undefined,
    userId: s.userId,
    subscriptions: subs.length,
    // Ready and caught up: a subscription waiting to be made again after a drop is not counted as ready.
    readySubscriptions: subs.filter((x) => x.state === 'ready' && s.freshness.timing(x.id)?.staleSince === undefined)
      .length,
    collections,
    documents,
    lastError: s.lastError && problemText(s.lastError),
    failure: s.failure && problemText(s.failure),
    staleSince: s.freshness.staleSince,
    proxy: s.proxy,
  };
}

/** "connected", "connecting", "reconnecting in 3s", "failed", "disconnected". */
export function stateText(s: Pick<ConnectionSnapshot, 'state' | 'reconnectAt'>, now: number): string {
  if (s.state === 'reconnecting') {
    if (s.reconnectAt === undefined) return 'reconnecting';
    const secs = Math.max(0, Math.ceil((s.reconnectAt - now) / 1000));
    return secs > 0 ? `reconnecting in ${secs}s` : 'reconnecting';
  }
  return s.state;
}

/** Connected again, but the re-sent subscriptions are not all ready: the data shown is still the old one. */
function catchingUp(s: Pick<ConnectionSnapshot, 'state' | 'staleSince'>): string {
  return s.state === 'connected' && s.staleSince !== undefined ? ' · catching up' : '';
}

/** Description of the connection row: the state, plus the user when logged in. */
export function connectionDescription(s: ConnectionSnapshot, now: number): string {
  const parts = [stateText(s, now) + catchingUp(s)];
  if (s.userId) parts.push(`user ${s.userId}`);
  return parts.join(' · ');
}

export type StatusTone = 'normal' | 'warning' | 'error';

export interface StatusBarView {
  text: string;
  tooltip: string;
  tone: StatusTone;
}

/** The status bar item: `$(plug) DDP: <name>` and the state (spinning icon while connecting). */
export function statusBarView(s: ConnectionSnapshot | undefined, now: number, others = 0): StatusBarView {
  if (!s) return { text: '$(plug) DDP', tooltip: 'DDP Explorer: no connection', tone: 'normal' };
  const state = stateText(s, now);
  const icon = s.state === 'connecting' || s.state === 'reconnecting' ? ' $(sync~spin)' : '';
  const text = `$(plug) DDP: ${forStatusBar(s.name)}${icon} ${state}${catchingUp(s)}`; // a name from settings shows no icons
  const tone: StatusTone = s.state === 'reconnecting' ? 'warning' : s.state === 'failed' ? 'error' : 'normal';
  let tooltip = connectionTooltip(s, now);
  if (others > 0) tooltip += `\n\n${plural(others, 'other connection')}`;
  tooltip += '\n\nClick for actions';
  return { text, tooltip, tone };
}

/** Plain-text tooltip: URL, state, DDP version, session, user, counts, last error. */
export function connectionTooltip(s: ConnectionSnapshot, now: number): string {
  const lines = [`${s.name}${s.saved ? '' : ' (not saved)'}`, s.url, `State: ${stateText(s, now)}`];
  if (s.proxy) lines.push(`Proxy: ${s.proxy}`);
  if (s.state === 'reconnecting' && s.attempt !== undefined) lines.push(`Reconnect attempt: ${s.attempt}`);
  if (s.version) lines.push(`DDP version: ${s.version}`);
  if (s.session) lines.push(`Session: ${s.session}`);
  if (s.transport) lines.push(`Transport: ${s.transport}`);
  lines.push(`User: ${s.userId ?? 'not logged in'}`);
  lines.push(
    `Subscriptions: ${s.subscriptions}${s.subscriptions ? ` (${s.readySubscriptions} ready)` : ''}`,
    `Collections: ${s.collections}`,
    `Documents: ${s.documents}${s.staleSince !== undefined ? ` (stale since ${clockTime(s.staleSince)}: catching up)` : ''}`,
  );
  if (s.failure) lines.push(`Failed: ${s.failure}`);
  else if (s.lastError && s.state !== 'connected') lines.push(`Last error: ${s.lastError}`);
  return lines.join('\n');
}

/** Actions offered by the status bar's quick pick for a state (command ids). */
export function actionsFor(state: SessionState, loggedIn: boolean): CommandId[] {
  const actions: CommandId[] = [];
  switch (state) {
    case 'connected':
      actions.push(
        COMMANDS.callMethod,
        COMMANDS.subscribe,
        loggedIn ? COMMANDS.logout : COMMANDS.login,
        COMMANDS.reconnect,
        COMMANDS.disconnect,
      );
      break;
    case 'connecting':
      actions.push(COMMANDS.disconnect);
      break;
    case 'reconnecting':
      actions.push(COMMANDS.reconnect, COMMANDS.disconnect);
      break;
    case 'failed':
    case 'disconnected':
      actions.push(COMMANDS.connect);
      break;
  }
  actions.push(COMMANDS.showLog);
  return actions;
}
