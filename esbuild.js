// Builds two bundles: the extension (for VS Code) and the DDP library on its own (for plain Node).
const esbuild = require('esbuild');

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // ws tries these optional native helpers; without them it falls back to pure JS.
  external: ['vscode', 'bufferutil', 'utf-8-validate'],
};

const builds = [
  { ...common, entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js' },
  { ...common, entryPoints: ['src/ddp/index.ts'], outfile: 'dist/ddp.js' },
  // The inspector's webview: a browser bundle (its stylesheet comes out next to it as inspector.css).
  { ...common, platform: 'browser', target: 'chrome114', format: 'iife', external: [], entryPoints: ['src/webview/inspector/main.ts'], outfile: 'dist/webview/inspector.js' },
];

async function main() {
  const fs = require('fs');
  const present = builds.filter((b) => fs.existsSync(b.entryPoints[0]));
  if (watch) {
    for (const b of present) await (await esbuild.context(b)).watch();
    return;
  }
  await Promise.all(present.map((b) => esbuild.build(b)));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
