// The export of the wanted rows: the dataset's text with the unwanted rows cut out at the
// parser's own row spans, so what is removed is exactly what the audit called unwanted,
// whatever the line endings (LF, CRLF, lone CR) or quoted line breaks. Every other byte
// (header, blank lines, lines the parser could not read, line endings) is kept.

import type { ParsedDataset } from './types';

export function withoutRows(text: string, ds: ParsedDataset, rows: Iterable<number>): string {
  if (!ds.rowSpan) throw new Error('withoutRows needs a dataset from parseCsv or parseJsonl (with row spans)');
  const sorted = [...new Set(rows)].filter((r) => r >= 0 && r < ds.rowCount).sort((a, b) => a - b);
  const pieces: string[] = [];
  let pos = 0;
  for (const row of sorted) {
    const [start, end] = ds.rowSpan(row);
    pieces.push(text.slice(pos, start));
    pos = end;
  }
  pieces.push(text.slice(pos));
  return pieces.join('');
}
