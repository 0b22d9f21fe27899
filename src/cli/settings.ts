// The CLI reads environments where the editor keeps them: `ddpExplorer.environments` in the workspace's
// .vscode/settings.json (JSON with comments), so that CI runs a file exactly as the editor does.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, type ParseError } from 'jsonc-parser';
import { parseEnvironments, type Environments } from '../core/ddpFile/environments';

export function readWorkspaceEnvironments(root: string): Environments & { source?: string } {
  const file = path.join(root, '.vscode', 'settings.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return parseEnvironments(undefined);
  }
  const errors: ParseError[] = [];
  const settings: unknown = parse(text, errors, { allowTrailingComma: true });
  if (errors.length || settings === null || typeof settings !== 'object') {
    return { ...parseEnvironments(undefined), problems: [`${file} is not valid JSON`], source: file };
  }
  return { ...parseEnvironments((settings as Record<string, unknown>)['ddpExplorer.environments']), source: file };
}
