// Prints a DdpFile back to .ddp text. parseDdp(printDdp(f)) gives f again (lines aside): the property tests hold
// the parser and the printer to that, and tools that edit files (snippets, "save as .ddp") can rely on it.
import type { Assertion, Check, Command, DdpFile, Request, Subject } from './ast';
import { formatPath } from './path';

export function printCommand(c: Command): string {
  switch (c.kind) {
    case 'call':
      return `CALL ${c.method}${c.params !== undefined ? ` ${c.params}` : ''}`;
    case 'subscribe':
      return `SUBSCRIBE ${c.name}${c.params !== undefined ? ` ${c.params}` : ''}`;
    case 'unsubscribe':
      return `UNSUBSCRIBE ${c.name}`;
    case 'login':
      return `LOGIN ${c.user} ${c.password}`;
    case 'logout':
      return 'LOGOUT';
    case 'wait':
      return `WAIT ${c.ms}`;
  }
}

export function printSubject(s: Subject): string {
  switch (s.kind) {
    case 'result':
    case 'error':
      return `${s.kind}${formatPath(s.path)}`;
    case 'duration':
    case 'ready':
      return s.kind;
    case 'collectionCount':
      return `collection ${s.collection}${s.where !== undefined ? ` where ${s.where}` : ''} count`;
    case 'collectionDoc':
      return `collection ${s.collection} doc ${s.id}${formatPath(s.path)}`;
  }
}

export function printCheck(c: Check): string {
  switch (c.op) {
    case 'truthy':
      return '';
    case 'exists':
    case 'not exists':
      return ` ${c.op}`;
    case 'matches':
      return ` matches /${c.source}/${c.flags}`;
    default:
      return ` ${c.op} ${c.value}`;
  }
}

export function printAssertion(a: Assertion): string {
  return `> expect ${printSubject(a.subject)}${printCheck(a.check)}`;
}

export function printRequest(r: Request): string {
  const lines = [r.title ? `### ${r.title}` : '###'];
  if (r.name) lines.push(`# @name ${r.name}`);
  lines.push(printCommand(r.command));
  for (const a of r.assertions) lines.push(printAssertion(a));
  return lines.join('\n');
}

export function printDdp(file: DdpFile): string {
  const head: string[] = file.variables.map((v) => `@${v.name} = ${v.value}`);
  if (file.connect) head.push(`CONNECT ${file.connect.url}`);
  const parts = head.length ? [head.join('\n')] : [];
  for (const r of file.requests) parts.push(printRequest(r));
  return `${parts.join('\n\n')}\n`;
}
