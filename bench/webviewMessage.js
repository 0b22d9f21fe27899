'use strict';
// What VS Code does with a message an extension posts to its webview, on the extension host's thread, so that the
// bench counts it: `serializeWebviewMessage` (src/vs/workbench/api/common/extHostWebviewMessaging.ts) turns the
// message into JSON with every typed array replaced by a reference to its buffer, and the RPC layer writes the JSON
// and each buffer into one outgoing message (a copy of each). Returns the size of that message.

function serializeForWebview(message) {
  const buffers = [];
  const json = JSON.stringify(message, (_key, value) => {
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
      const buffer = value instanceof ArrayBuffer ? value : value.buffer;
      let index = buffers.indexOf(buffer);
      if (index < 0) index = buffers.push(buffer) - 1;
      return ArrayBuffer.isView(value)
        ? {
            $$vscode_array_buffer_reference$$: true,
            index,
            view: { type: value.constructor.name, byteLength: value.byteLength, byteOffset: value.byteOffset },
          }
        : { $$vscode_array_buffer_reference$$: true, index };
    }
    return value;
  });
  const head = Buffer.from(json, 'utf8');
  let size = head.length;
  for (const b of buffers) size += b.byteLength;
  const out = Buffer.allocUnsafe(size);
  let o = head.copy(out, 0);
  for (const b of buffers) {
    out.set(new Uint8Array(b), o);
    o += b.byteLength;
  }
  return out.length;
}

module.exports = { serializeForWebview };
