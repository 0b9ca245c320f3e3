// A parsed dataset reduced to what the extension host needs of every row — where it starts
// and ends, and its fingerprint — in typed arrays the index worker transfers without
// copying. Large datasets are parsed and matched in the worker; the host keeps only this.
// Pure (no vscode, no Node APIs): the worker builds it, the host reads it.

import { UnlearnError } from './engine/errors';
import { matchForgetList, parseForgetList } from './engine/forgetList';
import type { ColumnInfo, DatasetFormat, ForgetList, ForgetMatch, ParsedDataset, ParseIssue } from './engine/types';

/** The transferable form (the worker's 'indexed' reply). */
export interface DatasetIndexData {
  format: DatasetFormat;
  columns: string[];
  /** describeColumns() of the whole dataset, computed in the worker. */
  columnInfo: ColumnInfo[];
  errors: ParseIssue[];
  rowCount: number;
  /** 1-based start and end line of each row. */
  startLines: Int32Array;
  endLines: Int32Array;
  /** Each row's 64-bit fingerprint as two 32-bit halves. */
  fingerprintHi: Uint32Array;
  fingerprintLo: Uint32Array;
}

export function indexDataset(ds: ParsedDataset, columnInfo: ColumnInfo[]): DatasetIndexData {
  const n = ds.rowCount;
  const startLines = new Int32Array(n);
  const endLines = new Int32Array(n);
  const fingerprintHi = new Uint32Array(n);
  const fingerprintLo = new Uint32Array(n);
  for (let r = 0; r < n; r++) {
    startLines[r] = ds.lineOf(r);
    endLines[r] = ds.endLineOf(r);
    const fp = ds.fingerprint(r);
    fingerprintHi[r] = parseInt(fp.slice(0, 8), 16);
    fingerprintLo[r] = parseInt(fp.slice(8), 16);
  }
  return { format: ds.format, columns: ds.columns, columnInfo, errors: ds.errors, rowCount: n, startLines, endLines, fingerprintHi, fingerprintLo };
}

/** Bytes whose whole buffer can be moved to a worker: a view into a shared buffer (Node's pool) is copied first. */
export function ownedBytes(data: Uint8Array): Uint8Array {
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
}

/** The buffers to list in postMessage's transfer list. */
export function transferablesOf(data: DatasetIndexData): ArrayBuffer[] {
  return [data.startLines, data.endLines, data.fingerprintHi, data.fingerprintLo].map((a) => a.buffer as ArrayBuffer);
}

function hex8(value: number): string {
  return value.toString(16).padStart(8, '0');
}

/**
 * A ParsedDataset over an index: positions and fingerprints only. Cell values stay in the
 * worker (`workerKey` names its copy there), so anything reading cells goes through it.
 */
export class IndexedDataset implements ParsedDataset {
  readonly format: DatasetFormat;
  readonly columns: string[];
  readonly rowCount: number;
  readonly errors: ParseIssue[];
  readonly columnInfo: ColumnInfo[];

  constructor(
    private readonly data: DatasetIndexData,
    /** The worker's name for its parse of this version. */
    readonly workerKey: string,
  ) {
    this.format = data.format;
    this.columns = data.columns;
    this.rowCount = data.rowCount;
    this.errors = data.errors;
    this.columnInfo = data.columnInfo;
  }

  lineOf(rowIndex: number): number {
    return this.data.startLines[rowIndex];
  }

  endLineOf(rowIndex: number): number {
    return this.data.endLines[rowIndex];
  }

  fingerprint(rowIndex: number): string {
    return hex8(this.data.fingerprintHi[rowIndex]) + hex8(this.data.fingerprintLo[rowIndex]);
  }

  cell(): unknown {
    throw new Error('cell values of a large dataset are read in the index worker');
  }

  rowValues(): string[] | Record<string, unknown> {
    throw new Error('row values of a large dataset are read in the index worker');
  }
}

/** 1-based line → its span in the text, for placing problems; lines past the end clamp to the last. */
export class LineStarts {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** [0-based line, length without the line break] of a 1-based line. */
  span(line: number): [number, number] {
    const index = Math.min(Math.max(line, 1), this.starts.length) - 1;
    const start = this.starts[index];
    const next = index + 1 < this.starts.length ? this.starts[index + 1] - 1 : this.text.length;
    const end = next > start && this.text[next - 1] === '\r' ? next - 1 : next;
    return [index, end - start];
  }
}

/** A forget list as read for a snapshot: parsed (or `fallback` with the reason it could not be) and matched. */
export interface ReadList {
  list: ForgetList;
  error?: { message: string; file?: string; line?: number };
  match: ForgetMatch;
}

/** Parses and matches a list (undefined text: no file) — in the host or in the index worker, the same way. */
export function readForgetList(text: string | undefined, fileName: string, fallback: ForgetList, ds: ParsedDataset): ReadList {
  let list = fallback;
  let error: ReadList['error'];
  if (text !== undefined) {
    try {
      list = parseForgetList(text, fileName);
    } catch (e) {
      const failure = e instanceof UnlearnError ? e : new UnlearnError(String(e), fileName);
      error = { message: failure.message, file: failure.file, line: failure.line };
    }
  }
  return { list, error, match: matchForgetList(list, ds) };
}
