// Helpers shared by the .ddp test files.
import type { DdpFile } from '../../src/core/ddpFile/ast';

/** A parsed file without line numbers, as plain JSON: what a print/parse round trip must keep. */
export function withoutLines(f: DdpFile): unknown {
  // Through JSON: plain objects on both sides, absent and undefined fields alike.
  return JSON.parse(
    JSON.stringify({
      variables: f.variables.map(({ name, value }) => ({ name, value })),
      connect: f.connect?.url,
      requests: f.requests.map((r) => ({
        title: r.title,
        name: r.name,
        command: r.command,
        assertions: r.assertions.map((a) => ({ subject: a.subject, check: a.check })),
      })),
    }),
  );
}
