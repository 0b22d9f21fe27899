// Records one session's frames (across its clients: each connect() makes a new one) into a Capture.
// Plain module: no VS Code API.
import type { RawFrame } from '../ddp';
import { Capture } from './capture';

/** What a capture needs of a session: its frames, across reconnects (Session.onFrame). */
export interface FrameSource {
  onFrame(listener: (frame: RawFrame) => void): () => void;
}

export class ClientCapture {
  readonly capture: Capture;
  private readonly unwatch: () => void;

  constructor(source: FrameSource, maxFrames?: number) {
    this.capture = new Capture(maxFrames);
    this.unwatch = source.onFrame((f) => this.capture.recordFrame(f));
  }

  dispose(): void {
    this.unwatch();
  }
}
