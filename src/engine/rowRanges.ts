// `--unwanted-rows 3,8,10-14`: 1-based data-row numbers and inclusive ranges. The spec is kept
// as ranges until the row count is known, so `1-1000000000` or `99999999999999999999` is
// refused with a sentence instead of being expanded first (3 GB, or a V8 abort).

import { UnlearnError } from './errors';

export interface RowRange {
  /** 1-based, inclusive; any size (a number beyond 2^53 is simply larger than every row count). */
  from: number;
  to: number;
  /** The part of the spec it came from, for messages ("10-14"). */
  text: string;
}

/** "3,8,10-14" → three ranges; syntax errors name the part. Nothing is expanded here. */
export function parseRowRanges(spec: string): RowRange[] {
  const ranges: RowRange[] = [];
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new UnlearnError(`--unwanted-rows: "${part}" is not a row number or range like 10-14`);
    const from = Number(m[1]);
    const to = Number(m[2] ?? m[1]);
    if (from < 1 || to < from) throw new UnlearnError(`--unwanted-rows: "${part}" is not a valid range (rows start at 1)`);
    ranges.push({ from, to, text: part });
  }
  return ranges;
}

/**
 * The rowIndex values (0-based, ascending, no repeats) of ranges over a dataset of `rowCount`
 * rows. Every range is checked against the row count first, and overlapping ranges are merged,
 * so the work and memory are at most one entry per dataset row.
 */
export function expandRowRanges(ranges: RowRange[], rowCount: number, fileName: string): number[] {
  for (const range of ranges) {
    if (!(Number.isSafeInteger(range.to) && range.to <= rowCount)) {
      const row = range.from > rowCount ? range.text.split('-')[0] : range.text.split('-').pop();
      throw new UnlearnError(`--unwanted-rows: row ${row} does not exist: the dataset has ${rowCount} data rows`, fileName);
    }
  }
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  const rows: number[] = [];
  let next = 1; // first row number not yet listed
  for (const { from, to } of sorted) {
    for (let r = Math.max(from, next); r <= to; r++) rows.push(r - 1);
    next = Math.max(next, to + 1);
  }
  return rows;
}
