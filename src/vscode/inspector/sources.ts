// Where an inspector's frames come from: one of our connections, a client of a tap, or a capture file.
import type { Capture } from '../../core/capture';
import { ClientCapture } from '../../core/clientCapture';
import type { Session } from '../../core/sessions';
import type { SourceInfo } from '../../presentation/inspector/protocol';

export interface FrameSource {
  /** Identifies the inspector: one panel per key, and what a panel restored after a reload reopens. */
  readonly key: string;
  readonly capture: Capture;
  info(): SourceInfo;
  onInfoChange(listener: () => void): () => void;
  /** Our own connections can send a captured method or sub again. */
  readonly session?: Session;
  dispose(): void;
}

export function sessionKey(session: Session): string {
  return `session:${session.id}`;
}

/** Captures one of our connections from the moment the inspector opens, across reconnects and new clients. */
export class SessionSource implements FrameSource {
  readonly key: string;
  private readonly follower: ClientCapture;

  constructor(
    readonly session: Session,
    maxFrames: number,
  ) {
    this.key = sessionKey(session);
    this.follower = new ClientCapture(session, maxFrames);
  }

  get capture(): Capture {
    return this.follower.capture;
  }

  info(): SourceInfo {
    const s = this.session;
    return { title: s.name, detail: `${s.url} · ${s.state}`, live: true, canResend: s.state === 'connected' };
  }

  onInfoChange(listener: () => void): () => void {
    return this.session.onChange((change) => {
      if (change.type === 'state') listener();
    });
  }

  dispose(): void {
    this.follower.dispose();
  }
}

/** A capture read from a JSON Lines file: offline, nothing to resend. */
export class FileSource implements FrameSource {
  readonly key: string;

  constructor(
    readonly path: string,
    readonly capture: Capture,
    private readonly note: string,
  ) {
    this.key = `file:${path}`;
  }

  info(): SourceInfo {
    const name = this.path.split(/[\\/]/).pop() ?? this.path;
    return {
      title: name,
      detail: `${this.path} · offline${this.note ? ` · ${this.note}` : ''}`,
      live: false,
      canResend: false,
    };
  }

  onInfoChange(): () => void {
    return () => undefined;
  }

  dispose(): void {}
}
