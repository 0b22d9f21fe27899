// The ISO date beside each EJSON `$date` (inlay hint) and on hover, in DDP Explorer's editors; the text stays EJSON.
import * as vscode from 'vscode';
import { findEjsonDates } from '../../presentation/dateHints';
import { forMarkdown } from '../../presentation/sanitize';

export function registerDateHints(selector: vscode.DocumentSelector): vscode.Disposable[] {
  return [
    vscode.languages.registerInlayHintsProvider(selector, {
      provideInlayHints: (doc, range) => {
        // Only the visible range: a multi-megabyte document is not copied whole on every scroll.
        const base = doc.offsetAt(range.start);
        return findEjsonDates(doc.getText(range)).map((d) => {
          const hint = new vscode.InlayHint(doc.positionAt(base + d.end), d.iso, vscode.InlayHintKind.Type);
          hint.paddingLeft = true;
          hint.tooltip = 'The EJSON date as ISO 8601 (UTC); the text stays EJSON.';
          return hint;
        });
      },
    }),
    vscode.languages.registerHoverProvider(selector, {
      provideHover: (doc, pos) => {
        const line = doc.lineAt(pos.line);
        const base = doc.offsetAt(line.range.start);
        const at = doc.offsetAt(pos);
        const d = findEjsonDates(doc.getText(line.range)).find((x) => base + x.start <= at && at <= base + x.end);
        if (!d) return undefined;
        const range = new vscode.Range(doc.positionAt(base + d.start), doc.positionAt(base + d.end));
        return new vscode.Hover(new vscode.MarkdownString(forMarkdown(`Date ${d.iso}`)), range);
      },
    }),
  ];
}
