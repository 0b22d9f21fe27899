// Server text is text: one helper per VS Code sink that would otherwise read structure into it.
// Plain module: no VS Code API.
//
// - Notifications and quick-input messages/prompts render `[label](command:… | https:// | file:)` as links that run
//   commands with arguments chosen by whoever wrote the text (VS Code's linkedText).
// - Quick pick labels, descriptions, details, prompts and the status bar text render `$(icon)` as codicons.
// - MarkdownString tooltips render every markdown construct (links, autolinks, html, images).
// - Log lines: a newline, a carriage return or an ANSI escape would let a server write lines of its own.
// Every sink also masks credentials written in URLs (`ws://user:pass@host`).

import { escapeControl, maskUrlCredentials } from '../core/text';

export { escapeControl, maskUrlCredentials };

/**
 * Breaks every link form so that no renderer (VS Code's linkedText, or markdown) makes a link of it, keeping the
 * text readable: `[x](command:y)` -> `[x] (command:y)`, `[x][ref]` -> `[x] [ref]`, a reference definition
 * `[ref]: url` -> `[ref] : url`, an autolink or html tag `<command:y>` / `<a href=…>` -> `‹command:y>` / `‹a href=…>`.
 */
export function neutralizeLinks(text: string): string {
  return text
    .replace(/\](?=\s*[([])/g, '] ')
    .replace(/^(\s*\[[^\]]*\])(?=\s*:)/gm, '$1 ')
    .replace(/<(?=[a-z!/?])/gi, '\u2039');
}

/** `$(icon)` -> `\$(icon)`: VS Code shows the text instead of an icon wherever it renders codicons. */
export function escapeCodicons(text: string): string {
  return text.replace(/\$\(/g, '\\$(');
}

/** Text for notifications, info, warning or error, and the detail of a modal one. */
export function forNotification(text: string): string {
  return neutralizeLinks(escapeControl(maskUrlCredentials(text)));
}

/**
 * Text for quick pick item labels, descriptions and details, and input box prompts and validation messages: these
 * render links (prompts, messages) and codicons (all of them).
 */
export function forQuickInput(text: string): string {
  return escapeCodicons(neutralizeLinks(escapeControl(maskUrlCredentials(text))));
}

/** Text for a quick input's title, placeholder or value: shown as typed, so only controls and credentials matter. */
export function forPlainInput(text: string): string {
  return escapeControl(maskUrlCredentials(text));
}

/** Text for the status bar item's text (codicons render) and its plain-string tooltip. */
export function forStatusBar(text: string): string {
  return escapeCodicons(escapeControl(maskUrlCredentials(text)));
}

/** A plain-text tooltip (tree items, status bar): shown as text, several lines allowed. */
export function forPlainTooltip(text: string): string {
  return maskUrlCredentials(text)
    .split('\n')
    .map((line) => escapeControl(line))
    .join('\n');
}

/**
 * Text for a MarkdownString (never trusted, never with HTML): every character markdown reads as syntax is escaped,
 * and URLs are broken so that no autolink is made. Newlines stay line breaks.
 */
export function forMarkdown(text: string): string {
  return maskUrlCredentials(text)
    .split('\n')
    .map((line) =>
      // Every ASCII punctuation character escaped: no emphasis, link, autolink (`https\:\/\/`), html or entity.
      escapeControl(line).replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`),
    )
    .join('  \n');
}

/**
 * One segment of an editor tab's path (a connection, collection or document id): no path separators, no `.`/`..`
 * segments, no control or bidi characters, bounded length. The tab shows it as a name, never as a place on disk.
 * VS Code puts file names in its own notifications ("Failed to save 'x'"), which render links: none can form.
 */
export function forFileName(text: string): string {
  const safe = neutralizeLinks(
    text.replace(/[\\/?#%*"<>|\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '_'),
  ).slice(0, 80);
  return /^\.*$/.test(safe) ? `_${safe}` : safe;
}

/** One log line: controls escaped (no forged lines, no terminal escapes) and credentials masked. */
export function forLog(text: string): string {
  return escapeControl(maskUrlCredentials(text));
}

/**
 * A multi-line block for the log whose line breaks are the caller's own (pretty-printed JSON): every other control
 * is escaped, and each line is indented so none can pass for a line of the log itself.
 */
export function forLogBlock(text: string): string {
  return maskUrlCredentials(text)
    .split(/\r\n|\n/)
    .map((line) => `  ${escapeControl(line)}`)
    .join('\n');
}

/**
 * A log message as the extension writes it: its first line escaped like forLog; further lines (a pretty-printed
 * result) indented as a block. Server text inside arrives already escaped (describeError, JSON strings), so a line
 * break here is the extension's own, and even a stray one cannot start a line that looks like the log's.
 */
export function logMessage(text: string): string {
  const nl = text.search(/\r\n|\n/);
  if (nl < 0) return forLog(text);
  return `${forLog(text.slice(0, nl))}\n${forLogBlock(text.slice(text[nl] === '\r' ? nl + 2 : nl + 1))}`;
}
