'use strict';
// This project's client with an inspector open, as in the extension host: the `message` event into the capture ring
// (src/core/capture.ts, as ClientCapture does), and the panel's feed (src/presentation/inspector/feed.ts) draining
// it in packed batches ten times a second, the secret values masked by the log's SecretMasker, and each batch
// serialized as VS Code does for a webview's postMessage (bench/webviewMessage.js); the webview's own work (decoding,
// masking the secret fields, listing) runs in another process and is measured in bench/inspector.ts.
// Compare with `ddp-explorer` for the cost of an open inspector. As in use, the inspector opens, makes its ring's
// memory ready (FrameFeed, in slices while nothing else runs: about a second here), and then the traffic comes.
// BENCH_CAPTURE_MODE: `full` (default), `opening` (`full` with the traffic starting the moment the inspector opens:
// the ring's first writes go into fresh memory), `host` (the same without VS Code's serialization: this project's
// own work), `small` (`host` with a ring of 1,000 frames), `record` (the ring only, no panel), `listen` (an empty
// `message` listener).
const os = require('os');
const path = require('path');
const { followClient } = require('../ddpExplorerState');
const esbuild = require('esbuild');
const lib = process.env.BENCH_DDP_LIB || path.join(__dirname, '../../dist/ddp.js');
const { DdpClient } = require(lib);
const { serializeForWebview } = require('../webviewMessage');

const src = path.join(__dirname, '../../src');
const out = path.join(os.tmpdir(), `ddp-bench-capture-${process.pid}.js`);
esbuild.buildSync({
  stdin: {
    contents: [
      "export { Capture } from './core/capture';",
      "export { FrameFeed } from './presentation/inspector/feed';",
      "export { SecretMasker } from './presentation/masker';",
    ].join('\n'),
    resolveDir: src,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile: out,
  logLevel: 'warning',
});
const { Capture, FrameFeed, SecretMasker } = require(out);

const LABELS = {
  full: 'DdpClient + inspector capture',
  opening: 'DdpClient + inspector opened as the flood starts',
  host: 'DdpClient + capture without postMessage',
  small: 'DdpClient + the same with a 1,000-frame ring',
  record: 'DdpClient + capture ring only',
  listen: 'DdpClient + empty message listener',
};
const mode = process.env.BENCH_CAPTURE_MODE || 'full';
if (!LABELS[mode]) throw new Error(`BENCH_CAPTURE_MODE: one of ${Object.keys(LABELS).join(', ')}`);

module.exports = {
  label: LABELS[mode],
  store: true,
  async create(url, onEvent, { subscribe }) {
    const c = new DdpClient(url, { autoReconnect: false });
    // `small`: the same work per frame into a ring that stays in the CPU's cache (what the big ring's memory costs).
    const capture = new Capture(mode === 'small' ? 1000 : 100000);
    // The log knows the session's resume token: the masker looks for it in every frame.
    const masker = new SecretMasker();
    masker.add('bench-resume-token-0123456789');
    let shown = 0;
    const feed =
      mode === 'full' || mode === 'opening' || mode === 'host' || mode === 'small'
        ? new FrameFeed(
            capture,
            (batch) => masker.maskValuesIn(batch),
            (batches) => {
              if (mode === 'full' || mode === 'opening') serializeForWebview({ type: 'frames', batches });
              for (const b of batches) shown += b.sizes.length;
            },
          )
        : undefined;
    if (mode === 'listen') c.on('message', () => undefined);
    else c.on('message', (f) => capture.recordFrame(f));
    // The time between opening the inspector and the traffic it is opened for: the feed makes the ring ready.
    while (feed && mode !== 'opening' && capture.reserving) await new Promise((resolve) => setTimeout(resolve, 10));
    const get = followClient(c, onEvent);
    await c.connect();
    await new Promise((resolve, reject) => c.subscribe(subscribe, [], (err) => (err ? reject(err) : resolve())));
    return {
      get,
      close: () => {
        feed?.dispose();
        c.close();
        return shown;
      },
    };
  },
};
