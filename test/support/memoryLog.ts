// A TextLog that keeps its lines in memory, for tests that read what the DDP log would show.
import type { TextLog } from '../../src/presentation/sessionLogText';

export class MemoryLog implements TextLog {
  /** `info …`, `warn …`, `error …`, `frame …` (frames only while tracing). */
  lines: string[] = [];
  /** The values the session asked the log to mask. */
  secrets: string[] = [];
  info(m: string) {
    this.lines.push(`info ${m}`);
  }
  warn(m: string) {
    this.lines.push(`warn ${m}`);
  }
  error(m: string) {
    this.lines.push(`error ${m}`);
  }
  frame(line: string) {
    this.lines.push(`frame ${line}`);
  }
  secret(v: string) {
    this.secrets.push(v);
  }
  has(re: RegExp): boolean {
    return this.lines.some((l) => re.test(l));
  }
  matching(re: RegExp): string[] {
    return this.lines.filter((l) => re.test(l));
  }
}
