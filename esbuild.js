// Builds three bundles: the extension (for VS Code), the DDP library on its own (for plain Node) and the
// ddp-explorer CLI (the package's bin; commander, dotenv and jsonc-parser bundled in).
// `node esbuild.js --lib` builds instead the installable npm package of the library in dist/client-package/
// (`npm run pack:lib` packs it): see libraryPackage() below and src/ddp/README.md.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const watch = process.argv.includes('--watch');

// https-proxy-agent logs through `debug`, and would print the proxy URL, password included, under DEBUG=*: in the
// bundles `debug` is a logger that says nothing (and its terminal probing is left out).
const silentDebug = {
  name: 'silent-debug',
  setup(build) {
    build.onResolve({ filter: /^debug$/ }, () => ({ path: 'debug', namespace: 'silent-debug' }));
    build.onLoad({ filter: /.*/, namespace: 'silent-debug' }, () => ({
      contents: 'module.exports = function debug() { const log = function () {}; log.enabled = false; return log; };',
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // ws tries these optional native helpers; without them it falls back to pure JS.
  external: ['vscode', 'bufferutil', 'utf-8-validate'],
  // jsonc-parser's UMD build requires its parts at run time, which a bundle cannot follow; its ES build bundles.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
  plugins: [silentDebug],
};

const builds = [
  { ...common, entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js' },
  { ...common, entryPoints: ['src/ddp/index.ts'], outfile: 'dist/ddp.js' },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // The inspector's webview: a browser bundle (its stylesheet comes out next to it as inspector.css).
  {
    ...common,
    platform: 'browser',
    target: 'chrome114',
    format: 'iife',
    external: [],
    entryPoints: ['src/webview/inspector/main.ts'],
    outfile: 'dist/webview/inspector.js',
  },
];

const LIB = {
  name: 'ddp-explorer-client',
  entry: 'src/ddp/index.ts',
  out: 'dist/client-package',
  // tsc's per-file declarations, the input of the declaration bundle.
  declarations: 'dist/client-declarations',
  // The package's only runtime dependencies; users install (and dedupe) them, so the bundle leaves them out.
  // https-proxy-agent (with agent-base) and proxy-from-env are bundled in instead: a few kB, and so their `debug`
  // logging is the silent one above (it would print proxy credentials).
  dependencies: ['ws', 'ejson'],
};

/**
 * The library as an npm package: index.js (esbuild, CommonJS, Node >= 18), index.d.ts (one file, bundled from
 * the declarations the project's own tsc emits) and a package.json whose version and dependency ranges come from
 * this project's.
 */
async function libraryPackage() {
  const root = require('./package.json');
  fs.rmSync(LIB.out, { recursive: true, force: true });
  fs.rmSync(LIB.declarations, { recursive: true, force: true });
  fs.mkdirSync(LIB.declarations, { recursive: true });

  await esbuild.build({
    ...common,
    entryPoints: [LIB.entry],
    outfile: `${LIB.out}/index.js`,
    external: [...common.external, ...LIB.dependencies],
  });

  // The project's tsc emits the declarations; rollup-plugin-dts bundles them into one file on the same TypeScript.
  const tsconfig = path.join(LIB.declarations, 'tsconfig.json');
  fs.writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: path.relative(LIB.declarations, 'tsconfig.json'),
      compilerOptions: {
        noEmit: false,
        declaration: true,
        emitDeclarationOnly: true,
        rootDir: path.relative(LIB.declarations, path.dirname(LIB.entry)),
        outDir: '.',
      },
      files: [path.relative(LIB.declarations, LIB.entry)],
      include: [],
    }),
  );
  const tsc = path.join(path.dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
  const emitted = require('child_process').spawnSync(process.execPath, [tsc, '-p', tsconfig], { stdio: 'inherit' });
  if (emitted.status !== 0) throw new Error(`tsc could not emit the library's declarations (exit ${emitted.status})`);

  const { rollup } = require('rollup');
  const { dts } = require('rollup-plugin-dts');
  const bundle = await rollup({
    input: path.join(LIB.declarations, 'index.d.ts'),
    plugins: [dts()],
    // Node's own modules come from @types/node on the user's side, as for any Node library.
    external: [...require('module').builtinModules, /^node:/],
    onwarn(warning) {
      throw new Error(`declaration bundle: ${warning.message}`);
    },
  });
  await bundle.write({ file: `${LIB.out}/index.d.ts`, format: 'es' });
  await bundle.close();

  const dependencies = {};
  for (const name of LIB.dependencies) dependencies[name] = root.dependencies[name];
  const manifest = {
    name: LIB.name,
    version: root.version,
    description:
      'The DDP (Meteor) client of DDP Explorer for plain Node: auto-reconnect, EJSON, a live document store, typed events.',
    license: root.license,
    keywords: ['ddp', 'meteor', 'websocket', 'client', 'ejson', 'rocket.chat'],
    engines: { node: '>=18' },
    main: './index.js',
    types: './index.d.ts',
    exports: {
      '.': { types: './index.d.ts', default: './index.js' },
      './package.json': './package.json',
    },
    files: ['index.js', 'index.js.map', 'index.d.ts'],
    dependencies,
  };
  fs.writeFileSync(`${LIB.out}/package.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  fs.writeFileSync(`${LIB.out}/README.md`, packageReadme());
}

/**
 * src/ddp/README.md (install and use) followed by the reference subsections (options, methods, events,
 * behaviour) of the main README's library section, so the package and the repository never tell two stories.
 */
function packageReadme() {
  const intro = fs.readFileSync('src/ddp/README.md', 'utf8').trimEnd();
  const main = fs.readFileSync('README.md', 'utf8');
  const start = main.indexOf('\n## The DDP client library\n');
  const end = start < 0 ? -1 : main.indexOf('\n## ', start + 1);
  const section = start < 0 ? '' : main.slice(start, end < 0 ? undefined : end);
  const firstSub = section.indexOf('\n### ');
  if (firstSub < 0) throw new Error('README.md has no "## The DDP client library" section with ### subsections');
  return `${intro}\n\n## Reference\n${section.slice(firstSub).trimEnd()}\n`;
}

async function main() {
  if (process.argv.includes('--lib')) return libraryPackage();
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
