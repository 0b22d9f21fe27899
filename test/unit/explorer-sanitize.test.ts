// Server text is text in every VS Code sink: a table of hostile strings through each sink's helper, checked with
// the renderers' own rules (VS Code's linkedText and codicon patterns, markdown syntax), and the log line escaping.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  escapeControl,
  forFileName,
  forLog,
  forMarkdown,
  forNotification,
  forPlainInput,
  forPlainTooltip,
  forQuickInput,
  forStatusBar,
  logMessage,
  maskUrlCredentials,
} from '../../src/presentation/sanitize';
import { describeError } from '../../src/presentation/logFormat';
import { opaque, readQuery } from '../../src/presentation/uriQuery';
import { callErrorNotification } from '../../src/presentation/errorMessages';
import { DdpError } from '../../src/ddp';

// VS Code 1.139's linkedText (notifications, input box prompts and validation messages), verbatim.
const LINKED_TEXT = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
// VS Code's codicon pattern (quick pick labels, prompts, status bar text); `\$(` is its escape.
const CODICON = /(\\)?\$\(([A-Za-z0-9-]+(?:~[A-Za-z]+)?)\)/g;

const links = (text: string) => [...text.matchAll(LINKED_TEXT)].map((m) => m[0]);
const icons = (text: string) => [...text.matchAll(CODICON)].filter((m) => !m[1]).map((m) => m[0]);

/** Markdown constructs that make a link, an image, html or an autolink, if any character is left unescaped. */
function markdownLinks(md: string): string[] {
  const unescaped = md.replace(/\\[!-/:-@[-`{-~]/g, ''); // what remains once escaped punctuation is removed
  const found: string[] = [];
  if (/\]\s*[([]/.test(unescaped)) found.push('inline/reference link');
  if (/^\s*\[[^\]]*\]\s*:/m.test(unescaped)) found.push('reference definition');
  if (/<[a-z!/?]/i.test(unescaped)) found.push('html or autolink');
  if (/[a-z][a-z0-9+.-]*:\/\//i.test(unescaped) || /\bwww\./i.test(unescaped)) found.push('bare URL (GFM autolink)');
  if (/&#?\w+;/.test(unescaped)) found.push('entity');
  return found;
}

const HOSTILE = [
  '[Click me](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%20-rf%20~%5Cn%22%7D)',
  '[x](command:ddpExplorer.removeConnection)',
  '[x](COMMAND:foo)',
  '[x](https://evil.example/phish)',
  '[x](http://evil.example "title")',
  "[x](file:///etc/passwd 'title')",
  '[x\\](command:foo)',
  '[[nested]](command:foo)',
  '[x]\t(command:foo)',
  '[x]\n(command:foo)',
  'prefix [a](command:a) middle [b](https://b) suffix',
  '<command:workbench.action.openSettings>',
  '<https://evil.example>',
  '<a href="command:foo">x</a>',
  '<img src=x onerror=alert(1)>',
  '[x][ref]\n[ref]: command:foo',
  '[ref]: https://evil.example',
  '[x](command%3Afoo)',
  '[x](command&#58;foo)',
  '&#91;x&#93;&#40;command:foo&#41;',
  '%5Bx%5D%28command%3Afoo%29',
  '![img](https://evil.example/a.png)',
  'www.evil.example and https://evil.example/x',
  '$(alert) $(sync~spin) $(account) fake icons',
  '\\$(already-escaped)',
  'line1\nline2\r\n[info] [prod] Logged in as user admin',
  '\u001b[31mred\u001b[0m \u0007 bell \u0000 nul \u009b csi',
  'bidi \u202eevil\u202c \u2066x\u2069 \u2028sep\u2029',
  'ws://admin:hunter2@db.example:3000/websocket',
  'https://user@host.example/x',
];

describe('sanitize: hostile server strings in every sink', () => {
  for (const s of HOSTILE) {
    test(`notification: ${JSON.stringify(s).slice(0, 70)}`, () => {
      const out = forNotification(s);
      assert.deepEqual(links(out), [], out);
      assert.doesNotMatch(out, /[\n\r\u001b\u0000\u202e]/);
      assert.doesNotMatch(out, /hunter2/);
      assert.doesNotMatch(out, /<[a-z!/]/i, 'no html or autolink opener');
    });
    test(`quick input: ${JSON.stringify(s).slice(0, 70)}`, () => {
      const out = forQuickInput(s);
      assert.deepEqual(links(out), []);
      assert.deepEqual(icons(out), []);
      assert.doesNotMatch(out, /[\n\r\u001b]/);
    });
    test(`status bar: ${JSON.stringify(s).slice(0, 70)}`, () => {
      const out = forStatusBar(s);
      assert.deepEqual(icons(out), []);
      assert.doesNotMatch(out, /[\n\r\u001b]/);
      assert.doesNotMatch(out, /hunter2/);
    });
    test(`markdown: ${JSON.stringify(s).slice(0, 70)}`, () => {
      const out = forMarkdown(s);
      assert.deepEqual(markdownLinks(out), [], out);
      assert.deepEqual(icons(out), []);
    });
    test(`log line: ${JSON.stringify(s).slice(0, 70)}`, () => {
      const out = forLog(s);
      assert.doesNotMatch(out, /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
      assert.doesNotMatch(out, /hunter2/);
    });
  }

  test('the text stays readable: only the link syntax is broken', () => {
    assert.equal(
      forNotification('fail: This method always fails (on purpose) [demo-failure]'),
      'fail: This method always fails (on purpose) [demo-failure]',
    );
    assert.equal(forNotification('[x](command:foo)'), '[x] (command:foo)');
    assert.equal(forNotification('a < b and c > d'), 'a < b and c > d');
    assert.equal(forQuickInput('$(alert) x'), '\\$(alert) x');
    assert.equal(forStatusBar('name $(x)'), 'name \\$(x)');
    assert.equal(forPlainInput('a\nb'), 'a\\nb');
    assert.equal(forPlainTooltip('line 1\nline 2 \u001b[1m'), 'line 1\nline 2 \\u001b[1m');
  });

  test('a server id in an editor tab name is a name, never a path', () => {
    for (const hostile of [
      '..',
      '.',
      '../../etc/passwd',
      'a/b\\c',
      'id\u202e\u0000\n',
      'C:\\x',
      '%2e%2e',
      'x'.repeat(500),
    ]) {
      const name = forFileName(hostile);
      assert.doesNotMatch(name, /[\\/\u0000-\u001f\u202e%]/, JSON.stringify(hostile));
      assert.doesNotMatch(name, /^\.*$/, JSON.stringify(hostile));
      assert.ok(name.length > 0 && name.length <= 81, JSON.stringify(hostile));
    }
    // VS Code names the file in its own notifications ("Failed to save '<name>'"), which render links, and shows the
    // whole URI ("Unable to write file '<uri>'"): neither may carry a link a server wrote into an id.
    for (const hostile of HOSTILE) {
      const name = `${forFileName(hostile)} (${forFileName(hostile)}).jsonc`;
      const path = `/${forFileName(hostile)}/${forFileName(hostile)}/${name}`;
      const query = opaque({ s: hostile, c: hostile, d: hostile });
      assert.deepEqual(links(`Failed to save '${name}': Unable to write file 'ddp-explorer:${path}?${query}'`), []);
      assert.match(query, /^[A-Za-z0-9_-]*$/);
      assert.deepEqual(readQuery(query), { s: hostile, c: hostile, d: hostile }, 'the ids come back exactly');
    }
    assert.deepEqual(readQuery('{"s":"a","c":"b","d":"c"}'), { s: 'a', c: 'b', d: 'c' }, 'tabs restored from before');
    assert.throws(() => readQuery('bm90IGpzb24'));
    assert.equal(forFileName('task-1'), 'task-1');
    assert.equal(forFileName('127.0.0.1:3000'), '127.0.0.1:3000');
  });

  test('control characters become visible escapes', () => {
    assert.equal(escapeControl('a\nb\rc\td\u001be\u0000'), 'a\\nb\\rc\\td\\u001be\\u0000');
    assert.equal(escapeControl('plain text, ünïcödé, 日本'), 'plain text, ünïcödé, 日本');
  });

  test('credentials in URLs are masked in any text', () => {
    assert.equal(
      maskUrlCredentials('Connecting to ws://admin:hunter2@host:3000/websocket'),
      'Connecting to ws://***@host:3000/websocket',
    );
    assert.equal(maskUrlCredentials('https://user@host/x and ws://host/y'), 'https://***@host/x and ws://host/y');
    assert.equal(maskUrlCredentials('mail bob@example.com'), 'mail bob@example.com');
  });

  test('a nosub reason with newlines cannot forge a log line', () => {
    const reason = 'denied\n2026-11-29 23:55:31.123 [info] [prod] Logged in as user admin\r\n\u001b[2K';
    const line = logMessage(
      `[prod] Subscription tasks stopped by the server: ${describeError(new DdpError({ error: 403, reason }))}`,
    );
    assert.equal(line.split('\n').length, 1, line);
    assert.match(
      line,
      /denied\\n2026-11-29 23:55:31\.123 \[info\] \[prod\] Logged in as user admin\\r\\n\\u001b\[2K \[403\]$/,
    );
  });

  test('a pretty-printed result keeps its lines, indented so none passes for a log line; strays are escaped', () => {
    const out = logMessage('[local] m → {\n  "a": "x"\n} (3 ms)');
    assert.deepEqual(out.split('\n'), ['[local] m → {', '    "a": "x"', '  } (3 ms)']);
    const forged = logMessage('[local] m → {\n2026-01-01 00:00:00.000 [info] fake\r\u001b[0m}');
    for (const l of forged.split('\n').slice(1)) assert.match(l, /^ {2}/);
    assert.doesNotMatch(forged, /[\r\u001b]/);
  });

  test('errors shown in notifications: describeError escapes, the notification neutralises links', () => {
    const err = new DdpError({ error: 'x', reason: 'Bad [Fix it](command:workbench.action.reloadWindow)\nnext line' });
    const text = forNotification(callErrorNotification('hostile', err));
    assert.deepEqual(links(text), []);
    assert.equal(text, 'hostile: Bad [Fix it] (command:workbench.action.reloadWindow)\\nnext line [x]');
  });
});

describe('sinks: no notification or quick pick of server text outside the sanitising helpers', () => {
  const root = path.join(__dirname, '..', '..', 'src');
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else if (e.name.endsWith('.ts')) files.push(path.join(dir, e.name));
    }
  };
  walk(root);

  test('showErrorMessage / showWarningMessage / showInformationMessage / setStatusBarMessage only in commands/notify.ts', () => {
    const offenders = files
      .filter((f) => !f.endsWith(path.join('commands', 'notify.ts')))
      .filter((f) =>
        /\b(showErrorMessage|showWarningMessage|showInformationMessage|setStatusBarMessage)\s*\(/.test(
          fs.readFileSync(f, 'utf8'),
        ),
      )
      .map((f) => path.relative(root, f));
    assert.deepEqual(offenders, []);
  });

  test('no MarkdownString is built from anything but forMarkdown text (appendText escapes on its own)', () => {
    const offenders = files
      .filter((f) => /new\s+vscode\.MarkdownString\s*\(\s*[^)\s]|appendMarkdown\s*\(/.test(fs.readFileSync(f, 'utf8')))
      .filter((f) => !/forMarkdown/.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(root, f));
    assert.deepEqual(offenders, []);
  });
});
