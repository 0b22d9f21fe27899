// `{{$dotenv NAME}}`: a `.env` file beside the .ddp file, then one in the workspace root. Parsed by dotenv; a
// missing or unreadable file is simply no values.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'dotenv';

export function readDotenv(file: string): Record<string, string> {
  try {
    return parse(fs.readFileSync(file));
  } catch {
    return {};
  }
}

/** The dotenv lookup for a .ddp file: the `.env` beside it wins over the workspace root's. */
export function dotenvFor(
  ddpPath: string | undefined,
  workspaceRoot: string | undefined,
): (name: string) => string | undefined {
  const files: string[] = [];
  if (ddpPath) files.push(path.join(path.dirname(ddpPath), '.env'));
  if (workspaceRoot) {
    const root = path.join(workspaceRoot, '.env');
    if (!files.includes(root)) files.push(root);
  }
  let values: Array<Record<string, string>> | undefined;
  return (name) => {
    values ??= files.map(readDotenv);
    for (const v of values) if (Object.prototype.hasOwnProperty.call(v, name)) return v[name];
    return undefined;
  };
}
