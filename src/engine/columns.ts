// Reading cells as numbers: what counts as a number or a date, what kind each column is,
// and the x/y arrays the model is fitted on.

import { UnlearnError } from './errors';
import type { ColumnInfo, ColumnKind, NumericXY, ParsedDataset, SkippedRow } from './types';

/**
 * A finite number, a trimmed JS-style decimal string (`1e-3`, ` 42 `, `+3`, `.5`), or an
 * ISO-8601 date (→ fractional year); undefined for anything else ('', 'NaN', '0x10', '1,5',
 * booleans, null, objects).
 */
export function parseNumber(cell: unknown): number | undefined {
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : undefined;
  if (typeof cell !== 'string') return undefined;
  return parseDecimal(cell) ?? parseIsoDate(cell);
}

/**
 * Number() already trims and reads decimals; it also accepts what we must refuse:
 * '' and blanks (→ 0), 0x/0b/0o literals, and Infinity (not finite, so caught below).
 */
function parseDecimal(text: string): number | undefined {
  const value = Number(text);
  if (!Number.isFinite(value)) return undefined;
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (trimmed.charCodeAt(0) === 48 /* 0 */ && isRadixLetter(trimmed.charCodeAt(1))) return undefined;
  return value;
}

function isRadixLetter(c: number): boolean {
  const lower = c | 0x20;
  return lower === 120 /* x */ || lower === 98 /* b */ || lower === 111 /* o */;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * text[start, end) as a number if it is a plain short decimal (`-12.5`, `007`): at most 15
 * digits, so the mantissa and 10^k are exact doubles and one division rounds exactly as
 * Number() would (Clinger's fast path). NaN means "not that simple, use parseNumber".
 * Lets a parser read numbers without first cutting a string for each cell.
 */
export function readShortDecimal(text: string, start: number, end: number): number {
  let i = start;
  const sign = text.charCodeAt(i);
  if (sign === 45 /* - */ || sign === 43 /* + */) i++;
  let mantissa = 0;
  let digits = 0;
  let fractionDigits = 0;
  let seenDot = false;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (seenDot) fractionDigits++;
    } else if (c === 46 /* . */ && !seenDot) {
      seenDot = true;
    } else {
      return NaN;
    }
  }
  if (digits === 0 || digits > 15) return NaN;
  const value = mantissa / POW10[fractionDigits];
  return sign === 45 ? -value : value;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * An ISO-8601 date or date-time as a fractional year, in UTC with the year's real length:
 * 2024-07-02 → 2024 + 183/366 = 2024.5. A time without an offset is read as UTC so the
 * result does not depend on the machine's time zone.
 */
export function parseIsoDate(text: string): number | undefined {
  const m = ISO_DATE.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const millis = m[7] ? Number(m[7]) * 1000 : 0;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const time = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes(m[8]) * 60_000;
  const utcYear = new Date(time).getUTCFullYear();
  const yearStart = Date.UTC(utcYear, 0, 1);
  return utcYear + (time - yearStart) / (Date.UTC(utcYear + 1, 0, 1) - yearStart);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function offsetMinutes(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.replace(':', '');
  const minutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5));
  return zone[0] === '-' ? -minutes : minutes;
}

const KIND_SAMPLE_ROWS = 2000;
/**
 * Share of non-empty cells that must read as numbers (or dates) for the column to count as
 * numeric (or date). Not 100%: a numeric column with a stray "n/a" must stay usable as x or
 * y, and extractXY then skips and reports the rows that do not parse.
 */
const MOSTLY = 0.9;

/**
 * Each column's kind from the non-empty cells of up to 2000 rows spread over the file:
 * 'numeric' if (nearly) all parse as plain numbers, 'date' if (nearly) all are ISO dates,
 * 'empty' if there are none, else 'text'.
 */
export function describeColumns(ds: ParsedDataset): ColumnInfo[] {
  const sample = sampleRows(ds.rowCount, KIND_SAMPLE_ROWS);
  return ds.columns.map((name) => ({ name, kind: columnKind(ds, name, sample) }));
}

function sampleRows(rowCount: number, max: number): number[] {
  if (rowCount <= max) return Array.from({ length: rowCount }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.floor((i * rowCount) / max));
}

function columnKind(ds: ParsedDataset, name: string, rows: number[]): ColumnKind {
  let numbers = 0;
  let dates = 0;
  let others = 0;
  for (const r of rows) {
    const cell = ds.cell(r, name);
    if (isEmptyCell(cell)) continue;
    if (typeof cell === 'number' || (typeof cell === 'string' && parseDecimal(cell) !== undefined)) numbers++;
    else if (typeof cell === 'string' && parseIsoDate(cell) !== undefined) dates++;
    else others++;
  }
  const total = numbers + dates + others;
  if (total === 0) return 'empty';
  if (numbers >= total * MOSTLY) return 'numeric';
  return dates >= total * MOSTLY ? 'date' : 'text';
}

const MAX_SKIPPED_LISTED = 10;

/** What a dataset may offer so extractXY can skip the name lookup and string per cell. */
export interface NumericCells {
  /** Position of the column in `columns`, or -1. */
  columnPosition(name: string): number;
  /** parseNumber of the cell at that position. */
  numberAt(rowIndex: number, position: number): number | undefined;
}

function hasNumericCells(ds: ParsedDataset): ds is ParsedDataset & NumericCells {
  const candidate = ds as Partial<NumericCells>;
  return typeof candidate.numberAt === 'function' && typeof candidate.columnPosition === 'function';
}

/**
 * The rows where both x and y read as numbers, as typed arrays; every other row is counted
 * and the first ten are kept with the reason.
 */
export function extractXY(ds: ParsedDataset, x: string, y: string): NumericXY {
  for (const name of [x, y]) {
    if (!ds.columns.includes(name)) {
      throw new UnlearnError(`no column ${JSON.stringify(name)}; columns are ${ds.columns.join(', ')}`);
    }
  }
  const n = ds.rowCount;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const rowIndex = new Int32Array(n);
  const skipped: SkippedRow[] = [];
  const readX = cellReader(ds, x);
  const readY = cellReader(ds, y);
  let valid = 0;
  for (let r = 0; r < n; r++) {
    const xValue = readX(r);
    const yValue = readY(r);
    if (xValue !== undefined && yValue !== undefined) {
      xs[valid] = xValue;
      ys[valid] = yValue;
      rowIndex[valid] = r;
      valid++;
    } else if (skipped.length < MAX_SKIPPED_LISTED) {
      const message = xValue === undefined ? notANumber('x', ds.cell(r, x)) : notANumber('y', ds.cell(r, y));
      skipped.push({ row: r + 1, line: ds.lineOf(r), message });
    }
  }
  return {
    xs: valid === n ? xs : xs.slice(0, valid),
    ys: valid === n ? ys : ys.slice(0, valid),
    rowIndex: valid === n ? rowIndex : rowIndex.slice(0, valid),
    skippedCount: n - valid,
    skipped,
  };
}

/** Reads one column as numbers, through the dataset's positional fast path when it has one. */
function cellReader(ds: ParsedDataset, column: string): (rowIndex: number) => number | undefined {
  if (hasNumericCells(ds)) {
    const position = ds.columnPosition(column);
    return (rowIndex) => ds.numberAt(rowIndex, position);
  }
  return (rowIndex) => parseNumber(ds.cell(rowIndex, column));
}

function isEmptyCell(cell: unknown): boolean {
  return cell === undefined || cell === null || (typeof cell === 'string' && cell.trim() === '');
}

function notANumber(axis: 'x' | 'y', cell: unknown): string {
  if (isEmptyCell(cell)) return `${axis} is missing`;
  const shown = typeof cell === 'string' ? cell : JSON.stringify(cell);
  return `${axis} ${JSON.stringify(shown.length > 40 ? `${shown.slice(0, 40)}…` : shown)} is not a number`;
}
