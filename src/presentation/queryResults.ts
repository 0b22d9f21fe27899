// "Open Results as JSON": the documents a collection's filter or query matches, in the order the tree shows them
// (the query's sort, else server order), each as its rows show it (the projection applied), as exact EJSON in one
// JSON array, bounded, under comment lines that say how many of how many and when. Plain module: no VS Code API.
import { clockTime, exactEJSON, formatCount, plural } from './format';

/** Most documents one results tab holds. */
export const MAX_RESULTS_SHOWN = 1000;

export interface ResultsSnapshot {
  connection: string;
  collection: string;
  /** The filter text or query, '' for none. */
  filter: string;
  /** Documents in the collection. */
  total: number;
  /** Documents that pass the filter. */
  matched: number;
  /** The first documents in order (at most MAX_RESULTS_SHOWN), with the fields to show. */
  docs: Array<{ id: string; fields: Record<string, unknown> }>;
  at: number;
}

/** A name or query in a comment line: one line, whatever it holds (server names are untrusted). */
const oneLine = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');

export function resultsText(s: ResultsSnapshot): string {
  const where = `in "${oneLine(s.collection)}" on "${oneLine(s.connection)}"`;
  const head = s.filter
    ? `// ${formatCount(s.docs.length)} of ${formatCount(s.matched)} matching ${s.matched === 1 ? 'document' : 'documents'} ${where} (${plural(s.total, 'document')} in all)`
    : `// ${formatCount(s.docs.length)} of ${plural(s.total, 'document')} ${where}`;
  const lines = [head];
  if (s.filter) lines.push(`// ${s.filter.startsWith('{') ? 'Query' : 'Filter'}: ${oneLine(s.filter)}`);
  lines.push(`// A snapshot taken at ${clockTime(s.at)}: run Open Results as JSON again for the current data.`);
  const values = s.docs.map((d) => ({ _id: d.id, ...d.fields }));
  return `${lines.join('\n')}\n${exactEJSON(values)}\n`;
}
