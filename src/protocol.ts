// One typed message protocol for the three worlds: extension host ↔ worker and
// extension host ↔ webview. Neither side invents messages ad hoc; every message that
// crosses a boundary it does not trust is checked by the validators at the bottom.

import type { DatasetIndexData, ReadList } from './datasetIndex';
import type { ForgetDiff } from './engine/forgetDiff';
import type { MarkAction, MarkEdit } from './markEdit';
import type { AuditResult, AuditSettings, ChartPoints, ColumnInfo, ForgetList, SkippedRow, SweepPoint } from './engine/types';

// ---------------------------------------------------------------- extension → worker

export interface WorkerAuditRequest {
  type: 'audit';
  id: number;
  /** The dataset's bytes as UTF-8 (from disk or the unsaved editor). */
  data: Uint8Array;
  /** Base name used to pick the format (.csv / .tsv / .jsonl / .ndjson) and in messages. */
  fileName: string;
  /** 0-based rowIndex values of the unwanted rows (already matched by the host), or… */
  unwantedRows?: number[];
  /** …the forget list's text, matched in the worker (large files). */
  forgetListText?: string;
  settings: AuditSettings;
  /** σ values to sweep after the main run: [] for none, 'default' for the engine's grid around the run's σ (the host can't know an 'auto' σ). */
  sweep: number[] | 'default';
  /** Cap on chart points sent back. */
  maxPoints: number;
}

// ---------------------------------------------------------------- worker → extension

export interface WorkerProgress {
  type: 'progress';
  id: number;
  phase: 'parse' | 'fit' | 'emse' | 'sweep';
  iteration: number;
  objective: number;
}

export interface WorkerResult {
  type: 'result';
  id: number;
  result: AuditResult;
  points: ChartPoints;
  sweep: SweepPoint[];
}

export interface WorkerError {
  type: 'error';
  id: number;
  message: string;
  file?: string;
  line?: number;
}

export type FromWorker = WorkerProgress | WorkerResult | WorkerError;

// ---------------------------------------------------------------- extension ↔ index worker
// Large datasets are parsed once in a long-lived worker, which keeps each version (by
// `key`) and answers the questions that need cell values; the host keeps a DatasetIndex.

/** Each query the index worker answers: what is sent with it, and what comes back. */
export interface IndexQueries {
  /** Parse a dataset version (bytes from disk, or an editor's text) and keep it as `key`. */
  index: { request: { fileName: string; data: Uint8Array | string }; reply: DatasetIndexData };
  /** readForgetList() against the version. */
  readList: { request: { text: string | undefined; fileName: string; fallback: ForgetList }; reply: ReadList };
  /** serializeForgetList() of a (large) list. */
  serialize: { request: { list: ForgetList }; reply: string };
  /** markLines() of markEdit.ts. */
  markLines: { request: { list: ForgetList; lines: number[]; action: MarkAction; reason: string; date: string }; reply: MarkEdit };
  /** addRows(list, ds, selectRowsWhere(ds, expression), reason, date). */
  addRowsWhere: { request: { list: ForgetList; expression: string; reason: string; date: string }; reply: ForgetList };
  where: { request: { expression: string }; reply: number[] };
  skipped: { request: { x: string; y: string }; reply: { skipped: SkippedRow[]; skippedCount: number } };
  /** LineStarts.span of each 1-based line: [0-based line, length without the line break]. */
  lineSpans: { request: { lines: number[] }; reply: [number, number][] };
  /** Forget the version `key`. */
  drop: { request: object; reply: null };
}

export type IndexQuery = keyof IndexQueries;

export type IndexRequest = {
  [K in IndexQuery]: { type: K; id: number; key: string } & IndexQueries[K]['request'];
}[IndexQuery];

export type FromIndexWorker =
  | { type: 'reply'; id: number; value: unknown }
  | { type: 'error'; id: number; message: string; file?: string; line?: number };

// ---------------------------------------------------------------- extension → webview

export interface PanelState {
  /** Workspace-relative (or base) name of the dataset shown. */
  datasetLabel: string;
  datasetUri: string;
  /** Columns usable as x or y (numeric and date only). */
  columns: ColumnInfo[];
  settings: AuditSettings;
  unwantedCount: number;
  rowCount: number;
  /** x and y are the default pick's guess (no forget-list model, no run yet): the panel says so. */
  columnsGuessed?: boolean;
}

export type ToWebview =
  | { type: 'init'; state: PanelState }
  | { type: 'running' }
  | { type: 'progress'; iteration: number; objective: number }
  /** stale: the dataset or its forget list changed since this result was computed. */
  | { type: 'result'; result: AuditResult; points: ChartPoints; sweep: SweepPoint[]; stale?: boolean }
  | { type: 'cancelled' }
  | { type: 'error'; message: string };

// ---------------------------------------------------------------- webview → extension

export type FromWebview =
  | { type: 'ready' }
  | { type: 'run'; settings: AuditSettings }
  | { type: 'cancel' }
  | { type: 'revealRow'; row: number; line: number }
  | { type: 'saveReport' }
  | { type: 'exportWanted' }
  | { type: 'copyModel' };

// ---------------------------------------------------------------- validation

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isPositiveInt(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 1;
}

/** Checks settings coming from an untrusted side (the webview). */
export function isAuditSettings(v: unknown): v is AuditSettings {
  if (!isObject(v)) return false;
  const { x, y, degree, sigma, lambda } = v;
  return (
    typeof x === 'string' &&
    x.length > 0 &&
    x.length < 1000 &&
    typeof y === 'string' &&
    y.length > 0 &&
    y.length < 1000 &&
    Number.isInteger(degree) &&
    (degree as number) >= 1 &&
    (degree as number) <= 12 &&
    (sigma === 'auto' || (isFiniteNumber(sigma) && sigma > 0)) &&
    isFiniteNumber(lambda) &&
    lambda >= 0 &&
    (v.variant === undefined || v.variant === 'kernel' || v.variant === 'log')
  );
}

/** Validates a message received from a webview; anything else is dropped by the caller. */
export function isFromWebview(v: unknown): v is FromWebview {
  if (!isObject(v) || typeof v.type !== 'string') return false;
  switch (v.type) {
    case 'ready':
    case 'cancel':
    case 'saveReport':
    case 'exportWanted':
    case 'copyModel':
      return Object.keys(v).length === 1;
    case 'run':
      return isAuditSettings(v.settings);
    case 'revealRow':
      return isPositiveInt(v.row) && isPositiveInt(v.line);
    default:
      return false;
  }
}

/** The run updates both the worker and the host send on: progress, result, error. */
function isRunUpdate(v: Record<string, unknown>): boolean {
  switch (v.type) {
    case 'progress':
      return typeof v.iteration === 'number' && typeof v.objective === 'number';
    case 'result':
      return isObject(v.result) && isObject(v.points) && Array.isArray(v.sweep);
    case 'error':
      return typeof v.message === 'string';
    default:
      return false;
  }
}

/** Validates a message received from the worker (it runs our code, but may die mid-message). */
export function isFromWorker(v: unknown): v is FromWorker {
  return isObject(v) && typeof v.id === 'number' && isRunUpdate(v);
}

/** Validates a message the webview receives from the extension host. */
export function isToWebview(v: unknown): v is ToWebview {
  if (!isObject(v) || typeof v.type !== 'string') return false;
  switch (v.type) {
    case 'init':
      return isObject(v.state) && Array.isArray(v.state.columns) && isAuditSettings(v.state.settings);
    case 'running':
    case 'cancelled':
      return true;
    default:
      return isRunUpdate(v);
  }
}

// ---------------------------------------------------------------- review panel (forget-list changes)

/** One side's audit, as the review compares them (the "after EMSE" model, retraining as the yardstick). */
export interface ReviewSideMetrics {
  fairR2: number;
  r2Wanted: number;
  expR2Unwanted: number;
  forgetScore: number;
  retrainFairR2: number;
  distanceToRetrain: number;
  unwanted: number;
  overlapShare: number;
  independenceDoubtful: boolean;
  /** The verdict sentence of src/engine/verdict.ts. */
  verdict: string;
}

export interface ReviewState {
  datasetLabel: string;
  /** "HEAD (1a2b3c4d: subject)". */
  baseLabel: string;
  headLabel: string;
  diff: ForgetDiff;
  /** Plain-language remarks: a side without a list or dataset, what was used instead. */
  notes: string[];
}

export type ReviewAudit =
  | { state: 'running' }
  | { state: 'done'; base?: ReviewSideMetrics; head?: ReviewSideMetrics; baseError?: string; headError?: string }
  | { state: 'cancelled' };

export type ToReview =
  | { type: 'review'; state: ReviewState }
  | { type: 'audit'; audit: ReviewAudit }
  /** The dataset or its forget list changed since this review was computed. */
  | { type: 'stale' }
  | { type: 'error'; message: string };

export type FromReview =
  | { type: 'ready' }
  | { type: 'refresh' }
  | { type: 'pickRef' }
  | { type: 'revealRow'; side: 'base' | 'head'; line: number };

/** Validates a message received from the review webview. */
export function isFromReview(v: unknown): v is FromReview {
  if (!isObject(v) || typeof v.type !== 'string') return false;
  switch (v.type) {
    case 'ready':
    case 'refresh':
    case 'pickRef':
      return Object.keys(v).length === 1;
    case 'revealRow':
      return (v.side === 'base' || v.side === 'head') && isPositiveInt(v.line) && Object.keys(v).length === 3;
    default:
      return false;
  }
}

/** Validates a message the review webview receives (shapes only; all text is shown as text). */
export function isToReview(v: unknown): v is ToReview {
  if (!isObject(v) || typeof v.type !== 'string') return false;
  switch (v.type) {
    case 'review': {
      const state = v.state;
      return (
        isObject(state) &&
        typeof state.datasetLabel === 'string' &&
        typeof state.baseLabel === 'string' &&
        typeof state.headLabel === 'string' &&
        Array.isArray(state.notes) &&
        isObject(state.diff) &&
        Array.isArray(state.diff.changes) &&
        isObject(state.diff.counts)
      );
    }
    case 'audit':
      return isObject(v.audit) && ['running', 'done', 'cancelled'].includes(v.audit.state as string);
    case 'stale':
      return true;
    case 'error':
      return typeof v.message === 'string';
    default:
      return false;
  }
}

/** Validates a message received from the index worker. */
export function isFromIndexWorker(v: unknown): v is FromIndexWorker {
  return isObject(v) && typeof v.id === 'number' && (v.type === 'reply' ? 'value' in v : v.type === 'error' && typeof v.message === 'string');
}
