'use strict';
// This project's client with the inspector capturing every frame, as the extension does while an inspector is open:
// the `message` event into the capture ring (src/core/capture.ts), drained ten times a second with secrets masked
// (what the panel posts to its webview). Compare with `ddp-explorer` for the cost of capturing.
const os = require('os');
const path = require('path');
const esbuild = require('esbuild');
const lib = process.env.BENCH_DDP_LIB || path.join(__dirname, '../../dist/ddp.js');
const { DdpClient, maskSecrets } = require(lib);

const out = path.join(os.tmpdir(), `ddp-bench-capture-${process.pid}.js`);
esbuild.buildSync({
  entryPoints: [path.join(__dirname, '../../src/core/capture.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile: out,
  logLevel: 'warning',
});
const { Capture } = require(out);

module.exports = {
  label: 'DdpClient + inspector capture',
  store: true,
  async create(url, onEvent, { subscribe }) {
    const c = new DdpClient(url, { autoReconnect: false });
    const capture = new Capture(100000);
    const mode = process.env.BENCH_CAPTURE_MODE || 'full';
    if (mode === 'listen') c.on('message', () => undefined);
    else c.on('message', (f) => capture.record(f.direction, f.text, f.at));
    let shown = 0;
    const drain = setInterval(() => {
      if (mode === 'full') for (const f of capture.drain()) shown += maskSecrets(f.text).length > 0 ? 1 : 0;
      else capture.drain();
    }, 100);
    c.on('added', (coll, id, fields) => onEvent('added', coll, id, fields));
    c.on('changed', (coll, id, fields) => onEvent('changed', coll, id, fields));
    c.on('removed', (coll, id) => onEvent('removed', coll, id, undefined));
    await c.connect();
    await new Promise((resolve, reject) => c.subscribe(subscribe, [], (err) => (err ? reject(err) : resolve())));
    return {
      get: (coll, id) => c.collections.get(coll)?.get(id),
      close: () => {
        clearInterval(drain);
        c.close();
        return shown;
      },
    };
  },
};
