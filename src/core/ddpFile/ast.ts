// The syntax tree of a `.ddp` file. Text that may hold `{{variables}}` stays raw here: variables are resolved when a
// request runs (earlier results only exist then). Lines are 1-based, as editors and compilers show them.

/** One step of a path into a value: `.key`, `["key"]` or `[0]`. */
export type PathStep = { kind: 'key'; key: string } | { kind: 'index'; index: number };

export type Command =
  | { kind: 'call'; method: string; params?: string }
  | { kind: 'subscribe'; name: string; params?: string }
  | { kind: 'unsubscribe'; name: string }
  | { kind: 'login'; user: string; password: string }
  | { kind: 'logout' }
  | { kind: 'wait'; ms: string };

export type CommandKind = Command['kind'];

export type Subject =
  | { kind: 'result'; path: PathStep[] }
  | { kind: 'error'; path: PathStep[] }
  | { kind: 'duration' }
  | { kind: 'ready' }
  /** `where`: a selector (src/core/query), raw text that may hold references; only matching documents count. */
  | { kind: 'collectionCount'; collection: string; where?: string }
  | { kind: 'collectionDoc'; collection: string; id: string; path: PathStep[] };

export const COMPARISONS = ['==', '!=', '<', '<=', '>', '>='] as const;
export type Comparison = (typeof COMPARISONS)[number];

export type Check =
  | { op: Comparison; value: string }
  | { op: 'exists' }
  | { op: 'not exists' }
  | { op: 'contains'; value: string }
  | { op: 'matches'; source: string; flags: string }
  /** `> expect ready` alone: the subject is true. */
  | { op: 'truthy' };

export interface Assertion {
  line: number;
  subject: Subject;
  check: Check;
}

export interface Request {
  /** The `###` line's text, if the request has one. */
  title?: string;
  /** From `# @name x`: earlier results are read as `{{x.result...}}`. */
  name?: string;
  /** First line of the request (its `###`, else its command). */
  line: number;
  /** Line of the command (CALL, SUBSCRIBE, ...). */
  commandLine: number;
  /** Last line that belongs to the request (params, assertions). */
  endLine: number;
  command: Command;
  assertions: Assertion[];
}

export interface VariableDef {
  name: string;
  value: string;
  line: number;
}

export interface Problem {
  line: number;
  message: string;
}

export interface DdpFile {
  variables: VariableDef[];
  connect?: { url: string; line: number };
  requests: Request[];
  /** Syntax errors; a file with problems is not run. */
  problems: Problem[];
}

/** A label for a request in reports: its title, else its name, else its command line. */
export function requestLabel(r: Request): string {
  if (r.title) return r.title;
  if (r.name) return r.name;
  const c = r.command;
  switch (c.kind) {
    case 'call':
      return `CALL ${c.method}`;
    case 'subscribe':
      return `SUBSCRIBE ${c.name}`;
    case 'unsubscribe':
      return `UNSUBSCRIBE ${c.name}`;
    case 'login':
      return `LOGIN ${c.user}`;
    case 'logout':
      return 'LOGOUT';
    case 'wait':
      return `WAIT ${c.ms}`;
  }
}
