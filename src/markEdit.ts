// Which rows a set of file lines touches, and the mark / unmark / toggle edit of a forget
// list. Pure (no vscode): the host runs it for small datasets, the index worker for large.

import { addRows, matchForgetList, removeRows } from './engine/forgetList';
import type { ForgetList, ParsedDataset } from './engine/types';
import { partitionPoint } from './engine/partitionPoint';

export type MarkAction = 'mark' | 'unmark' | 'toggle';

export interface MarkEdit {
  list: ForgetList;
  marked: number;
  unmarked: number;
}

/** The rowIndex of the row covering a 1-based file line, or undefined (header, blank or broken line). */
export function rowAtLine(ds: ParsedDataset, line: number): number | undefined {
  const candidate = firstRowAfter(ds, line) - 1;
  return candidate >= 0 && ds.endLineOf(candidate) >= line ? candidate : undefined;
}

/** rowIndex values of the rows touching 1-based lines first..last, in order. */
export function rowsInLines(ds: ParsedDataset, first: number, last: number): number[] {
  const rows: number[] = [];
  for (let row = rowAtLine(ds, first) ?? firstRowAfter(ds, first); row < ds.rowCount && ds.lineOf(row) <= last; row++) {
    rows.push(row);
  }
  return rows;
}

/** The first row starting after a 1-based line (rows start on increasing lines: binary search). */
function firstRowAfter(ds: ParsedDataset, line: number): number {
  return partitionPoint(ds.rowCount, (i) => ds.lineOf(i) > line);
}

/** Rows touching the lines: consecutive lines are looked up as one span. */
export function rowsAtLines(ds: ParsedDataset, lines: number[]): number[] {
  const rows = new Set<number>();
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    for (const row of rowsInLines(ds, sorted[i], sorted[j])) rows.add(row);
    i = j + 1;
  }
  return [...rows].sort((a, b) => a - b);
}

/** The list after marking, unmarking or toggling the rows at the 1-based lines. */
export function markLines(list: ForgetList, ds: ParsedDataset, lines: number[], action: MarkAction, reason: string, date: string): MarkEdit {
  const rows = rowsAtLines(ds, lines);
  const listed = new Set(matchForgetList(list, ds).unwantedRows);
  const toMark = action === 'unmark' ? [] : rows.filter((r) => !listed.has(r));
  // A toggle over a mix of marked and unmarked rows marks them all, as a checkbox list does.
  const toUnmark = action === 'mark' || (action === 'toggle' && toMark.length > 0) ? [] : rows.filter((r) => listed.has(r));
  return { list: addRows(removeRows(list, ds, toUnmark), ds, toMark, reason, date), marked: toMark.length, unmarked: toUnmark.length };
}
