// Dates in a document editor are EJSON (`{"$date": 1767258000000}`, epoch milliseconds): these find them so that the
// editor can show the ISO date beside them (inlay hint) and on hover, while the text itself stays exact EJSON.
// Plain module: no VS Code API.

export interface EjsonDate {
  /** Offsets of the number in the text. */
  start: number;
  end: number;
  iso: string;
}

const DATE = /"\$date"\s*:\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

/** Every `"$date": <number>` in `text` whose number is a valid date, with the number's offsets. */
export function findEjsonDates(text: string, from = 0, to = text.length): EjsonDate[] {
  const out: EjsonDate[] = [];
  DATE.lastIndex = from;
  for (let m = DATE.exec(text); m && m.index < to; m = DATE.exec(text)) {
    const ms = Number(m[1]);
    const d = new Date(ms);
    if (!Number.isFinite(ms) || Number.isNaN(d.getTime())) continue;
    const end = m.index + m[0].length;
    out.push({ start: end - m[1].length, end, iso: d.toISOString() });
  }
  return out;
}
