// Words on a .ddp line: runs of non-space text where a `{{...}}` reference (which may hold spaces, as in
// `{{$dotenv NAME}}`) and a "JSON string" each count as one piece.

export interface Word {
  text: string;
  start: number;
  end: number;
}

/** End index of the word starting at `from` (exclusive); `stop` ends a word early (e.g. "." before a path). */
export function wordEnd(text: string, from: number, stop: (ch: string) => boolean = () => false): number {
  let i = from;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '{' && text[i + 1] === '{') {
      const close = text.indexOf('}}', i + 2);
      if (close < 0) return text.length;
      i = close + 2;
    } else if (ch === '"') {
      i = stringEnd(text, i);
    } else if (/\s/.test(ch) || (i > from && stop(ch))) {
      break;
    } else i++;
  }
  return i;
}

/** Index just after the JSON string starting at `from` (or the end of the text when it is not closed). */
export function stringEnd(text: string, from: number): number {
  for (let i = from + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return text.length;
}

/** The words of `text`, in order. */
export function words(text: string): Word[] {
  const out: Word[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i])) {
      i++;
      continue;
    }
    const end = wordEnd(text, i);
    out.push({ text: text.slice(i, end), start: i, end });
    i = end;
  }
  return out;
}

/** A word as a value: a JSON string literal is decoded, anything else is taken as it is. */
export function unquote(word: string): string {
  if (word.startsWith('"')) {
    try {
      const v: unknown = JSON.parse(word);
      if (typeof v === 'string') return v;
    } catch {
      /* fall through: keep the text */
    }
  }
  return word;
}
