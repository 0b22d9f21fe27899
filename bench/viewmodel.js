'use strict';
// Bundles bench/viewmodel-entry.ts (the real src/sessions + src/tree, `vscode` replaced by a stub) and runs it.
const path = require('path');
const esbuild = require('esbuild');

const out = path.join(__dirname, '.out', 'viewmodel.js');
esbuild.buildSync({
  entryPoints: [path.join(__dirname, 'viewmodel-entry.ts')],
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  outfile: out,
  alias: { vscode: path.join(__dirname, 'vscode-stub.js') },
  external: ['bufferutil', 'utf-8-validate'],
  logLevel: 'warning',
});
require(out);
