// Follows one session's DdpClient (each connect() makes a new one) and records its frames into a Capture.
// Plain module: no VS Code API.
import type { DdpClient, RawFrame } from '../ddp';
import { Capture } from './capture';

/** What a capture needs of a session: its current client and a signal when that may have changed. */
export interface ClientSource {
  readonly client: DdpClient | undefined;
  onChange(listener: () => void): () => void;
}

export class ClientCapture {
  readonly capture: Capture;
  private attached: DdpClient | undefined;
  private readonly unwatch: () => void;
  private readonly listener = (f: RawFrame) => this.capture.record(f.direction, f.text, f.at);

  constructor(
    private readonly source: ClientSource,
    maxFrames?: number,
  ) {
    this.capture = new Capture(maxFrames);
    this.follow();
    this.unwatch = source.onChange(() => this.follow());
  }

  /** Moves the tap to the session's current client; the client is created before its socket opens, so no frame is missed. */
  private follow(): void {
    const client = this.source.client;
    if (client === this.attached) return;
    this.attached?.off('message', this.listener);
    this.attached = client;
    client?.on('message', this.listener);
  }

  dispose(): void {
    this.unwatch();
    this.attached?.off('message', this.listener);
    this.attached = undefined;
  }
}
