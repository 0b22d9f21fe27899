// The inspector and the tap, registered together (extension.ts adds this one line to its composition).
import type * as vscode from 'vscode';
import type { Ctx } from '../commands/context';
import { registerInspector } from './register';
import { registerTaps } from './taps';

export function registerInspectorFeatures(ctx: Ctx): vscode.Disposable[] {
  const { inspectors, disposables } = registerInspector(ctx);
  return [...disposables, ...registerTaps(ctx, inspectors)];
}
