// Paths into values, as written after `result`, `error`, `doc <id>` and in `{{name.result...}}`: `.key`, `["key"]`
// and `[0]`. Reading a path never touches a prototype: only own properties are followed.
import type { PathStep } from './ast';

const KEY = /^[A-Za-z_$][\w$-]*/;

export type PathParse = { ok: true; steps: PathStep[]; rest: string } | { ok: false; error: string };

/** Reads path steps from the start of `text`; stops at the first character that cannot start a step. */
export function parsePath(text: string): PathParse {
  const steps: PathStep[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '.') {
      const m = KEY.exec(text.slice(i + 1));
      if (!m) return { ok: false, error: `expected a key after "." in "${text}"` };
      steps.push({ kind: 'key', key: m[0] });
      i += 1 + m[0].length;
    } else if (ch === '[') {
      const close = findClose(text, i + 1);
      if (close < 0) return { ok: false, error: `missing "]" in "${text}"` };
      const inner = text.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (inner.startsWith('"')) {
        let key: unknown;
        try {
          key = JSON.parse(inner);
        } catch {
          key = undefined;
        }
        if (typeof key !== 'string') return { ok: false, error: `bad key ${inner} in "${text}"` };
        steps.push({ kind: 'key', key });
      } else return { ok: false, error: `expected a number or a "quoted key" inside [] in "${text}"` };
      i = close + 1;
    } else break;
  }
  return { ok: true, steps, rest: text.slice(i) };
}

/** Index of the `]` closing a bracket step, skipping a quoted key. */
function findClose(text: string, from: number): number {
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === ']') return i;
  }
  return -1;
}

/** The canonical text of a path (`.a[0]["b c"]`); parsePath reads it back to the same steps. */
export function formatPath(steps: PathStep[]): string {
  return steps
    .map((s) =>
      s.kind === 'index' ? `[${s.index}]` : KEY.exec(s.key)?.[0] === s.key ? `.${s.key}` : `[${JSON.stringify(s.key)}]`,
    )
    .join('');
}

/** The value at `steps` inside `value`, or undefined when any step is missing. */
export function getPath(value: unknown, steps: PathStep[]): unknown {
  let v = value;
  for (const s of steps) {
    if (v === null || v === undefined) return undefined;
    if (s.kind === 'index') {
      if (!Array.isArray(v) && !(v instanceof Uint8Array)) return undefined;
      v = (v as ArrayLike<unknown>)[s.index];
    } else {
      if (typeof v !== 'object') {
        if (typeof v === 'string' && s.key === 'length') return v.length;
        return undefined;
      }
      if (v instanceof Map) {
        v = v.get(s.key);
        continue;
      }
      if (Array.isArray(v) && s.key === 'length') return v.length;
      if (!Object.prototype.hasOwnProperty.call(v, s.key)) return undefined;
      v = (v as Record<string, unknown>)[s.key];
    }
  }
  return v;
}
