// The .ddp parser: text in, a DdpFile out, with every problem reported by line. It never throws, so the editor can
// run it on every keystroke and the CLI can print all problems of a file at once.
import type { Assertion, Check, Command, DdpFile, Problem, Request, Subject, VariableDef } from './ast';
import { checkEjson, lineOfOffset } from './ejsonCheck';
import { parsePath } from './path';
import { stringEnd, wordEnd, words } from './tokens';
import { splitWhere } from './where';

export const KEYWORDS = ['CONNECT', 'CALL', 'SUBSCRIBE', 'UNSUBSCRIBE', 'LOGIN', 'LOGOUT', 'WAIT'] as const;
export const NAME = /^[A-Za-z_][\w-]*$/;
const KEYWORD_LINE = new RegExp(`^(${KEYWORDS.join('|')})(?=\\s|$)(.*)$`, 'i');
const VARIABLE_LINE = /^@([^\s=]*)\s*=(.*)$/;
const NAME_COMMENT = /^(?:#|\/\/)\s*@name(?:\s+(.*))?$/;

interface Open {
  request: Request;
  /** Params may continue on the next line (CALL/SUBSCRIBE until a blank, `>` or `###` line). */
  continues: boolean;
  paramsLine: number;
}

export function parseDdp(text: string): DdpFile {
  const lines = text.split(/\r?\n/);
  const file: DdpFile = { variables: [], requests: [], problems: [] };
  const problem = (line: number, message: string) => file.problems.push({ line, message });
  let pending: { title?: string; name?: string; line?: number } = {};
  let open: Open | undefined;
  const close = () => {
    if (open) finish(open, problem);
    open = undefined;
  };

  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trim();
    if (line.startsWith('###')) {
      close();
      const title = line.slice(3).trim();
      pending = { title: title || undefined, line: lineNo };
      return;
    }
    if (line === '') {
      if (open) open.continues = false;
      return;
    }
    const nameComment = NAME_COMMENT.exec(line);
    if (nameComment) {
      const name = (nameComment[1] ?? '').trim();
      if (!NAME.test(name)) problem(lineNo, `"# @name" needs a name of letters, digits, "_" or "-", not "${name}"`);
      else {
        // A name starts the header of the next request, as a ### line does.
        close();
        pending.name = name;
        pending.line ??= lineNo;
      }
      return;
    }
    if (line.startsWith('#') || line.startsWith('//')) return;
    if (line.startsWith('>')) {
      const m = /^>\s*expect(?:\s+(.*))?$/.exec(line);
      if (!open) problem(lineNo, 'An assertion ("> expect ...") must follow a request');
      else if (!m) problem(lineNo, 'Expected "> expect <subject> <op> <value>"');
      else {
        open.continues = false;
        const a = parseAssertion((m[1] ?? '').trim(), lineNo);
        if ('message' in a) problem(lineNo, a.message);
        else {
          open.request.assertions.push(a);
          open.request.endLine = lineNo;
        }
      }
      return;
    }
    const variable = VARIABLE_LINE.exec(line);
    if (variable) {
      if (open?.continues) open.continues = false;
      const name = variable[1];
      if (!NAME.test(name)) problem(lineNo, `A variable name is letters, digits, "_" or "-", not "${name}"`);
      else if (file.variables.some((v) => v.name === name)) problem(lineNo, `Variable "${name}" is already defined`);
      else file.variables.push({ name, value: variable[2].trim(), line: lineNo } satisfies VariableDef);
      return;
    }
    const keyword = KEYWORD_LINE.exec(line);
    if (keyword) {
      const kw = keyword[1].toUpperCase();
      const rest = keyword[2].trim();
      if (kw === 'CONNECT') {
        close();
        if (!rest) problem(lineNo, 'CONNECT needs a URL, e.g. CONNECT ws://127.0.0.1:3000/websocket');
        else if (file.connect) problem(lineNo, `Only one CONNECT per file (the first is on line ${file.connect.line})`);
        else file.connect = { url: rest, line: lineNo };
        return;
      }
      const command = parseCommand(kw, rest, lineNo, problem);
      if (!command) {
        if (open) open.continues = false;
        return;
      }
      close();
      const request: Request = {
        title: pending.title,
        name: pending.name,
        line: pending.line ?? lineNo,
        commandLine: lineNo,
        endLine: lineNo,
        command,
        assertions: [],
      };
      pending = {};
      file.requests.push(request);
      open = { request, continues: command.kind === 'call' || command.kind === 'subscribe', paramsLine: lineNo };
      return;
    }
    if (open?.continues && (open.request.command.kind === 'call' || open.request.command.kind === 'subscribe')) {
      const c = open.request.command;
      if (c.params === undefined) open.paramsLine = lineNo;
      c.params = c.params === undefined ? raw.trim() : `${c.params}\n${raw.trimEnd()}`;
      open.request.endLine = lineNo;
      return;
    }
    problem(
      lineNo,
      `Unexpected line: expected a request (${KEYWORDS.join(', ')}), "> expect ...", "@name = value", "###" or a comment`,
    );
  });
  close();
  for (const r of file.requests) {
    if (r.name && file.requests.some((o) => o !== r && o.name === r.name && o.line < r.line)) {
      problem(r.line, `Request name "${r.name}" is used twice`);
    }
  }
  file.problems.sort((a, b) => a.line - b.line);
  return file;
}

/** Checks the params of a finished CALL/SUBSCRIBE (they may have spanned lines). */
function finish(open: Open, problem: (line: number, message: string) => void): void {
  const c = open.request.command;
  if ((c.kind !== 'call' && c.kind !== 'subscribe') || c.params === undefined) return;
  const text = c.params;
  const check = checkEjson(text);
  if (!check.ok) {
    const line = open.paramsLine + (check.offset === undefined ? 0 : lineOfOffset(text, check.offset));
    problem(line, `Invalid EJSON params: ${check.message}`);
  }
}

function parseCommand(
  kw: string,
  rest: string,
  lineNo: number,
  problem: (line: number, message: string) => void,
): Command | undefined {
  const ws = words(rest);
  const need = (n: number, usage: string): boolean => {
    if (ws.length !== n) {
      problem(lineNo, `${kw} expects ${usage}`);
      return false;
    }
    return true;
  };
  switch (kw) {
    case 'CALL':
    case 'SUBSCRIBE': {
      if (ws.length === 0) {
        problem(lineNo, `${kw} needs a ${kw === 'CALL' ? 'method' : 'publication'} name`);
        return undefined;
      }
      const name = ws[0].text;
      const params = rest.slice(ws[0].end).trim() || undefined;
      return kw === 'CALL' ? { kind: 'call', method: name, params } : { kind: 'subscribe', name, params };
    }
    case 'UNSUBSCRIBE':
      return need(1, 'a publication or request name: UNSUBSCRIBE tasks')
        ? { kind: 'unsubscribe', name: ws[0].text }
        : undefined;
    case 'LOGIN':
      return need(2, 'a user (name or e-mail) and a password: LOGIN demo {{$dotenv DEMO_PASSWORD}}')
        ? { kind: 'login', user: ws[0].text, password: ws[1].text }
        : undefined;
    case 'LOGOUT':
      return need(0, 'nothing after it') ? { kind: 'logout' } : undefined;
    case 'WAIT':
      if (!need(1, 'a number of milliseconds: WAIT 500')) return undefined;
      if (!/^\d+$/.test(ws[0].text) && !ws[0].text.startsWith('{{')) {
        problem(lineNo, `WAIT expects a number of milliseconds, not "${ws[0].text}"`);
        return undefined;
      }
      return { kind: 'wait', ms: ws[0].text };
  }
  return undefined;
}

/** `<subject> <op> <value>` (the text after `> expect`). */
export function parseAssertion(text: string, line: number): Assertion | { message: string } {
  const s = parseSubject(text);
  if ('message' in s) return s;
  const rest = s.rest.trim();
  if (rest === '') {
    if (s.subject.kind === 'ready') return { line, subject: s.subject, check: { op: 'truthy' } };
    return { message: 'Expected an operator: ==, !=, <, <=, >, >=, exists, not exists, contains or matches /re/' };
  }
  const check = parseCheck(rest);
  if ('message' in check) return check;
  return { line, subject: s.subject, check };
}

function parseSubject(text: string): { subject: Subject; rest: string } | { message: string } {
  const head = /^(result|error|duration|ready|collection)(?=[\s.[]|$)/.exec(text);
  if (!head)
    return {
      message: `Unknown subject "${text.split(/\s/)[0]}": use result…, error…, duration, ready or collection <name> …`,
    };
  const after = text.slice(head[0].length);
  switch (head[1]) {
    case 'result':
    case 'error': {
      const p = parsePath(after);
      if (!p.ok) return { message: p.error };
      if (p.rest !== '' && !/^\s/.test(p.rest))
        return { message: `Unexpected "${p.rest.trim().split(/\s/)[0]}" in the path` };
      return { subject: { kind: head[1], path: p.steps }, rest: p.rest };
    }
    case 'duration':
    case 'ready':
      if (after !== '' && !/^\s/.test(after)) return { message: `${head[1]} has no path` };
      return { subject: { kind: head[1] }, rest: after };
    default: {
      const t = after.trimStart();
      const nameEnd = wordEnd(t, 0);
      const collection = t.slice(0, nameEnd);
      if (!collection) return { message: 'Expected "collection <name> count" or "collection <name> doc <id>"' };
      const more = t.slice(nameEnd).trimStart();
      if (/^count(?=\s|$)/.test(more)) return { subject: { kind: 'collectionCount', collection }, rest: more.slice(5) };
      if (/^where(?=\s|$)/.test(more)) {
        const w = splitWhere(more);
        if ('message' in w) return w;
        return { subject: { kind: 'collectionCount', collection, where: w.where }, rest: w.rest };
      }
      const doc = /^doc\s+/.exec(more);
      if (!doc)
        return { message: `Expected "count", "where <selector> count" or "doc <id>" after "collection ${collection}"` };
      const idText = more.slice(doc[0].length);
      const idEnd = idText.startsWith('"')
        ? stringEnd(idText, 0)
        : wordEnd(idText, 0, (ch) => ch === '.' || ch === '[');
      const id = idText.slice(0, idEnd);
      if (!id) return { message: 'Expected a document id after "doc"' };
      if (id.startsWith('"') && !id.endsWith('"')) return { message: 'Unclosed quote in the document id' };
      const p = parsePath(idText.slice(idEnd));
      if (!p.ok) return { message: p.error };
      if (p.rest !== '' && !/^\s/.test(p.rest))
        return { message: `Unexpected "${p.rest.trim().split(/\s/)[0]}" after the document id` };
      return { subject: { kind: 'collectionDoc', collection, id, path: p.steps }, rest: p.rest };
    }
  }
}

function parseCheck(text: string): Check | { message: string } {
  const m = /^(not\s+exists|exists|contains|matches|==|!=|<=|>=|<|>)(.*)$/s.exec(text);
  if (!m)
    return {
      message: `Unknown operator "${text.split(/\s/)[0]}": use ==, !=, <, <=, >, >=, exists, not exists, contains or matches /re/`,
    };
  const op = m[1].replace(/\s+/, ' ');
  const value = m[2].trim();
  const glued = /^[a-z]/.test(op) ? m[2] !== '' && !/^\s/.test(m[2]) : /^[=<>!]/.test(m[2]);
  if (glued)
    return {
      message: `Unknown operator "${text.split(/\s/)[0]}": use ==, !=, <, <=, >, >=, exists, not exists, contains or matches /re/`,
    };
  if (op === 'exists' || op === 'not exists') {
    if (value) return { message: `"${op}" takes no value` };
    return { op };
  }
  if (!value) return { message: `"${op}" needs a value (an EJSON literal such as 5, "text", true or null)` };
  if (op === 'matches') {
    const re = /^\/(.*)\/([dgimsuy]*)$/s.exec(value);
    if (!re || re[1] === '') return { message: 'matches needs a regular expression: matches /^task-\\d+$/i' };
    if (!re[1].includes('{{')) {
      try {
        new RegExp(re[1], re[2]);
      } catch (err) {
        return { message: `Invalid regular expression: ${err instanceof Error ? err.message : String(err)}` };
      }
    }
    return { op: 'matches', source: re[1], flags: re[2] };
  }
  const check = checkEjson(value);
  if (!check.ok) return { message: `Invalid EJSON value ${value}: ${check.message}` };
  return op === 'contains'
    ? { op, value }
    : { op: op as Exclude<Check['op'], 'exists' | 'not exists' | 'contains' | 'matches' | 'truthy'>, value };
}

export type { Problem };
