// The "DDP" LogOutputChannel: every line masked (frames, errors, results), frames only when traced.
import * as vscode from 'vscode';
import { SecretMasker } from '../../presentation/masker';
import type { FrameBatch } from '../../presentation/inspector/batch';
import { logMessage, forLog } from '../../presentation/sanitize';
import type { TraceSetting } from '../../core/config';
import type { TextLog } from '../../presentation/sessionLogText';

export class DdpLog implements TextLog, vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  trace: TraceSetting = 'off';
  private readonly masker = new SecretMasker();

  constructor() {
    this.channel = vscode.window.createOutputChannel('DDP', { log: true });
  }

  /** Remembers a secret value (token, password) so that it is masked wherever it would appear. */
  addSecret(value: string | undefined): void {
    this.masker.add(value);
  }

  secret(value: string): void {
    this.addSecret(value);
  }

  forgetSecret(value: string | undefined): void {
    this.masker.delete(value);
  }

  mask(text: string): string {
    return this.masker.mask(text);
  }

  /** The secret values masked in an inspector batch (SecretMasker.maskValuesIn). */
  maskValuesIn(batch: FrameBatch): FrameBatch {
    return this.masker.maskValuesIn(batch);
  }

  // Every line is escaped here, whoever built it: a server's newline, carriage return or ANSI escape never
  // starts a line of its own (see sanitize.ts).
  info(message: string): void {
    this.channel.info(logMessage(this.mask(message)));
  }
  warn(message: string): void {
    this.channel.warn(logMessage(this.mask(message)));
  }
  error(message: string): void {
    this.channel.error(logMessage(this.mask(message)));
  }
  frame(line: string): void {
    if (this.trace === 'messages') this.channel.info(forLog(this.mask(line)));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
    this.masker.clear();
  }
}
