// RFC 4180 CSV as real files contain it, parsed in one forward pass. Cells are kept as
// offsets into the original string (typed arrays) and only become strings when asked for,
// so a 1M-row file does not allocate millions of small strings up front.

import { parseNumber, readShortDecimal, type NumericCells } from './columns';
import { UnlearnError } from './errors';
import { CELL_SEPARATOR, fnv64 } from './fingerprint';
import { ParseIssueLog } from './parseIssues';
import type { ParsedDataset, ParseIssue } from './types';

export interface CsvOptions {
  /** One character; sniffed from the first lines (`,`, `;` or tab) when absent. */
  delimiter?: string;
  /**
   * The text is a piece of a longer file: stop before the first record whose reading would
   * depend on text past the end (a quote not closed yet, a last line without its line break,
   * a CR that may be half a CRLF). `consumedOf` then tells where the next piece must start.
   */
  partial?: boolean;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const BOM = 0xfeff;
const END = -1;

/** How a cell's span must be read back. */
const enum CellKind {
  /** The span is the value. */
  Plain = 0,
  /** The span is the inside of a quoted field with doubled quotes to collapse. */
  Escaped = 1,
  /** The span is a whole quoted field followed by stray text (`"ab"c`); re-read it. */
  Irregular = 2,
}

/** The delimiter parseCsv would use for this text: sniffed as described at sniffDelimiter. */
export function sniffCsvDelimiter(text: string): string {
  return String.fromCharCode(sniffDelimiter(text, text.charCodeAt(0) === BOM ? 1 : 0));
}

export function parseCsv(text: string, options: CsvOptions = {}): ParsedDataset {
  const start = text.charCodeAt(0) === BOM ? 1 : 0;
  const delimiter = options.delimiter === undefined ? sniffDelimiter(text, start) : delimiterCode(options.delimiter);
  const table = scanRecords(text, start, delimiter, options.partial === true);
  return new CsvDataset(text, table);
}

/**
 * Where the header record ends: the offset just past its line break and the number of lines
 * up to there (so text.slice(0, end) put before a later piece of the file reads as the same
 * header). Undefined for a text without a header.
 */
export function headerEndOf(ds: ParsedDataset): { end: number; lines: number } | undefined {
  return ds instanceof CsvDataset ? ds.headerEnd() : undefined;
}

/** With `partial`: the offset where reading stopped (the text's length when it read everything). */
export function consumedOf(ds: ParsedDataset): number {
  return ds instanceof CsvDataset ? ds.consumed : 0;
}

function delimiterCode(delimiter: string): number {
  const code = delimiter.charCodeAt(0);
  if (delimiter.length !== 1 || code === QUOTE || code === LF || code === CR) {
    throw new UnlearnError(`invalid CSV delimiter ${JSON.stringify(delimiter)}: use one character other than a quote or newline`);
  }
  return code;
}

// ---------------------------------------------------------------- delimiter sniffing

const SNIFF_LINES = 6;
const SNIFF_CHARS = 64 * 1024;
const CANDIDATES = [44 /* , */, 59 /* ; */, TAB];

/**
 * Picks `,`, `;` or tab by counting them outside quotes on the header and the next few
 * lines: the delimiter is the one the header uses that every sampled line uses as often
 * (a `;` file with decimal commas has no comma in its header). Ties go to the comma.
 */
function sniffDelimiter(text: string, start: number): number {
  const counts: number[][] = [];
  let current = [0, 0, 0];
  let inQuotes = false;
  const end = Math.min(text.length, start + SNIFF_CHARS);
  for (let i = start; i < end && counts.length < SNIFF_LINES; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) inQuotes = !inQuotes;
    else if (inQuotes) continue;
    else if (c === LF || c === CR) {
      if (current.some((n) => n > 0) || counts.length > 0) counts.push(current);
      current = [0, 0, 0];
    } else {
      const k = CANDIDATES.indexOf(c);
      if (k >= 0) current[k]++;
    }
  }
  if (counts.length < SNIFF_LINES && current.some((n) => n > 0)) counts.push(current);
  if (counts.length === 0) return CANDIDATES[0];
  const header = counts[0];
  // Blank lines (all zero) are not evidence against a delimiter.
  const rows = counts.slice(1).filter((line) => line.some((n) => n > 0));
  let best = -1;
  for (let k = 0; k < CANDIDATES.length; k++) {
    const consistent = header[k] > 0 && rows.every((line) => line[k] === header[k]);
    if (consistent && (best < 0 || header[k] > header[best])) best = k;
  }
  if (best < 0) {
    for (let k = 0; k < CANDIDATES.length; k++) if (header[k] > 0 && (best < 0 || header[k] > header[best])) best = k;
  }
  return CANDIDATES[Math.max(best, 0)];
}

// ---------------------------------------------------------------- the scanner

/** Growable parallel typed arrays: one slot per cell. */
class CellSpans {
  starts: Int32Array;
  ends: Int32Array;
  kinds: Uint8Array;
  length = 0;

  constructor(capacity: number) {
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.kinds = new Uint8Array(capacity);
  }

  push(start: number, end: number, kind: CellKind): void {
    if (this.length === this.starts.length) this.grow();
    this.starts[this.length] = start;
    this.ends[this.length] = end;
    this.kinds[this.length] = kind;
    this.length++;
  }

  private grow(): void {
    const capacity = this.starts.length * 2;
    this.starts = growInt32(this.starts, capacity);
    this.ends = growInt32(this.ends, capacity);
    const kinds = new Uint8Array(capacity);
    kinds.set(this.kinds);
    this.kinds = kinds;
  }
}

/** Growable parallel typed arrays: one slot per record (the header is record 0). */
class RecordSpans {
  firstCell: Int32Array;
  firstLine: Int32Array;
  lastLine: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.firstCell = new Int32Array(capacity);
    this.firstLine = new Int32Array(capacity);
    this.lastLine = new Int32Array(capacity);
  }

  push(firstCell: number, firstLine: number, lastLine: number): void {
    if (this.length === this.firstCell.length) {
      const capacity = this.length * 2;
      this.firstCell = growInt32(this.firstCell, capacity);
      this.firstLine = growInt32(this.firstLine, capacity);
      this.lastLine = growInt32(this.lastLine, capacity);
    }
    this.firstCell[this.length] = firstCell;
    this.firstLine[this.length] = firstLine;
    this.lastLine[this.length] = lastLine;
    this.length++;
  }
}

function growInt32(array: Int32Array, capacity: number): Int32Array {
  const grown = new Int32Array(capacity);
  grown.set(array);
  return grown;
}

interface RecordTable {
  cells: CellSpans;
  records: RecordSpans;
  log: ParseIssueLog;
  endLine: number;
  consumed: number;
}

function scanRecords(text: string, start: number, delimiter: number, partial: boolean): RecordTable {
  const scanner = new RecordScanner(text, start, delimiter, partial);
  scanner.run();
  // Sentinel record: the cells of record r end at firstCell[r + 1], also for the last one.
  const { cells, records } = scanner;
  records.push(cells.length, scanner.line, scanner.line);
  records.length--;
  return { cells, records, log: scanner.log, endLine: scanner.line, consumed: scanner.consumed };
}

/**
 * Two paths: a line without quotes (nearly all of them) is split with native indexOf,
 * which is several times faster than a charCodeAt loop; a record with a quote goes
 * through the character state machine. The next LF, CR, quote and delimiter positions are
 * remembered so no search covers the same text twice.
 */
class RecordScanner {
  readonly cells: CellSpans;
  readonly records: RecordSpans;
  readonly log = new ParseIssueLog();
  line = 1;
  private pos: number;
  private readonly n: number;
  private readonly delimiterChar: string;
  private nextLF = -1;
  private nextCR = -1;
  private nextQuote = -1;
  private nextDelimiter = -1;
  /** Set by closingQuote: the field contains `""` to collapse. */
  private closedAfterDoubledQuote = false;

  /** Where reading stopped (partial mode), else the text's length. */
  consumed: number;

  constructor(
    private readonly text: string,
    start: number,
    private readonly delimiter: number,
    private readonly partial = false,
  ) {
    this.consumed = text.length;
    this.n = text.length;
    this.pos = start;
    this.delimiterChar = String.fromCharCode(delimiter);
    // Sized from a line count so the arrays rarely grow: growing copies tens of megabytes.
    const lines = countLines(text, start);
    this.records = new RecordSpans(lines + 2);
    // A line holds at most (its delimiters + 1) cells, so the text length bounds the estimate.
    const perLine = countInFirstLine(text, start, delimiter) + 1;
    this.cells = new CellSpans(Math.min((lines + 2) * perLine, this.n + lines + 2));
  }

  run(): void {
    const { text, n, cells, records } = this;
    while (this.pos < n) {
      const pos = this.pos;
      if (this.nextLF < pos) this.nextLF = this.find('\n', pos);
      if (this.nextCR < pos) this.nextCR = this.find('\r', pos);
      const lineEnd = Math.min(this.nextLF, this.nextCR);
      if (this.partial && this.unsureEnd(lineEnd)) {
        this.stop(pos);
        return;
      }
      if (pos === lineEnd || (isBlank(text.charCodeAt(pos), this.delimiter) && isBlankLineAt(text, pos, this.delimiter))) {
        this.pos = lineEnd < n ? skipLineBreak(text, lineEnd) : n;
        this.line++;
        continue;
      }
      if (this.nextQuote < pos) this.nextQuote = this.find('"', pos);
      if (this.nextQuote < lineEnd) {
        const firstCell = cells.length;
        const issues = this.log.mark();
        const line = this.line;
        const kept = this.quotedRecord();
        if (this.partial && (this.needsMore || (kept ? this.unsureEnd(this.pos) : this.pos >= this.n))) {
          // Undo the record: it is read again, whole, with the next piece.
          if (kept) records.length--;
          cells.length = firstCell;
          this.log.rollback(issues);
          this.line = line;
          this.stop(pos);
          return;
        }
        if (!kept) continue; // dropped: already moved to the next line
      } else {
        const firstCell = cells.length;
        let cellStart = pos;
        for (;;) {
          if (this.nextDelimiter < cellStart) this.nextDelimiter = this.find(this.delimiterChar, cellStart);
          if (this.nextDelimiter >= lineEnd) break;
          cells.push(cellStart, this.nextDelimiter, CellKind.Plain);
          cellStart = this.nextDelimiter + 1;
        }
        cells.push(cellStart, lineEnd, CellKind.Plain);
        records.push(firstCell, this.line, this.line);
        this.pos = lineEnd;
      }
      if (this.pos < n) {
        this.pos = skipLineBreak(text, this.pos);
        this.line++;
      }
    }
  }

  /** Partial mode: set when a quoted field's reading reached the end of the text. */
  private needsMore = false;

  /** A line break at `at` that the rest of the file could change: none (at the end) or a CR that may be half a CRLF. */
  private unsureEnd(at: number): boolean {
    return at >= this.n || (at === this.n - 1 && this.text.charCodeAt(at) === CR);
  }

  private stop(pos: number): void {
    this.consumed = pos;
    this.pos = this.n;
  }

  /** Offset of the next `char` at or after `from`, or the text length when there is none. */
  private find(char: string, from: number): number {
    const i = this.text.indexOf(char, from);
    return i < 0 ? this.n : i;
  }

  /**
   * Reads one record that contains a quote, leaving pos on the line break that ends it.
   * Returns false when the record was dropped (unterminated quote) and pos already points
   * at the next line.
   */
  private quotedRecord(): boolean {
    const { text, cells, delimiter } = this;
    const firstCell = cells.length;
    const firstLine = this.line;
    let pos = this.pos;
    for (;;) {
      if (text.charCodeAt(pos) === QUOTE) {
        const open = pos;
        const close = this.closingQuote(open);
        if (this.partial && (close < 0 || close + 1 >= this.n)) {
          this.needsMore = true;
          return false;
        }
        const after = close >= 0 ? this.at(close + 1) : END;
        const clean = after === delimiter || after === LF || after === CR || after === END;
        const breaks = close >= 0 ? countLineBreaks(text, open, close) : 0;
        // A stray quote that "closes" lines later with text glued to it is really an
        // unterminated field; treating it so keeps it from swallowing the lines between.
        if (close < 0 || (!clean && breaks > 0)) {
          this.log.add(this.line, 'unterminated quoted field');
          cells.length = firstCell;
          this.pos = skipLine(text, open);
          // The search for a closing quote ran ahead; quotes on the next lines must be seen again.
          this.nextQuote = -1;
          this.nextDelimiter = -1;
          this.line++;
          return false;
        }
        this.line += breaks;
        pos = close + 1;
        if (clean) {
          cells.push(open + 1, close, this.closedAfterDoubledQuote ? CellKind.Escaped : CellKind.Plain);
        } else {
          this.log.add(this.line, 'text after the closing quote of a quoted field (kept as part of the cell)');
          pos = endOfUnquoted(text, pos, delimiter);
          cells.push(open, pos, CellKind.Irregular);
        }
      } else {
        const cellStart = pos;
        pos = endOfUnquoted(text, pos, delimiter);
        cells.push(cellStart, pos, CellKind.Plain);
      }
      if (this.at(pos) !== delimiter) break;
      pos++;
    }
    this.records.push(firstCell, firstLine, this.line);
    this.pos = pos;
    return true;
  }

  /** The quote closing the field opened at `open` (skipping doubled quotes), or -1. */
  private closingQuote(open: number): number {
    this.closedAfterDoubledQuote = false;
    let from = open + 1;
    for (;;) {
      if (this.nextQuote < from) this.nextQuote = this.find('"', from);
      const q = this.nextQuote;
      if (q >= this.n) return -1;
      if (this.at(q + 1) !== QUOTE) return q;
      this.closedAfterDoubledQuote = true;
      from = q + 2;
    }
  }

  private at(i: number): number {
    return i < this.n ? this.text.charCodeAt(i) : END;
  }
}

function countLines(text: string, start: number): number {
  let lines = 1;
  for (let i = text.indexOf('\n', start); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

function countInFirstLine(text: string, start: number, code: number): number {
  let count = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || c === CR) break;
    if (c === code) count++;
  }
  return count;
}

/** Spaces and tabs make a line blank, unless one of them is the delimiter (then it is a row of empty cells). */
function isBlank(c: number, delimiter: number): boolean {
  return (c === SPACE || c === TAB) && c !== delimiter;
}

function endOfUnquoted(text: string, pos: number, delimiter: number): number {
  const n = text.length;
  while (pos < n) {
    const c = text.charCodeAt(pos);
    if (c === delimiter || c === LF || c === CR) break;
    pos++;
  }
  return pos;
}

/** True on an empty or whitespace-only line (not a record: blank lines are ignored). */
function isBlankLineAt(text: string, pos: number, delimiter: number): boolean {
  for (let i = pos; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || c === CR) return true;
    if (!isBlank(c, delimiter)) return false;
  }
  return true;
}

/** The offset just past the line break ending the line that contains `pos`. */
function skipLine(text: string, pos: number): number {
  const end = nextLineBreak(text, pos);
  return end < text.length ? skipLineBreak(text, end) : end;
}

function skipLineBreak(text: string, pos: number): number {
  return text.charCodeAt(pos) === CR && text.charCodeAt(pos + 1) === LF ? pos + 2 : pos + 1;
}

function nextLineBreak(text: string, pos: number): number {
  const n = text.length;
  while (pos < n) {
    const c = text.charCodeAt(pos);
    if (c === LF || c === CR) return pos;
    pos++;
  }
  return n;
}

/** Line breaks in text[from, to): LF, CRLF and a lone CR each count once. */
function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) count++;
  }
  return count;
}

// ---------------------------------------------------------------- the dataset

class CsvDataset implements ParsedDataset, NumericCells {
  readonly format = 'csv' as const;
  readonly columns: string[];
  readonly rowCount: number;
  readonly errors: ParseIssue[];
  readonly endLine: number;
  readonly consumed: number;
  private readonly columnIndex = new Map<string, number>();
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly kinds: Uint8Array;
  /** Indexed by record (record 0 is the header), with a sentinel after the last. */
  private readonly firstCell: Int32Array;
  private readonly firstLine: Int32Array;
  private readonly lastLine: Int32Array;

  constructor(
    private readonly text: string,
    { cells, records, log, endLine, consumed }: RecordTable,
  ) {
    this.starts = cells.starts;
    this.ends = cells.ends;
    this.kinds = cells.kinds;
    this.firstCell = records.firstCell;
    this.firstLine = records.firstLine;
    this.lastLine = records.lastLine;
    this.rowCount = Math.max(0, records.length - 1);
    const headerCells = records.length > 0 ? this.recordValues(0) : [];
    this.columns = uniqueColumnNames(headerCells, records.length > 0 ? this.firstLine[0] : 1, log);
    this.columns.forEach((name, i) => this.columnIndex.set(name, i));
    for (let r = 0; r < this.rowCount; r++) {
      const count = this.firstCell[r + 2] - this.firstCell[r + 1];
      if (count !== this.columns.length) log.add(this.lineOf(r), `row has ${count} cells, header has ${this.columns.length}`);
    }
    this.errors = log.finish();
    this.endLine = endLine;
    this.consumed = consumed;
  }

  lineOf(rowIndex: number): number {
    return this.firstLine[rowIndex + 1];
  }

  endLineOf(rowIndex: number): number {
    return this.lastLine[rowIndex + 1];
  }

  /**
   * Derived from the cell spans, so it costs no memory per row: a record starts at its first
   * cell, or at the quote before it, and ends after its last cell (and closing quote) plus
   * the line break. A cell span is preceded (first cell) or followed (last cell) by a quote
   * exactly when the cell was quoted, since an unquoted cell is bounded by a line break.
   */
  rowSpan(rowIndex: number): [number, number] {
    return this.recordSpan(rowIndex + 1);
  }

  headerEnd(): { end: number; lines: number } | undefined {
    if (this.firstCell.length < 2 || this.rowCount < 0 || this.columns.length === 0) return undefined;
    return { end: this.recordSpan(0)[1], lines: this.lastLine[0] };
  }

  private recordSpan(record: number): [number, number] {
    const { text } = this;
    const first = this.firstCell[record];
    const last = this.firstCell[record + 1] - 1;
    let start = this.starts[first];
    if (this.kinds[first] !== CellKind.Irregular && start > 0 && text.charCodeAt(start - 1) === QUOTE) start--;
    let end = this.ends[last];
    if (end < text.length && text.charCodeAt(end) === QUOTE) end++;
    if (end < text.length) end = skipLineBreak(text, end);
    return [start, end];
  }

  cell(rowIndex: number, column: string): string | undefined {
    const index = this.columnIndex.get(column);
    return index === undefined ? undefined : this.cellAt(rowIndex, index);
  }

  /** The cell in column position `index`; undefined when the row is shorter or out of range. */
  private cellAt(rowIndex: number, index: number): string | undefined {
    if (!(rowIndex >= 0 && rowIndex < this.rowCount)) return undefined;
    const k = this.firstCell[rowIndex + 1] + index;
    return k < this.firstCell[rowIndex + 2] ? this.cellText(k) : undefined;
  }

  columnPosition(name: string): number {
    return this.columnIndex.get(name) ?? -1;
  }

  numberAt(rowIndex: number, position: number): number | undefined {
    if (!(rowIndex >= 0 && rowIndex < this.rowCount) || position < 0) return undefined;
    const k = this.firstCell[rowIndex + 1] + position;
    if (k >= this.firstCell[rowIndex + 2]) return undefined;
    if (this.kinds[k] === CellKind.Plain) {
      const value = readShortDecimal(this.text, this.starts[k], this.ends[k]);
      if (!Number.isNaN(value)) return value;
    }
    return parseNumber(this.cellText(k));
  }

  rowValues(rowIndex: number): string[] {
    if (!(rowIndex >= 0 && rowIndex < this.rowCount)) return [];
    return this.recordValues(rowIndex + 1);
  }

  /** Same as fingerprintValues(rowValues(rowIndex)), hashing plain cells straight from the text. */
  fingerprint(rowIndex: number): string {
    fnv64.reset();
    if (!(rowIndex >= 0 && rowIndex < this.rowCount)) return fnv64.hex();
    const first = this.firstCell[rowIndex + 1];
    for (let k = first; k < this.firstCell[rowIndex + 2]; k++) {
      if (k > first) fnv64.update(CELL_SEPARATOR);
      if (this.kinds[k] === CellKind.Plain) fnv64.update(this.text, this.starts[k], this.ends[k]);
      else fnv64.update(this.cellText(k));
    }
    return fnv64.hex();
  }

  private recordValues(record: number): string[] {
    const values: string[] = [];
    for (let k = this.firstCell[record]; k < this.firstCell[record + 1]; k++) values.push(this.cellText(k));
    return values;
  }

  private cellText(k: number): string {
    const raw = this.text.slice(this.starts[k], this.ends[k]);
    switch (this.kinds[k] as CellKind) {
      case CellKind.Plain:
        return raw;
      case CellKind.Escaped:
        return raw.replaceAll('""', '"');
      case CellKind.Irregular:
        return readIrregularCell(raw);
    }
  }
}

/** `"a""b"c` → `a"bc`: the quoted part unescaped, then the stray text as written. */
function readIrregularCell(raw: string): string {
  const close = closingQuoteIndex(raw);
  return raw.slice(1, close).replaceAll('""', '"') + raw.slice(close + 1);
}

function closingQuoteIndex(raw: string): number {
  let i = 1;
  for (;;) {
    const q = raw.indexOf('"', i);
    if (q < 0) return raw.length; // never for a cell the scanner marked irregular; a bound all the same
    if (raw.charCodeAt(q + 1) !== QUOTE) return q;
    i = q + 2;
  }
}

/**
 * Header names, trimmed, with empty ones shown as `column 3` and repeats as `x (2)` so
 * every column can be addressed by name. Renames are reported once.
 */
function uniqueColumnNames(header: string[], line: number, log: ParseIssueLog): string[] {
  const trimmed = header.map((name) => name.trim());
  const taken = new Set(trimmed.filter((name) => name !== ''));
  const seen = new Set<string>();
  const renamed: string[] = [];
  const names = trimmed.map((name, i) => {
    if (name !== '' && !seen.has(name)) {
      seen.add(name);
      return name;
    }
    let unique = name === '' ? `column ${i + 1}` : name;
    for (let k = 2; taken.has(unique); k++) unique = name === '' ? `column ${i + 1} (${k})` : `${name} (${k})`;
    taken.add(unique);
    seen.add(unique);
    renamed.push(name === '' ? `empty name → "${unique}"` : `duplicate "${name}" → "${unique}"`);
    return unique;
  });
  if (renamed.length > 0) log.add(line, `header: renamed columns: ${renamed.join(', ')}`);
  return names;
}
