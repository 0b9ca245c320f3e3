// The engine's shared vocabulary. Pure data types: no `vscode`, no Node-only APIs,
// so the CLI, the worker, the extension host and the webview can all import it.

export type DatasetFormat = 'csv' | 'jsonl';

/** A problem found while reading a file. Lines are 1-based file lines. */
export interface ParseIssue {
  line: number;
  message: string;
}

/**
 * A parsed dataset. Rows are addressed by a 0-based `rowIndex`; users see 1-based
 * data-row numbers (`rowIndex + 1`: row 1 is the first row after the header).
 * Storage is up to the parser (it may be lazy or columnar for speed), hence methods.
 */
export interface ParsedDataset {
  format: DatasetFormat;
  /** CSV: header names. JSONL: dot paths of leaf values seen in the rows (`features.age`). */
  columns: string[];
  rowCount: number;
  /** 1-based file line on which row `rowIndex` starts (a quoted newline makes a row span lines). */
  lineOf(rowIndex: number): number;
  /** 1-based file line on which row `rowIndex` ends (same as lineOf for one-line rows). */
  endLineOf(rowIndex: number): number;
  /** The parsed cell: a string for CSV (unquoted), any JSON value for JSONL (dot path), undefined if absent. */
  cell(rowIndex: number, column: string): unknown;
  /** The row as parsed: string[] for CSV, the object for JSONL. */
  rowValues(rowIndex: number): string[] | Record<string, unknown>;
  /** Content fingerprint of the row's parsed values (stable across files, 16 hex chars). */
  fingerprint(rowIndex: number): string;
  /** Rows that could not be read at all (broken quotes, invalid JSON lines, ragged rows...). */
  errors: ParseIssue[];
}

export type ColumnKind = 'numeric' | 'date' | 'text' | 'empty';

export interface ColumnInfo {
  name: string;
  kind: ColumnKind;
}

/** A row left out of the model because its x or y is missing or not a number. */
export interface SkippedRow {
  row: number;
  line: number;
  message: string;
}

/** The x/y columns as numbers, for the valid rows only. */
export interface NumericXY {
  xs: Float64Array;
  ys: Float64Array;
  /** rowIndex (0-based, into the dataset) of each valid row. */
  rowIndex: Int32Array;
  skippedCount: number;
  /** The first few skipped rows, with the reason. */
  skipped: SkippedRow[];
}

/** Model settings as stored in a forget list and given on the command line. */
export interface ModelSettings {
  x?: string;
  y?: string;
  degree?: number;
  /** A positive number, or 'auto' (RMS residual of θ₀ on wanted rows). */
  sigma?: number | 'auto';
  lambda?: number;
}

export interface ForgetEntry {
  /** 1-based data-row number when the entry was written (tie-breaker only). */
  row: number;
  /** 1-based file line when the entry was written (for readers of the diff). */
  line: number;
  fingerprint: string;
  reason: string;
  /** YYYY-MM-DD */
  added: string;
  /** Unknown fields round-trip. */
  [extra: string]: unknown;
}

export interface ForgetList {
  version: 1;
  /** Dataset path relative to the forget list's folder. */
  dataset: string;
  model: ModelSettings;
  entries: ForgetEntry[];
  [extra: string]: unknown;
}

export interface ForgetMatch {
  /** For each entry (same order as list.entries): the matched rowIndex, or -1 if stale. */
  rowOfEntry: Int32Array;
  /** Indices into list.entries of entries whose row is gone. */
  stale: number[];
  /** Sorted, de-duplicated rowIndex values of the unwanted rows. */
  unwantedRows: number[];
}

export interface MetricSet {
  r2Wanted: number;
  expR2Unwanted: number;
  fairR2: number;
  forgetScore: number;
  mseWanted: number;
}

export interface AfterMetricSet extends MetricSet {
  iterations: number;
  converged: boolean;
  objective: number;
  /** Which start EMSE's result came from: θ₀ ('before', the learned model) or θ_R ('retrain'); the lower objective wins. */
  start: EmseStart;
}

/** EMSE is run from two starts (see docs/emse.md). */
export type EmseStart = 'before' | 'retrain';

/** One EMSE run, from one start. */
export interface EmseStartSummary {
  objective: number;
  iterations: number;
  converged: boolean;
}

export interface UnwantedRowEvidence {
  row: number;
  line: number;
  x: number;
  y: number;
  recallBefore: number;
  recallAfter: number;
  recallRetrain: number;
}

/** A fitted polynomial: Chebyshev coefficients in z = 2(x − xMin)/(xMax − xMin) − 1. */
export interface PolynomialModelJson {
  basis: 'chebyshev';
  degree: number;
  xMin: number;
  xMax: number;
  coefficients: number[];
}

/** The result of an audit. `--json` prints exactly this object. Keys may be added, never renamed. */
export interface AuditResult {
  dataset: {
    path: string;
    format: DatasetFormat;
    rows: number;
    valid: number;
    skipped: number;
    wanted: number;
    unwanted: number;
    staleForgetEntries: number;
  };
  model: {
    x: string;
    y: string;
    degree: number;
    sigma: number;
    sigmaAuto: boolean;
    lambda: number;
    variant: EmseVariant;
  };
  before: MetricSet;
  after: AfterMetricSet;
  retrain: MetricSet;
  diagnostics: {
    overlapShare: number;
    independenceDoubtful: boolean;
    distanceToRetrain: number;
    /** True when SS_tot,U < n_U·σ² and n_U·σ² was used as the Exponential R² denominator. */
    expR2DenominatorFloored: boolean;
    /** Both EMSE runs; `after` is the one with the lower objective (after.start). */
    emseStarts: Record<EmseStart, EmseStartSummary>;
    /** Plain-language warnings (overlap, floored denominator, skipped rows, stale entries). */
    warnings: string[];
  };
  unwantedRows: UnwantedRowEvidence[];
  skippedRows: SkippedRow[];
  curve: { x: number[]; before: number[]; after: number[]; retrain: number[] };
  models: { before: PolynomialModelJson; after: PolynomialModelJson; retrain: PolynomialModelJson };
}

export type EmseVariant = 'kernel' | 'log';

/** Fully resolved settings for one audit run. */
export interface AuditSettings {
  x: string;
  y: string;
  degree: number;
  sigma: number | 'auto';
  lambda: number;
  variant?: EmseVariant;
  maxIterations?: number;
  tolerance?: number;
}

export interface EmseProgress {
  iteration: number;
  objective: number;
  gradientNorm: number;
}

export interface RunControl {
  onProgress?: (p: EmseProgress) => void;
  /** Checked between iterations; returning true stops with a CancelledError. */
  isCancelled?: () => boolean;
}

/** A point of the σ sweep chart. */
export interface SweepPoint {
  sigma: number;
  fairR2: number;
  r2Wanted: number;
  expR2Unwanted: number;
}

/** Points for the chart, downsampled so a webview never gets more than about 20k. */
export interface ChartPoints {
  x: number[];
  y: number[];
  /** 1 for unwanted rows, 0 for wanted. */
  unwanted: number[];
  /** 1-based data-row number of each point. */
  row: number[];
  totalWanted: number;
  totalUnwanted: number;
}
