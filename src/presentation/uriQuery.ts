// The query of the extension's own document URIs (`ddp-explorer:`). Plain module: no VS Code API.
/**
 * A URI's query, opaque: which session, collection and document it is, as base64url JSON. VS Code shows a URI in its
 * own messages ("Unable to write file '<uri>'"), which render links; a server's ids must not reach them as text.
 */
export function opaque(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** The query of one of our URIs: opaque, or plain JSON (tabs restored from before it was opaque). */
export function readQuery(query: string): Record<string, unknown> {
  const text = query.startsWith('{') ? query : Buffer.from(query, 'base64url').toString('utf8');
  const value: unknown = JSON.parse(text);
  if (!value || typeof value !== 'object') throw new Error('not a DDP Explorer URI');
  return value as Record<string, unknown>;
}
