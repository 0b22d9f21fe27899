'use strict';
// This project's client with an inspector open, as in the extension host: the `message` event into the capture ring
// (src/core/capture.ts, as ClientCapture does), and the panel's feed (src/presentation/inspector/feed.ts) draining
// it in batches ten times a second, masked with the log's SecretMasker, as the panel posts them to its webview.
// Compare with `ddp-explorer` for the cost of an open inspector. BENCH_CAPTURE_MODE: `full` (default), `record` (the
// ring only, no panel), `listen` (an empty `message` listener).
const os = require('os');
const path = require('path');
const { followClient } = require('../ddpExplorerState');
const esbuild = require('esbuild');
const lib = process.env.BENCH_DDP_LIB || path.join(__dirname, '../../dist/ddp.js');
const { DdpClient } = require(lib);

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

module.exports = {
  label: 'DdpClient + inspector capture',
  store: true,
  async create(url, onEvent, { subscribe }) {
    const c = new DdpClient(url, { autoReconnect: false });
    const mode = process.env.BENCH_CAPTURE_MODE || 'full';
    const capture = new Capture(100000);
    // The log knows the session's resume token: the masker looks for it in every frame.
    const masker = new SecretMasker();
    masker.add('bench-resume-token-0123456789');
    let shown = 0;
    const feed =
      mode === 'full'
        ? new FrameFeed(
            capture,
            (t) => masker.mask(t),
            (frames) => (shown += frames.length),
          )
        : undefined;
    if (mode === 'listen') c.on('message', () => undefined);
    else c.on('message', (f) => capture.record(f.direction, f.text, f.at));
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
