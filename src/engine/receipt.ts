// The receipt of an audit: what went in (hashes of the dataset and forget-list bytes, the
// settings, the engine version) and what came out (the three models' coefficients, the metrics,
// the unwanted rows), so anyone can re-run the audit and check it bit for bit. Pure: the caller
// hashes the bytes (SHA-256, e.g. node:crypto) and passes the digests in. See docs/receipt.md.
//
// Numbers are stored as decimal strings that convert back to the identical double: JavaScript's
// shortest round-trip form (Number.prototype.toString), with "-0" kept distinct from "0" and
// "NaN", "Infinity", "-Infinity" spelled out. Two numbers are equal here iff their bits are.

import { UnlearnError } from './errors';
import type { AuditResult, AuditSettings, PolynomialModelJson } from './types';

export const RECEIPT_KIND = 'unlearn-audit-receipt';
export const RECEIPT_VERSION = 1;

/** A file that went into the audit. `path` only locates it; the digest is what is checked. */
export interface ReceiptFile {
  path: string;
  /** SHA-256 of the file's bytes, 64 lowercase hex characters. */
  sha256: string;
  bytes: number;
}

/** How the unwanted rows were chosen besides the forget list, so a re-run chooses the same. */
export interface ReceiptSelection {
  /** --unwanted-rows, 1-based data-row numbers. */
  unwantedRowNumbers?: number[];
  /** --where expression. */
  where?: string;
}

export interface ReceiptModel {
  basis: 'chebyshev';
  degree: number;
  xMin: string;
  xMax: string;
  coefficients: string[];
}

export type ReceiptMetrics = Record<'r2Wanted' | 'expR2Unwanted' | 'fairR2' | 'forgetScore' | 'mseWanted', string>;

export interface Receipt {
  kind: typeof RECEIPT_KIND;
  version: typeof RECEIPT_VERSION;
  /** The Unlearn version that computed it: bit-identical results are promised on the same version only. */
  engineVersion: string;
  /** ISO time of writing; informative, never compared. */
  createdAt: string;
  dataset: ReceiptFile;
  /** null when no forget list was used. */
  forgetList: ReceiptFile | null;
  selection: ReceiptSelection;
  /** The resolved settings of the run, as requested (sigma may be "auto"; `model.sigma` is the σ used). Re-runs use them as overrides. */
  settings: { x: string; y: string; degree: number; sigma: string; lambda: string; variant: string; maxIterations?: number; tolerance?: string };
  /** As used: σ resolved to a number. */
  model: { sigma: string; sigmaAuto: boolean };
  counts: { rows: number; valid: number; skipped: number; wanted: number; unwanted: number; staleForgetEntries: number };
  /** 1-based data-row numbers of the unwanted rows that entered the model. */
  unwantedRows: number[];
  models: { before: ReceiptModel; after: ReceiptModel; retrain: ReceiptModel };
  metrics: {
    before: ReceiptMetrics;
    after: ReceiptMetrics & { iterations: number; converged: boolean; objective: string };
    retrain: ReceiptMetrics;
    distanceToRetrain: string;
    overlapShare: string;
    independenceDoubtful: boolean;
  };
}

export interface ReceiptInput {
  result: AuditResult;
  /** Optimiser knobs the run was given, if any (the settings themselves are read from `result.model`). */
  optimiser?: Pick<AuditSettings, 'maxIterations' | 'tolerance'>;
  dataset: ReceiptFile;
  forgetList?: ReceiptFile;
  selection?: ReceiptSelection;
  engineVersion: string;
  createdAt: string;
}

/** One field that differs between the receipt and a re-run. */
export interface ReceiptMismatch {
  /** Dotted path of the field, e.g. "models.after.coefficients[2]". */
  field: string;
  expected: string;
  actual: string;
}

// ---------------------------------------------------------------- exact numbers

/** The decimal string that converts back to exactly `v` (see the file comment). */
export function exactDecimal(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/** The double an exactDecimal string stands for; throws on anything else. */
export function parseExactDecimal(text: string): number {
  const v = typeof text === 'string' && text.trim() !== '' ? Number(text) : NaN;
  if (Number.isNaN(v) && text !== 'NaN') throw new UnlearnError(`${JSON.stringify(text)} is not a decimal number`);
  return text === '-0' ? -0 : v;
}

// ---------------------------------------------------------------- building

export function buildReceipt(input: ReceiptInput): Receipt {
  const { result } = input;
  const m = result.model;
  const optimiser = input.optimiser ?? {};
  const metrics = (set: AuditResult['before']): ReceiptMetrics => ({
    r2Wanted: exactDecimal(set.r2Wanted),
    expR2Unwanted: exactDecimal(set.expR2Unwanted),
    fairR2: exactDecimal(set.fairR2),
    forgetScore: exactDecimal(set.forgetScore),
    mseWanted: exactDecimal(set.mseWanted),
  });
  const receiptSettings: Receipt['settings'] = {
    x: m.x,
    y: m.y,
    degree: m.degree,
    sigma: m.sigmaAuto ? 'auto' : exactDecimal(m.sigma),
    lambda: exactDecimal(m.lambda),
    variant: m.variant,
  };
  if (optimiser.maxIterations !== undefined) receiptSettings.maxIterations = optimiser.maxIterations;
  if (optimiser.tolerance !== undefined) receiptSettings.tolerance = exactDecimal(optimiser.tolerance);
  const selection: ReceiptSelection = {};
  if (input.selection?.unwantedRowNumbers?.length) selection.unwantedRowNumbers = [...input.selection.unwantedRowNumbers];
  if (input.selection?.where) selection.where = input.selection.where;
  const { rows, valid, skipped, wanted, unwanted, staleForgetEntries } = result.dataset;
  return {
    kind: RECEIPT_KIND,
    version: RECEIPT_VERSION,
    engineVersion: input.engineVersion,
    createdAt: input.createdAt,
    dataset: { ...input.dataset },
    forgetList: input.forgetList ? { ...input.forgetList } : null,
    selection,
    settings: receiptSettings,
    model: { sigma: exactDecimal(m.sigma), sigmaAuto: m.sigmaAuto },
    counts: { rows, valid, skipped, wanted, unwanted, staleForgetEntries },
    unwantedRows: result.unwantedRows.map((r) => r.row),
    models: { before: model(result.models.before), after: model(result.models.after), retrain: model(result.models.retrain) },
    metrics: {
      before: metrics(result.before),
      after: {
        ...metrics(result.after),
        iterations: result.after.iterations,
        converged: result.after.converged,
        objective: exactDecimal(result.after.objective),
      },
      retrain: metrics(result.retrain),
      distanceToRetrain: exactDecimal(result.diagnostics.distanceToRetrain),
      overlapShare: exactDecimal(result.diagnostics.overlapShare),
      independenceDoubtful: result.diagnostics.independenceDoubtful,
    },
  };
}

function model(p: PolynomialModelJson): ReceiptModel {
  return { basis: p.basis, degree: p.degree, xMin: exactDecimal(p.xMin), xMax: exactDecimal(p.xMax), coefficients: p.coefficients.map(exactDecimal) };
}

/** The receipt as written to a file: 2-space JSON, trailing newline. */
export function serializeReceipt(receipt: Receipt): string {
  return JSON.stringify(receipt, null, 2) + '\n';
}

/** The settings a re-run must use, from the receipt (as `overrides`: they win over the forget list's `model`). */
export function receiptSettings(receipt: Receipt): AuditSettings {
  const s = receipt.settings;
  const settings: AuditSettings = {
    x: s.x,
    y: s.y,
    degree: s.degree,
    sigma: s.sigma === 'auto' ? 'auto' : parseExactDecimal(s.sigma),
    lambda: parseExactDecimal(s.lambda),
    variant: s.variant === 'log' ? 'log' : 'kernel',
  };
  if (s.maxIterations !== undefined) settings.maxIterations = s.maxIterations;
  if (s.tolerance !== undefined) settings.tolerance = parseExactDecimal(s.tolerance);
  return settings;
}

// ---------------------------------------------------------------- reading

const SHA256 = /^[0-9a-f]{64}$/;

/** Reads a receipt file; every problem is an UnlearnError naming the field. */
export function parseReceipt(text: string, fileName: string): Receipt {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UnlearnError(`not valid JSON: ${(error as Error).message}`, fileName);
  }
  const fail = (message: string): never => {
    throw new UnlearnError(`not an Unlearn receipt: ${message}`, fileName);
  };
  if (!isRecord(value)) return fail('expected a JSON object');
  if (value.kind !== RECEIPT_KIND) fail(`"kind" must be "${RECEIPT_KIND}"`);
  if (value.version !== RECEIPT_VERSION) fail(`unsupported version ${JSON.stringify(value.version)}; this Unlearn reads version ${RECEIPT_VERSION}`);
  if (typeof value.engineVersion !== 'string') fail('"engineVersion" must be a string');
  const file = (v: unknown, name: string): void => {
    if (!isRecord(v) || typeof v.path !== 'string' || typeof v.sha256 !== 'string' || !SHA256.test(v.sha256) || !Number.isInteger(v.bytes)) {
      fail(`"${name}" must have a path, a SHA-256 digest (64 lowercase hex characters) and a byte count`);
    }
  };
  file(value.dataset, 'dataset');
  if (value.forgetList !== null) file(value.forgetList, 'forgetList');
  const selection = value.selection ?? {};
  if (!isRecord(selection)) return fail('"selection" must be an object');
  if (selection.unwantedRowNumbers !== undefined && !(Array.isArray(selection.unwantedRowNumbers) && selection.unwantedRowNumbers.every((r) => Number.isInteger(r) && r >= 1))) {
    fail('"selection.unwantedRowNumbers" must be row numbers ≥ 1');
  }
  if (selection.where !== undefined && typeof selection.where !== 'string') fail('"selection.where" must be a string');
  const s = value.settings;
  if (!isRecord(s) || typeof s.x !== 'string' || typeof s.y !== 'string' || !Number.isInteger(s.degree) || typeof s.sigma !== 'string' || typeof s.lambda !== 'string') {
    return fail('"settings" must have x, y, degree, sigma and lambda');
  }
  try {
    if (s.sigma !== 'auto') parseExactDecimal(s.sigma);
    parseExactDecimal(s.lambda);
    if (s.tolerance !== undefined) parseExactDecimal(String(s.tolerance));
  } catch (error) {
    fail(`settings: ${(error as Error).message}`);
  }
  for (const key of ['model', 'counts', 'models', 'metrics']) if (!isRecord(value[key])) fail(`"${key}" must be an object`);
  if (!Array.isArray(value.unwantedRows)) fail('"unwantedRows" must be an array');
  return { ...(value as unknown as Receipt), selection: selection as ReceiptSelection };
}

// ---------------------------------------------------------------- checking

/** Fields that describe the run but are not results to reproduce. */
const NOT_COMPARED = new Set(['createdAt', 'dataset.path', 'forgetList.path']);

/**
 * Every field where `actual` (the receipt of a re-run) differs from `expected` (the receipt
 * being verified), in document order. Empty means the re-run reproduced the receipt exactly.
 */
export function checkReceipt(expected: Receipt, actual: Receipt): ReceiptMismatch[] {
  const mismatches: ReceiptMismatch[] = [];
  compare(expected, actual, '', mismatches);
  return mismatches;
}

function compare(expected: unknown, actual: unknown, field: string, out: ReceiptMismatch[]): void {
  if (NOT_COMPARED.has(field)) return;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const n = Math.max(expected.length, actual.length);
    if (expected.length !== actual.length) out.push({ field: `${field}.length`, expected: String(expected.length), actual: String(actual.length) });
    for (let i = 0; i < n && i < Math.min(expected.length, actual.length); i++) compare(expected[i], actual[i], `${field}[${i}]`, out);
    return;
  }
  if (isRecord(expected) && isRecord(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
    for (const key of keys) compare(expected[key], actual[key], field ? `${field}.${key}` : key, out);
    return;
  }
  if (expected !== actual) out.push({ field, expected: show(expected), actual: show(actual) });
}

function show(v: unknown): string {
  return v === undefined ? '(absent)' : typeof v === 'string' ? v : JSON.stringify(v);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
