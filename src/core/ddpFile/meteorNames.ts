// Method and publication names declared in a Meteor code base, for completions in .ddp files:
// `Meteor.methods({ 'tasks.add'(…) {…}, remove: function () {…} })`, `new ValidatedMethod({ name: 'x', … })` and
// `Meteor.publish('name', …)`. A light scanner, not a JavaScript parser: it reads the keys at the top level of the
// object passed to Meteor.methods, skipping strings, comments and nested braces.

export interface MeteorNames {
  methods: string[];
  publications: string[];
}

const PUBLISH = /Meteor\.publish(?:Composite)?\s*\(\s*(['"`])((?:(?!\1)[^\\\n]|\\.)+)\1/g;
const VALIDATED = /new\s+ValidatedMethod\s*\(\s*\{/g;
const METHODS = /Meteor\.methods\s*\(\s*\{/g;

/** Index just past the string or comment starting at `i`, or `i` when there is none there. */
function skip(text: string, i: number): number {
  const ch = text[i];
  if (ch === '/' && text[i + 1] === '/') {
    const end = text.indexOf('\n', i);
    return end < 0 ? text.length : end;
  }
  if (ch === '/' && text[i + 1] === '*') {
    const end = text.indexOf('*/', i + 2);
    return end < 0 ? text.length : end + 2;
  }
  if (ch === '"' || ch === "'" || ch === '`') {
    for (let j = i + 1; j < text.length; j++) {
      if (text[j] === '\\') j++;
      else if (text[j] === ch) return j + 1;
    }
    return text.length;
  }
  return i;
}

/** Keys at the top level of the object literal whose `{` is at `open`. */
function topLevelKeys(text: string, open: number): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = true;
  for (let i = open; i < text.length; i++) {
    const after = skip(text, i);
    if (after !== i) {
      if (depth === 1 && expectKey && /['"]/.test(text[i])) {
        const rest = text.slice(after).match(/^\s*[:(]/);
        if (rest) keys.push(text.slice(i + 1, after - 1));
        expectKey = false;
      }
      i = after - 1;
      continue;
    }
    const ch = text[i];
    if (ch === '{' || ch === '(' || ch === '[') depth++;
    else if (ch === '}' || ch === ')' || ch === ']') {
      depth--;
      if (depth === 0) break;
    } else if (depth === 1 && ch === ',') expectKey = true;
    else if (depth === 1 && expectKey && /[A-Za-z_$]/.test(ch)) {
      const asyncQuoted = /^async\s+(?=['"])/.exec(text.slice(i, i + 40));
      if (asyncQuoted) {
        i += asyncQuoted[0].length - 1;
        continue;
      }
      const m = /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*[:(]/.exec(text.slice(i));
      if (m) keys.push(m[1]);
      expectKey = false;
    }
    if (depth === 1 && ch === '{' && i === open) expectKey = true;
  }
  return keys;
}

export function meteorNames(source: string): MeteorNames {
  const methods = new Set<string>();
  const publications = new Set<string>();
  for (const m of source.matchAll(METHODS))
    for (const k of topLevelKeys(source, m.index + m[0].length - 1)) methods.add(k);
  for (const m of source.matchAll(VALIDATED)) {
    const body = source.slice(m.index + m[0].length, m.index + m[0].length + 2000);
    const name = /\bname\s*:\s*(['"`])([^'"`\n]+)\1/.exec(body);
    if (name) methods.add(name[2]);
  }
  for (const m of source.matchAll(PUBLISH)) publications.add(m[2]);
  return { methods: [...methods], publications: [...publications] };
}
