// The "DDP" LogOutputChannel: every line masked (frames, errors, results), frames only when traced.
import * as vscode from 'vscode';
import { maskSecrets } from '../ddp';
import type { TraceSetting } from '../config';
import type { SessionLog } from '../sessions';

/** Secrets shorter than this are not masked by value (they would hide ordinary text); patterns still apply. */
const MIN_SECRET_LENGTH = 6;

export class DdpLog implements SessionLog, vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  trace: TraceSetting = 'off';
  private readonly secrets = new Set<string>();

  constructor() {
    this.channel = vscode.window.createOutputChannel('DDP', { log: true });
  }

  /** Remembers a secret value (token, password) so that it is masked wherever it would appear. */
  addSecret(value: string | undefined): void {
    if (value && value.length >= MIN_SECRET_LENGTH) this.secrets.add(value);
  }

  secret(value: string): void {
    this.addSecret(value);
  }

  forgetSecret(value: string | undefined): void {
    if (value) this.secrets.delete(value);
  }

  mask(text: string): string {
    let out = maskSecrets(text);
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join('***');
    return out;
  }

  info(message: string): void {
    this.channel.info(this.mask(message));
  }
  warn(message: string): void {
    this.channel.warn(this.mask(message));
  }
  error(message: string): void {
    this.channel.error(this.mask(message));
  }
  frame(line: string): void {
    if (this.trace === 'messages') this.channel.info(this.mask(line));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
    this.secrets.clear();
  }
}
