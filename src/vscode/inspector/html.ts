// The inspector webview's page: a strict Content-Security-Policy (our script by nonce, our stylesheet, nothing
// remote, no inline code), the bundled script and stylesheet, and an empty body the script fills in.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function inspectorHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (file: string) =>
    webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', file)).toString();
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `img-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('inspector.css')}">
<title>DDP Inspector</title>
</head>
<body>
<script nonce="${nonce}" src="${asset('inspector.js')}"></script>
</body>
</html>`;
}
