// The layers of DDP Explorer, one direction of imports (see README "How it works"):
//   src/ddp (protocol) <- src/core (sessions, settings, params) <- src/presentation (view models) <- src/vscode (adapter)
//   src/cli (the ddp-explorer command) stands beside the adapter: it uses ddp, core and presentation, never vscode.
// Only src/vscode may import the `vscode` module. No circular imports anywhere in src.
// src/webview holds browser bundles (the inspector's page): they use plain presentation modules and nothing else.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle means two files own one concern: move the shared part down a layer.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'vscode-only-in-adapter',
      severity: 'error',
      comment: 'Only the VS Code adapter (src/vscode) may import the vscode API; everything below runs in plain Node.',
      from: { path: '^src/', pathNot: '^src/vscode/' },
      to: { path: ['^vscode$', 'node_modules/@types/vscode/'] },
    },
    {
      name: 'protocol-stands-alone',
      severity: 'error',
      comment: 'src/ddp is the library people install: it knows nothing of the extension.',
      from: { path: '^src/ddp/' },
      to: { path: '^src/', pathNot: '^src/ddp/' },
    },
    {
      name: 'core-below-presentation',
      severity: 'error',
      comment: 'The core (sessions, settings, params) is shared by the extension and the CLI: no view code in it.',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: '^src/(ddp|core)/' },
    },
    {
      name: 'presentation-below-adapter',
      severity: 'error',
      comment: 'View models are plain modules, unit-tested without VS Code: they never reach up into the adapter.',
      from: { path: '^src/presentation/' },
      to: { path: '^src/', pathNot: '^src/(ddp|core|presentation)/' },
    },
    {
      name: 'cli-beside-adapter',
      severity: 'error',
      comment:
        'The CLI runs in plain Node (CI): it uses the protocol, the core and the view models, never the adapter.',
      from: { path: '^src/cli/' },
      to: { path: '^src/', pathNot: '^src/(ddp|core|presentation|cli)/' },
    },
    {
      name: 'nothing-imports-the-cli',
      severity: 'error',
      comment: 'The CLI is an entry point: shared code lives in core (the .ddp language and runner), not here.',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'protocol-depends-on-ws-ejson-and-proxy-agents-only',
      severity: 'error',
      comment:
        'The installable library package declares ws and ejson as its only dependencies; the proxy tunnel (https-proxy-agent with agent-base) and its environment rules (proxy-from-env) are bundled into it.',
      from: { path: '^src/ddp/' },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'],
        pathNot:
          '(^|/)node_modules/(ws|ejson|https-proxy-agent|agent-base|proxy-from-env|@types/(ws|ejson|node|proxy-from-env))/',
      },
    },
    {
      name: 'webview-uses-presentation-only',
      severity: 'error',
      comment:
        'Webview code runs in a browser page and talks to the extension by messages: of src it may use only the plain presentation modules.',
      from: { path: '^src/webview/' },
      to: { path: '^src/', pathNot: '^src/(webview|presentation)/' },
    },
    {
      name: 'nothing-imports-webview',
      severity: 'error',
      comment: 'The webview is its own bundle: the extension reaches it by messages, never by import.',
      from: { path: '^src/', pathNot: '^src/webview/' },
      to: { path: '^src/webview/' },
    },
    {
      name: 'webview-without-node',
      severity: 'error',
      comment: 'A browser bundle cannot use Node built-ins or npm packages made for Node.',
      from: { path: '^src/webview/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-dev-dependencies-in-src',
      severity: 'error',
      comment: 'What ships may not need a devDependency at run time (the vscode API types are the one exception).',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'], pathNot: 'node_modules/@types/vscode/' },
    },
    {
      name: 'no-test-code-in-src',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'only-known-folders',
      severity: 'error',
      comment:
        'Every source file lives in one of the four layers, in the CLI beside the adapter, or in a webview bundle.',
      from: { path: '^src/', pathNot: '^src/(ddp|core|presentation|vscode|cli|webview)/' },
      to: {},
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true, pathNot: '^vscode$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|out)/' },
    // Subpath exports such as mingo/util resolve as Node and esbuild resolve them.
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
