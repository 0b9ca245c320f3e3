// The audit of a file read in pieces, so memory does not grow with the file and files larger
// than one JavaScript string (~512 MB) can be audited. The text is cut into windows of whole
// records, each parsed with the ordinary parsers (the header is put in front of every CSV
// window). Pass 1 reads what is known only after the whole file: the row count, the parse
// problems, the forget-list match, the x-range and the mean of y. Pass 2 accumulates the Gram
// matrix of the wanted rows (SplitAccumulator) and keeps only the unwanted rows.
//
// Files up to KEEP_ROWS rows are not read twice: pass 1 keeps their x/y values and the
// ordinary in-memory audit (prepareAudit) runs on them, exactly as auditText would.

import { auditPrepared, checkSettings, prepareAudit, preparePass, type AuditInput } from './audit';
import { chartPoints } from './chartPoints';
import { describeColumns, extractXY } from './columns';
import { consumedOf, headerEndOf, parseCsv, sniffCsvDelimiter } from './csv';
import { datasetFormatOf } from './dataset';
import { UnlearnError } from './errors';
import { matchForgetList } from './forgetList';
import { parseJsonl } from './jsonl';
import { PARSE_ISSUES_IN_AUDIT, strictParseError } from './parseIssues';
import { scaleAndMean, scalingOf, SplitAccumulator } from './polynomial';
import { expandRowRanges } from './rowRanges';
import { resolveSettings } from './settings';
import type { AuditResult, AuditSettings, ChartPoints, DatasetFormat, NumericXY, ParsedDataset, ParseIssue, ParseProblems, SkippedRow } from './types';
import { compileWhere, selectRowsWhere } from './where';
import { rowNumbersToIndices, type AuditRequest } from './pipeline';
import { partitionPoint } from './partitionPoint';

/** Feeds the whole file's text, in order, in pieces of any size. Called once or twice. */
export type TextReader = (onText: (text: string) => void) => void;

export type StreamAuditRequest = Omit<AuditRequest, 'text' | 'sweep'>;

export interface StreamOptions {
  /** Characters per window (smaller in tests to cross many window borders). */
  windowChars?: number;
  /** Up to this many rows, pass 1 keeps x/y and the file is read once. */
  keepRows?: number;
}

const WINDOW_CHARS = 2 << 20;
/**
 * A window grows up to this many times its size waiting for a record to end (a quoted field of
 * 128 MB, or a quote never closed); then it is read as if the file ended there, which reports
 * the field as unterminated.
 */
const MAX_WINDOW_FACTOR = 64;
const KEEP_ROWS = 2_000_000;
const MAX_SKIPPED_LISTED = 10;

export function auditStream(request: StreamAuditRequest, read: TextReader, options: StreamOptions = {}): { result: AuditResult; points: ChartPoints } {
  const windowChars = options.windowChars ?? WINDOW_CHARS;
  const { fileName } = request;
  const first = new FirstPass(request, options.keepRows ?? KEEP_ROWS);
  const firstParser = readBlocks(read, fileName, windowChars, (block) => first.add(block));
  if (first.rows === 0) throw new UnlearnError('the dataset has no data rows', fileName);
  const parseProblems = first.parseProblems();
  if (request.strict && parseProblems.count > 0) throw strictParseError(parseProblems, fileName);

  const settings = first.settings as AuditSettings;
  const unwanted = first.unwantedRows();
  const maxPoints = request.maxPoints ?? 20000;
  const base = {
    path: request.path,
    format: firstParser.format,
    rows: first.rows,
    unwantedRows: Array.from(unwanted),
    staleForgetEntries: first.staleEntries,
    settings,
  };
  const kept = first.kept;
  if (kept) {
    // Read once: the ordinary audit on the kept values, as auditText runs it.
    const xy = kept.xy(first.skippedCount, first.skipped);
    const input: AuditInput = { ...base, xy, lineOf: (i) => kept.lineOf(i) };
    const result = { ...auditPrepared(prepareAudit(input)), parseProblems };
    return { result, points: chartPoints(xy, maskOf(xy.rowIndex, unwanted), maxPoints) };
  }

  // Pass 2: the Gram matrix of the wanted rows, the unwanted rows themselves, a chart sample.
  checkSettings(settings);
  if (first.valid === 0) {
    throw new UnlearnError(`there are no valid rows: no row has a numeric x ('${settings.x}') and y ('${settings.y}')`);
  }
  const scaling = scalingOf([first.xMin, first.xMax]);
  // As scaleAndMean computes them over all valid y: the plain sum unless it overflowed.
  const yScale = powerOfTwoAtLeast(first.maxAbsY);
  const yShift = Number.isFinite(first.plainSumY)
    ? first.plainSumY / first.valid / yScale
    : (first.sumY * (first.sumScale / yScale)) / first.valid;
  const accumulator = new SplitAccumulator(scaling, settings.degree, yShift, yScale);
  const second = new SecondPass(unwanted, Math.max(1, Math.floor(first.valid / (2 * maxPoints))));
  const secondParser = readBlocks(read, fileName, windowChars, (block) => second.add(block, windowXY(block.ds, settings), accumulator));
  if (secondParser.rowCount !== first.rows) {
    throw new UnlearnError(`changed while it was being audited (${first.rows} rows, then ${secondParser.rowCount}): run the audit again`, fileName);
  }
  const accumulated = accumulator.finish();
  const compact = second.unwantedXY(first.skippedCount, first.skipped);
  const found = compact.rowIndex.length;
  // The kept unwanted rows are all of input.xy here, in pass order.
  const pass = { ...accumulated, unwantedPositions: Int32Array.from({ length: found }, (_, j) => j) };
  const input: AuditInput = { ...base, xy: compact, lineOf: (i) => second.lineOf(i) };
  const prepared = preparePass(input, { scaling, yScale, yShift, pass, ignoredUnwanted: unwanted.length - found });
  const result = { ...auditPrepared(prepared), parseProblems };
  const sample = second.sample();
  const points = chartPoints(sample, maskOf(sample.rowIndex, unwanted), maxPoints);
  // The chart drew from a sample; its totals are the file's.
  points.totalWanted = accumulated.wanted.n;
  points.totalUnwanted = found;
  return { result, points };
}

/** scaleAndMean's scale of a set whose largest |y| is `max`. */
function powerOfTwoAtLeast(max: number): number {
  return scaleAndMean([max]).scale;
}

/** 1 where rowIndex[k] is in the sorted list `unwanted`. */
function maskOf(rowIndex: Int32Array, unwanted: Int32Array): Uint8Array {
  const mask = new Uint8Array(rowIndex.length);
  let u = 0;
  for (let k = 0; k < rowIndex.length; k++) {
    while (u < unwanted.length && unwanted[u] < rowIndex[k]) u++;
    if (u < unwanted.length && unwanted[u] === rowIndex[k]) mask[k] = 1;
  }
  return mask;
}

// ---------------------------------------------------------------- windows of whole records

/**
 * Reads the file once and parses it in windows of about `size` characters, each ending
 * where the parser itself says the next record starts (csv `partial`: a record whose reading
 * depends on text past the window waits for the next one), so the records are exactly those
 * of a parse of the whole text. JSON Lines is cut after an LF. A window that cannot end
 * before MAX_WINDOW_FACTOR × size (a quoted field that long) is read as if the file ended
 * there. Returns the parser, which knows the format and the row count.
 */
export function readBlocks(
  read: TextReader,
  fileName: string,
  size: number,
  onBlock: (block: Block) => void,
  maxWindow = MAX_WINDOW_FACTOR * size,
): WindowParser {
  const parser = new WindowParser(fileName);
  let pending = '';
  read((text) => {
    pending += text;
    while (pending.length >= size) {
      const consumed = parser.parse(pending, pending.length >= maxWindow, onBlock);
      if (consumed === 0) return; // needs more text
      pending = pending.slice(consumed);
    }
  });
  while (pending.length > 0 || !parser.started) {
    pending = pending.slice(parser.parse(pending, true, onBlock));
  }
  return parser;
}

export interface Block {
  ds: ParsedDataset;
  /** rowIndex of the window's first row in the file. */
  rowOffset: number;
  /** Added to a line number of the window's parse to get the file's line. */
  lineShift: number;
  /** Parser lines up to this one are the repeated header (their issues were reported already). */
  headerLines: number;
}

/**
 * Parses windows in file order, numbering rows and lines as a parse of the whole file
 * would: the first window as parseDataset does, later CSV windows behind a copy of the
 * header (with the first window's delimiter), later JSONL windows on their own.
 */
class WindowParser {
  format: DatasetFormat = 'csv';
  started = false;
  private delimiter = ',';
  private header = '';
  private headerLines = 0;
  private rows = 0;
  private nextLine = 1;

  constructor(private readonly fileName: string) {}

  get rowCount(): number {
    return this.rows;
  }

  /** Parses a window from the start of `text`; returns how much of it was used (0: give more). */
  parse(text: string, final: boolean, onBlock: (block: Block) => void): number {
    if (!this.started) {
      this.format = datasetFormatOf(this.fileName, text.slice(0, 1024));
      this.delimiter = /\.tsv$/i.test(this.fileName) ? '\t' : sniffCsvDelimiter(text);
    }
    if (this.format === 'jsonl') {
      const end = final ? text.length : text.lastIndexOf('\n') + 1;
      if (end === 0 && !final) return 0;
      this.started = true;
      onBlock(this.block(parseJsonl(text.slice(0, end)), this.nextLine - 1, 0));
      return end;
    }
    if (!this.started) {
      const ds = parseCsv(text, { delimiter: this.delimiter, partial: !final });
      // The header must be followed by a row to be known whole.
      if (ds.rowCount === 0 && !final) return 0;
      this.started = true;
      // Only the header record (and blank lines before it) goes before later windows: lines
      // between it and the first row were read here, and a stray quote there must not reach on.
      const header = headerEndOf(ds) ?? { end: text.length, lines: (ds.endLine ?? 1) - 1 };
      this.header = text.slice(0, header.end);
      this.headerLines = header.lines;
      onBlock(this.block(ds, 0, 0));
      return final ? text.length : consumedOf(ds);
    }
    const ds = parseCsv(this.header + text, { delimiter: this.delimiter, partial: !final });
    const used = final ? text.length : consumedOf(ds) - this.header.length;
    if (used <= 0) return 0;
    onBlock(this.block(ds, this.nextLine - (this.headerLines + 1), this.headerLines));
    return used;
  }

  private block(ds: ParsedDataset, lineShift: number, headerLines: number): Block {
    const block = { ds, rowOffset: this.rows, lineShift, headerLines };
    this.rows += ds.rowCount;
    this.nextLine = (ds.endLine ?? 1) + lineShift;
    return block;
  }
}

/** extractXY of a window; a JSONL window whose rows all lack x or y has no valid rows (not an error). */
function windowXY(ds: ParsedDataset, settings: AuditSettings): NumericXY {
  if (ds.columns.includes(settings.x) && ds.columns.includes(settings.y)) return extractXY(ds, settings.x, settings.y);
  const axis = ds.columns.includes(settings.x) ? 'y' : 'x';
  const skipped: SkippedRow[] = [];
  for (let r = 0; r < Math.min(ds.rowCount, MAX_SKIPPED_LISTED); r++) skipped.push({ row: r + 1, line: ds.lineOf(r), message: `${axis} is missing` });
  return { xs: new Float64Array(0), ys: new Float64Array(0), rowIndex: new Int32Array(0), skippedCount: ds.rowCount, skipped };
}

// ---------------------------------------------------------------- pass 1

/** Everything only the whole file tells: rows, problems, unwanted rows, x-range, mean y. */
class FirstPass {
  settings: AuditSettings | undefined;
  rows = 0;
  valid = 0;
  xMin = Infinity;
  xMax = -Infinity;
  maxAbsY = 0;
  /** Σ y over the valid rows in file order (what scaleAndMean sums first). */
  plainSumY = 0;
  /** Σ y / sumScale, for when the plain sum overflows; sumScale is the scale of the |y| seen so far. */
  sumY = 0;
  sumScale = 1;
  skippedCount = 0;
  readonly skipped: SkippedRow[] = [];
  staleEntries = 0;
  kept: KeptRows | undefined = new KeptRows();
  private problemCount = 0;
  private readonly problems: ParseIssue[] = [];
  private readonly whereRows: number[] = [];
  private where: ReturnType<typeof compileWhere> | undefined;
  /** Fingerprints of the forget list, and the rows (of the whole file) that have one of them. */
  private readonly listFingerprints: Set<string>;
  private readonly fingerprintOfRow = new Map<number, string>();

  constructor(
    private readonly request: StreamAuditRequest,
    private readonly keepRows: number,
  ) {
    this.listFingerprints = new Set((request.forgetList?.entries ?? []).map((e) => e.fingerprint));
  }

  add({ ds, rowOffset, lineShift, headerLines }: Block): void {
    const { request } = this;
    if (ds.rowCount === 0 && !this.settings) {
      // Settings come from the first rows (a header-only file is refused as having none).
      this.addProblems(ds, lineShift, headerLines);
      return;
    }
    if (!this.settings) {
      this.settings = resolveSettings(describeColumns(ds), request.defaults, request.forgetList?.model, request.overrides);
      // Validates the expression and its columns against the header once.
      if (request.where) for (const r of selectRowsWhere(ds, request.where)) this.whereRows.push(r);
      if (request.where) this.where = compileWhere(request.where);
    } else if (this.where) {
      const where = this.where;
      for (let r = 0; r < ds.rowCount; r++) if (where((column) => ds.cell(r, column))) this.whereRows.push(rowOffset + r);
    }
    this.addProblems(ds, lineShift, headerLines);
    if (this.listFingerprints.size > 0) {
      for (let r = 0; r < ds.rowCount; r++) {
        const fingerprint = ds.fingerprint(r);
        if (this.listFingerprints.has(fingerprint)) this.fingerprintOfRow.set(rowOffset + r, fingerprint);
      }
    }
    const xy = windowXY(ds, this.settings);
    this.addValues(xy);
    for (const s of xy.skipped) {
      if (this.skipped.length < MAX_SKIPPED_LISTED) this.skipped.push({ row: s.row + rowOffset, line: s.line + lineShift, message: s.message });
    }
    this.skippedCount += xy.skippedCount;
    this.rows += ds.rowCount;
    if (this.kept && this.rows <= this.keepRows) this.kept.add(xy, ds, rowOffset, lineShift);
    else this.kept = undefined;
  }

  private addProblems(ds: ParsedDataset, lineShift: number, headerLines: number): void {
    for (const issue of ds.errors) {
      if (issue.line <= headerLines) continue;
      this.problemCount += issue.omitted ?? 1;
      if (issue.omitted === undefined && this.problems.length < PARSE_ISSUES_IN_AUDIT) {
        this.problems.push({ line: issue.line + lineShift, message: issue.message });
      }
    }
  }

  private addValues({ xs, ys }: NumericXY): void {
    let { xMin, xMax, maxAbsY, sumY, sumScale, plainSumY } = this;
    for (let k = 0; k < xs.length; k++) {
      const x = xs[k];
      if (x < xMin) xMin = x;
      if (x > xMax) xMax = x;
      const y = ys[k];
      plainSumY += y;
      const a = Math.abs(y);
      if (a > maxAbsY) {
        maxAbsY = a;
        const scale = powerOfTwoAtLeast(a);
        // Powers of two: rescaling the partial sum is exact, so the sum equals Σ y / final scale in order.
        if (scale > sumScale) {
          sumY *= sumScale / scale;
          sumScale = scale;
        }
      }
      sumY += y / sumScale;
    }
    Object.assign(this, { xMin, xMax, maxAbsY, sumY, sumScale, plainSumY });
    this.valid += xs.length;
  }

  parseProblems(): ParseProblems {
    return { count: this.problemCount, first: this.problems };
  }

  /** Sorted, distinct rowIndex values from the forget list, --unwanted-rows and --where. */
  unwantedRows(): Int32Array {
    const { request } = this;
    const rows = new Set<number>(this.whereRows);
    for (const r of rowNumbersToIndices(request.unwantedRowNumbers ?? [], this.rows, request.fileName)) rows.add(r);
    for (const r of expandRowRanges(request.unwantedRowRanges ?? [], this.rows, request.fileName)) rows.add(r);
    if (request.forgetList) {
      const match = matchForgetList(request.forgetList, this.fingerprintIndex());
      this.staleEntries = match.stale.length;
      for (const r of match.unwantedRows) rows.add(r);
    }
    return Int32Array.from(rows).sort();
  }

  /**
   * The dataset as forget-list matching sees it: only fingerprints matter, and a row whose
   * fingerprint is in no entry can never match, so only those rows were kept.
   */
  private fingerprintIndex(): ParsedDataset {
    const rows = this.fingerprintOfRow;
    return {
      format: 'csv',
      columns: [],
      rowCount: this.rows,
      errors: [],
      lineOf: () => 0,
      endLineOf: () => 0,
      cell: () => undefined,
      rowValues: () => [],
      fingerprint: (r) => rows.get(r) ?? '',
    };
  }
}

/** The valid rows' values of a file small enough to keep (and their lines, for the evidence), in blocks. */
class KeptRows {
  private readonly blocks: { xy: NumericXY; rows: Int32Array; lines: Int32Array }[] = [];
  private merged: { xs: Float64Array; ys: Float64Array; rowIndex: Int32Array; lines: Int32Array } | undefined;

  add(xy: NumericXY, ds: ParsedDataset, rowOffset: number, lineShift: number): void {
    const rows = new Int32Array(xy.rowIndex.length);
    const lines = new Int32Array(xy.rowIndex.length);
    for (let k = 0; k < rows.length; k++) {
      rows[k] = xy.rowIndex[k] + rowOffset;
      lines[k] = ds.lineOf(xy.rowIndex[k]) + lineShift;
    }
    this.blocks.push({ xy, rows, lines });
    this.merged = undefined;
  }

  xy(skippedCount: number, skipped: SkippedRow[]): NumericXY {
    const { xs, ys, rowIndex } = this.merge();
    return { xs, ys, rowIndex, skippedCount, skipped };
  }

  lineOf(rowIndex: number): number {
    const merged = this.merge();
    return lineOfRow(merged.rowIndex, merged.lines, rowIndex);
  }

  private merge(): { xs: Float64Array; ys: Float64Array; rowIndex: Int32Array; lines: Int32Array } {
    if (this.merged) return this.merged;
    let n = 0;
    for (const b of this.blocks) n += b.rows.length;
    const merged = { xs: new Float64Array(n), ys: new Float64Array(n), rowIndex: new Int32Array(n), lines: new Int32Array(n) };
    let at = 0;
    for (const b of this.blocks) {
      merged.xs.set(b.xy.xs, at);
      merged.ys.set(b.xy.ys, at);
      merged.rowIndex.set(b.rows, at);
      merged.lines.set(b.lines, at);
      at += b.rows.length;
    }
    this.blocks.length = 0;
    this.blocks.push({ xy: { xs: merged.xs, ys: merged.ys, rowIndex: merged.rowIndex, skippedCount: 0, skipped: [] }, rows: merged.rowIndex, lines: merged.lines });
    this.merged = merged;
    return merged;
  }
}

/** The line of a kept row, by binary search in the ascending rowIndex column. */
function lineOfRow(rowIndex: Int32Array, lines: Int32Array, row: number): number {
  const k = partitionPoint(rowIndex.length, (i) => rowIndex[i] >= row);
  return k < rowIndex.length && rowIndex[k] === row ? lines[k] : 0;
}

// ---------------------------------------------------------------- pass 2

/** Feeds the accumulator and keeps the unwanted rows and an evenly strided chart sample. */
class SecondPass {
  private readonly unwanted = new KeptRows();
  private readonly sampled = new KeptRows();
  private u = 0;
  private wantedSeen = 0;

  constructor(
    private readonly unwantedRows: Int32Array,
    private readonly stride: number,
  ) {}

  add(block: Block, xy: NumericXY, accumulator: SplitAccumulator): void {
    const { unwantedRows } = this;
    const mask = new Uint8Array(xy.xs.length);
    const inSample = new Uint8Array(xy.xs.length);
    for (let k = 0; k < xy.xs.length; k++) {
      const row = xy.rowIndex[k] + block.rowOffset;
      while (this.u < unwantedRows.length && unwantedRows[this.u] < row) this.u++;
      const isUnwanted = this.u < unwantedRows.length && unwantedRows[this.u] === row;
      if (isUnwanted) mask[k] = 1;
      if (isUnwanted || this.wantedSeen++ % this.stride === 0) inSample[k] = 1;
    }
    accumulator.add(xy.xs, xy.ys, mask);
    this.unwanted.add(select(xy, mask), block.ds, block.rowOffset, block.lineShift);
    this.sampled.add(select(xy, inSample), block.ds, block.rowOffset, block.lineShift);
  }

  unwantedXY(skippedCount: number, skipped: SkippedRow[]): NumericXY {
    return this.unwanted.xy(skippedCount, skipped);
  }

  lineOf(rowIndex: number): number {
    return this.unwanted.lineOf(rowIndex);
  }

  sample(): NumericXY {
    return this.sampled.xy(0, []);
  }
}

/** The rows of xy where mask is 1. */
function select(xy: NumericXY, mask: Uint8Array): NumericXY {
  let n = 0;
  for (let k = 0; k < mask.length; k++) n += mask[k];
  const out = { xs: new Float64Array(n), ys: new Float64Array(n), rowIndex: new Int32Array(n), skippedCount: 0, skipped: [] };
  let j = 0;
  for (let k = 0; k < mask.length; k++) {
    if (mask[k] === 0) continue;
    out.xs[j] = xy.xs[k];
    out.ys[j] = xy.ys[k];
    out.rowIndex[j] = xy.rowIndex[k];
    j++;
  }
  return out;
}
