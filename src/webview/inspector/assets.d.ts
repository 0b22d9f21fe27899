// esbuild bundles the stylesheet imported by the webview's entry point into dist/webview/inspector.css.
declare module '*.css';
