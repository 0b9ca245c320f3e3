// The audit: fit θ₀ on every valid row, retrain θ_R on the wanted rows, unlearn θ_EMSE from θ₀,
// and measure all three. The data are read once (prepareAudit); everything after works on
// the Gram matrices and the few unwanted rows, so the σ sweep reuses the same preparation.

import { extractXY } from './columns';
import { minimiseEmse, type EmseProblem, type EmseSolution } from './emse';
import { aboutFile, UnlearnError } from './errors';
import { distanceToRetrain, measureModel, OVERLAP_DOUBT_SHARE, overlapShare, type ModelMetrics } from './metrics';
import {
  addGrams,
  checkDegree,
  evaluateMany,
  fitGram,
  gramOfDesign,
  linspace,
  residualSumOfSquares,
  scaleAndMean,
  scalingOf,
  splitPass,
  toModelJson,
  totalSumOfSquares,
  type Gram,
  type Scaling,
  type SplitPass,
} from './polynomial';
import type {
  AuditResult,
  AuditSettings,
  DatasetFormat,
  EmseStart,
  EmseStartSummary,
  MetricSet,
  NumericXY,
  ParsedDataset,
  RunControl,
  SweepPoint,
  UnwantedRowEvidence,
} from './types';

/** Points of the result's curves across the valid x-range. */
export const CURVE_POINTS = 200;
/** When σ auto comes out 0 (a perfect fit), this fraction of std(y over W) is used instead. */
const SIGMA_FALLBACK_FRACTION = 1e-3;
/**
 * SS_res from the Gram identity is exact to about 1e-16·Σy², so an RMS residual below
 * ~1e-8·std(y) is round-off; below this fraction σ auto counts as 0.
 */
const SIGMA_ZERO_FRACTION = 1e-6;

export interface AuditInput {
  path: string;
  format: DatasetFormat;
  /** ds.rowCount */
  rows: number;
  /** The valid rows only. */
  xy: NumericXY;
  lineOf(rowIndex: number): number;
  /** rowIndex values; those not among the valid rows are left out with a warning. */
  unwantedRows: number[];
  staleForgetEntries: number;
  settings: AuditSettings;
}

/** Everything the audit and the σ sweep share, computed with one pass over the data. */
export interface PreparedAudit {
  input: AuditInput;
  scaling: Scaling;
  /**
   * The problem's unit of y: a power of two ≥ max |y| (scaleAndMean). Every y is divided by
   * it before accumulating, so no sum can overflow for any finite data; results are scaled back.
   */
  yScale: number;
  /** Mean of y / yScale over the valid rows, subtracted before accumulating so c = Σy² does not swamp SS_tot. */
  yShift: number;
  pass: SplitPass;
  /** In the problem's units: y' = y / yScale − yShift. */
  problem: EmseProblem;
  /** Coefficients for y' (see realCoefficients for the real curve). */
  thetaBefore: Float64Array;
  thetaRetrain: Float64Array;
  /** σ in the problem's units (σ / yScale), as EMSE takes it. */
  sigma: number;
  sigmaAuto: boolean;
  /** The unwanted rowIndex values that are not valid rows (no numeric x/y). */
  ignoredUnwanted: number;
  warnings: string[];
}

/** "1 row was" / "3 rows were": a count with the words that agree with it. */
function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function checkSettings(settings: AuditSettings): void {
  checkDegree(settings.degree);
  const { sigma, lambda, variant, maxIterations, tolerance } = settings;
  if (sigma !== 'auto' && !(Number.isFinite(sigma) && sigma > 0)) {
    throw new UnlearnError(`σ (sigma) must be a positive number or 'auto', not ${sigma}`);
  }
  if (!(Number.isFinite(lambda) && lambda >= 0)) {
    throw new UnlearnError(`λ (lambda) must be a number ≥ 0, not ${lambda}`);
  }
  if (variant !== undefined && variant !== 'kernel' && variant !== 'log') {
    throw new UnlearnError(`the EMSE variant must be 'kernel' or 'log', not '${variant}'`);
  }
  if (maxIterations !== undefined && !(Number.isInteger(maxIterations) && maxIterations >= 1)) {
    throw new UnlearnError(`the iteration cap must be a whole number ≥ 1, not ${maxIterations}`);
  }
  if (tolerance !== undefined && !(Number.isFinite(tolerance) && tolerance > 0)) {
    throw new UnlearnError(`the tolerance must be a positive number, not ${tolerance}`);
  }
}

/** Per valid row: 1 if its rowIndex is unwanted. Also counts unwanted rows that are not valid. */
function unwantedMask(input: AuditInput): { mask: Uint8Array; ignored: number } {
  // A byte per dataset row makes the lookup a plain array read (a Set costs ~10× more at 1M rows).
  const byRow = new Uint8Array(input.rows);
  const outOfRange = new Set<number>();
  let requested = 0;
  for (const r of input.unwantedRows) {
    if (r >= 0 && r < input.rows) {
      if (byRow[r] === 0) requested++;
      byRow[r] = 1;
    } else {
      outOfRange.add(r);
    }
  }
  const { rowIndex } = input.xy;
  const mask = new Uint8Array(rowIndex.length);
  let found = 0;
  for (let k = 0; k < rowIndex.length; k++) {
    if (byRow[rowIndex[k]] === 1) {
      mask[k] = 1;
      found++;
    }
  }
  return { mask, ignored: requested + outOfRange.size - found };
}

/**
 * σ in the problem's units: as set, or 'auto', the RMS residual of θ₀ on the wanted rows
 * (with a warned fallback for 0).
 */
function resolveSigma(settings: AuditSettings, wanted: Gram, thetaBefore: Float64Array, yScale: number): { sigma: number; warnings: string[] } {
  if (settings.sigma !== 'auto') return { sigma: settings.sigma / yScale, warnings: [] };
  const sigma = Math.sqrt(residualSumOfSquares(wanted, thetaBefore) / wanted.n);
  const stdY = Math.sqrt(totalSumOfSquares(wanted) / wanted.n);
  if (sigma > SIGMA_ZERO_FRACTION * stdY) return { sigma, warnings: [] };
  const fallback = SIGMA_FALLBACK_FRACTION * stdY;
  return {
    sigma: fallback,
    warnings: [
      `The learned curve fits the wanted rows exactly, so σ 'auto' would be 0; σ = ${(fallback * yScale).toPrecision(3)} ` +
        `(${SIGMA_FALLBACK_FRACTION} × the standard deviation of y) was used instead. Set σ explicitly to choose.`,
    ],
  };
}

/** Reads the data once and fits θ₀ and θ_R; throws UnlearnError (naming input.path) for every unfit input. */
export function prepareAudit(input: AuditInput): PreparedAudit {
  return aboutFile(input.path, () => prepare(input));
}

function prepare(input: AuditInput): PreparedAudit {
  const { settings, xy } = input;
  checkSettings(settings);
  if (xy.xs.length === 0) {
    throw new UnlearnError(`there are no valid rows: no row has a numeric x ('${settings.x}') and y ('${settings.y}')`);
  }
  const scaling = scalingOf(xy.xs);
  const { mask, ignored } = unwantedMask(input);
  const { scale: yScale, mean: yShift } = scaleAndMean(xy.ys);
  const pass = splitPass(xy.xs, xy.ys, scaling, settings.degree, mask, yShift, yScale);
  const { wanted, wantedRange } = pass;
  if (wanted.n === 0) {
    throw new UnlearnError('every valid row is unwanted: there are no wanted rows left to fit a curve to');
  }
  if (!(wantedRange.yMax > wantedRange.yMin)) {
    throw new UnlearnError(
      `y ('${settings.y}') is ${wantedRange.yMin} on every wanted row: with no variation R² is undefined`,
    );
  }
  const unwantedGram = gramOfDesign(pass.unwantedDesign, pass.unwantedY, settings.degree + 1);
  const thetaRetrain = fitGram(wanted, 'the wanted rows');
  const thetaBefore = fitGram(addGrams(wanted, unwantedGram), 'the valid rows');

  const { sigma, warnings } = resolveSigma(settings, wanted, thetaBefore, yScale);
  return {
    input,
    scaling,
    yScale,
    yShift,
    pass,
    problem: { wanted, unwantedDesign: pass.unwantedDesign, unwantedY: pass.unwantedY },
    thetaBefore,
    thetaRetrain,
    sigma,
    sigmaAuto: settings.sigma === 'auto',
    ignoredUnwanted: ignored,
    warnings,
  };
}

/** Objectives closer than this fraction count as a tie between the two EMSE starts. */
const START_TIE = 1e-9;

/** EMSE from both starts; `best` is the lower objective (θ₀'s on a tie). */
interface Unlearning {
  best: EmseSolution;
  start: EmseStart;
  runs: Record<EmseStart, EmseSolution>;
}

/**
 * EMSE is non-convex for small σ, large λ or many unwanted rows, so a local search can stop
 * at a worse minimum than another start reaches. It runs from θ₀ (the learned model, as the
 * method prescribes) and from θ_R (retraining), and keeps the lower objective.
 */
function unlearn(prepared: PreparedAudit, sigma: number, control?: RunControl): Unlearning {
  const { settings } = prepared.input;
  const options = {
    sigma,
    lambda: settings.lambda,
    variant: settings.variant,
    maxIterations: settings.maxIterations,
    tolerance: settings.tolerance,
  };
  const before = minimiseEmse(prepared.problem, prepared.thetaBefore, options, control);
  // Progress keeps counting up across the second run.
  const onProgress = control?.onProgress;
  const offset: RunControl = {
    ...control,
    onProgress: onProgress && ((p) => onProgress({ ...p, iteration: before.iterations + p.iteration })),
  };
  const retrain = minimiseEmse(prepared.problem, prepared.thetaRetrain, options, offset);
  // θ₀ is the method's start: θ_R's run wins only when clearly lower, not by round-off.
  const clearlyLower = retrain.objective < before.objective - START_TIE * Math.abs(before.objective);
  const useRetrain = clearlyLower || (!Number.isFinite(before.objective) && Number.isFinite(retrain.objective));
  return useRetrain ? { best: retrain, start: 'retrain', runs: { before, retrain } } : { best: before, start: 'before', runs: { before, retrain } };
}

/** The metrics in the data's units (only the MSE has a unit: yScale²). */
function metricSet(m: ModelMetrics, yScale: number): MetricSet {
  return {
    r2Wanted: m.r2Wanted,
    expR2Unwanted: m.expR2Unwanted,
    fairR2: m.fairR2,
    forgetScore: m.forgetScore,
    mseWanted: m.mseWanted * yScale * yScale,
  };
}

/** Coefficients of the real curve: y = yScale·(f_θ(x) + yShift). */
function realCoefficients(theta: Float64Array, prepared: PreparedAudit): Float64Array {
  const out = theta.map((v) => v * prepared.yScale);
  out[0] += prepared.yShift * prepared.yScale;
  return out;
}

function evidence(prepared: PreparedAudit, before: ModelMetrics, after: ModelMetrics, retrain: ModelMetrics): UnwantedRowEvidence[] {
  const { xy, lineOf } = prepared.input;
  // Positions come out of the pass in data order; sort by row in case xy is not.
  return Array.from(prepared.pass.unwantedPositions, (k, j) => ({
    row: xy.rowIndex[k] + 1,
    line: lineOf(xy.rowIndex[k]),
    x: xy.xs[k],
    y: xy.ys[k],
    recallBefore: before.recalls[j],
    recallAfter: after.recalls[j],
    recallRetrain: retrain.recalls[j],
  })).sort((a, b) => a.row - b.row);
}

interface Diagnostics {
  share: number;
  doubtful: boolean;
  distance: number;
  warnings: string[];
}

function diagnose(prepared: PreparedAudit, emse: EmseSolution, after: ModelMetrics, retrain: ModelMetrics): Diagnostics {
  const { input, pass, problem } = prepared;
  const nU = problem.unwantedY.length;
  const sigmaRetrain = Math.sqrt(retrain.mseWanted);
  const share = overlapShare(retrain.unwantedResiduals, sigmaRetrain);
  const doubtful = nU > 0 && share >= OVERLAP_DOUBT_SHARE;
  const stdY = Math.sqrt(totalSumOfSquares(problem.wanted) / problem.wanted.n);
  const distance = distanceToRetrain(emse.theta, prepared.thetaRetrain, prepared.scaling, pass.wantedRange, stdY);

  const warnings = [...prepared.warnings];
  if (nU === 0) warnings.push('No unwanted rows: unlearning equals retraining.');
  if (doubtful) {
    const inside = Math.round(share * nU);
    warnings.push(
      `${inside} of ${nU} unwanted rows lie within 2σ of the retrained curve: wanted and unwanted rows overlap, ` +
        `so no model can forget them without losing wanted accuracy, and Fair R²'s independence assumption is doubtful.`,
    );
  }
  if (after.expR2DenominatorFloored) {
    warnings.push(
      `The unwanted rows' y values spread less than σ (SS_tot,U < n_U·σ²), so n_U·σ² was used as the denominator of the Exponential R².`,
    );
  }
  if (!emse.converged) {
    warnings.push(
      `EMSE did not converge within ${count(emse.iterations, 'iteration', 'iterations')}; the 'after' model is its last, best iterate.`,
    );
  }
  const skipped = input.xy.skippedCount;
  if (skipped > 0) warnings.push(`${count(skipped, 'row was', 'rows were')} skipped: x or y is missing or not a number.`);
  const ignored = prepared.ignoredUnwanted;
  if (ignored > 0) {
    warnings.push(`${count(ignored, 'unwanted row has', 'unwanted rows have')} no valid x/y and ${ignored === 1 ? 'was' : 'were'} left out.`);
  }
  const stale = input.staleForgetEntries;
  if (stale > 0) {
    warnings.push(`${count(stale, 'forget-list entry matches', 'forget-list entries match')} no row of the dataset (stale).`);
  }
  return { share, doubtful, distance, warnings };
}

/** The audit of a prepared problem: EMSE, the three metric sets and the diagnostics. */
export function auditPrepared(prepared: PreparedAudit, control?: RunControl): AuditResult {
  return aboutFile(prepared.input.path, () => audit(prepared, control));
}

function audit(prepared: PreparedAudit, control?: RunControl): AuditResult {
  const { input, problem, sigma, scaling, yScale, pass } = prepared;
  const { settings, xy } = input;
  const unlearning = unlearn(prepared, sigma, control);
  const emse = unlearning.best;
  const before = measureModel(problem, prepared.thetaBefore, sigma);
  const after = measureModel(problem, emse.theta, sigma);
  const retrain = measureModel(problem, prepared.thetaRetrain, sigma);
  const diagnostics = diagnose(prepared, emse, after, retrain);

  const models = {
    before: realCoefficients(prepared.thetaBefore, prepared),
    after: realCoefficients(emse.theta, prepared),
    retrain: realCoefficients(prepared.thetaRetrain, prepared),
  };
  const curveX = linspace(scaling.xMin, scaling.xMax, CURVE_POINTS);
  const nU = problem.unwantedY.length;
  const result: AuditResult = {
    dataset: {
      path: input.path,
      format: input.format,
      rows: input.rows,
      valid: xy.xs.length,
      skipped: xy.skippedCount,
      wanted: pass.wanted.n,
      unwanted: nU,
      staleForgetEntries: input.staleForgetEntries,
    },
    model: {
      x: settings.x,
      y: settings.y,
      degree: settings.degree,
      sigma: sigma * yScale,
      sigmaAuto: prepared.sigmaAuto,
      lambda: settings.lambda,
      variant: settings.variant ?? 'kernel',
    },
    before: metricSet(before, yScale),
    after: {
      ...metricSet(after, yScale),
      iterations: emse.iterations,
      converged: emse.converged,
      objective: emse.objective * yScale * yScale,
      start: unlearning.start,
    },
    retrain: metricSet(retrain, yScale),
    diagnostics: {
      overlapShare: diagnostics.share,
      independenceDoubtful: diagnostics.doubtful,
      distanceToRetrain: diagnostics.distance,
      expR2DenominatorFloored: after.expR2DenominatorFloored,
      emseStarts: {
        before: startSummary(unlearning.runs.before, yScale),
        retrain: startSummary(unlearning.runs.retrain, yScale),
      },
      warnings: diagnostics.warnings,
    },
    unwantedRows: evidence(prepared, before, after, retrain),
    skippedRows: xy.skipped,
    curve: {
      x: Array.from(curveX),
      before: Array.from(evaluateMany(models.before, scaling, curveX)),
      after: Array.from(evaluateMany(models.after, scaling, curveX)),
      retrain: Array.from(evaluateMany(models.retrain, scaling, curveX)),
    },
    models: {
      before: toModelJson(models.before, scaling),
      after: toModelJson(models.after, scaling),
      retrain: toModelJson(models.retrain, scaling),
    },
  };
  checkFinite(result, prepared);
  return result;
}

function startSummary(run: EmseSolution, yScale: number): EmseStartSummary {
  return { objective: run.objective * yScale * yScale, iterations: run.iterations, converged: run.converged };
}

const MODEL_NAMES = { before: 'before unlearning', after: 'after unlearning', retrain: 'after retraining' } as const;
const METRIC_NAMES: Record<keyof MetricSet, string> = {
  fairR2: 'Fair R²',
  r2Wanted: 'R² on wanted rows',
  expR2Unwanted: 'Exponential R² on unwanted rows',
  forgetScore: 'forget score',
  mseWanted: 'MSE on wanted rows',
};

/**
 * Every number a verdict or a reader relies on must be finite: a NaN compares false with any
 * threshold (so `NaN < min` would pass a gate) and prints as null in JSON. The audit refuses
 * instead, naming the first such number and why.
 */
function checkFinite(result: AuditResult, prepared: PreparedAudit): void {
  const checks: [string, number][] = [];
  for (const model of ['before', 'after', 'retrain'] as const) {
    for (const key of Object.keys(METRIC_NAMES) as (keyof MetricSet)[]) {
      checks.push([`the ${METRIC_NAMES[key]} ${MODEL_NAMES[model]}`, result[model][key]]);
    }
  }
  checks.push(
    ['the EMSE objective', result.after.objective],
    ['the EMSE objective from the learned model', result.diagnostics.emseStarts.before.objective],
    ['the EMSE objective from the retrained model', result.diagnostics.emseStarts.retrain.objective],
    ['σ', result.model.sigma],
    ['the distance to exact retraining', result.diagnostics.distanceToRetrain],
    ['the overlap share', result.diagnostics.overlapShare],
  );
  const firstNonFinite = (values: number[]): number => values.find((v) => !Number.isFinite(v)) ?? 0;
  for (const model of ['before', 'after', 'retrain'] as const) {
    const curve = result.models[model].coefficients.concat(result.curve[model]);
    checks.push([`the fitted curve ${MODEL_NAMES[model]}`, firstNonFinite(curve)]);
  }
  // Only the first bad row gets a label: there may be millions.
  const badRow = result.unwantedRows.find((r) => !(Number.isFinite(r.recallBefore) && Number.isFinite(r.recallAfter) && Number.isFinite(r.recallRetrain)));
  if (badRow) checks.push([`the recall of row ${badRow.row}`, firstNonFinite([badRow.recallBefore, badRow.recallAfter, badRow.recallRetrain])]);
  const bad = checks.find(([, value]) => !Number.isFinite(value));
  if (!bad) return;
  throw new UnlearnError(`${bad[0]} is not a finite number (${bad[1]}): ${whyNotFinite(bad[1], prepared)}; no verdict is given on it`, result.dataset.path);
}

function whyNotFinite(value: number, prepared: PreparedAudit): string {
  const { xMin, xMax } = prepared.scaling;
  const range = `x spans ${xMin.toPrecision(3)} to ${xMax.toPrecision(3)} and |y| reaches ${maxAbs(prepared.input.xy.ys).toPrecision(3)}`;
  const what = Number.isNaN(value) ? 'it is undefined for these values' : 'it exceeds the largest double-precision number (about 1.8e308)';
  return `${what} (${range}, σ = ${(prepared.sigma * prepared.yScale).toPrecision(3)}); rescale x or y (other units), set σ, or remove the extreme rows`;
}

function maxAbs(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]));
  return max;
}

/** EMSE and the after-metrics for each σ, from one preparation (θ₀ and θ_R do not depend on σ). */
export function sweepPrepared(prepared: PreparedAudit, sigmas: number[], control?: RunControl): SweepPoint[] {
  return aboutFile(prepared.input.path, () => sweep(prepared, sigmas, control));
}

function sweep(prepared: PreparedAudit, sigmas: number[], control?: RunControl): SweepPoint[] {
  return sigmas.map((sigma) => {
    if (!(Number.isFinite(sigma) && sigma > 0)) throw new UnlearnError(`σ values of a sweep must be positive, not ${sigma}`);
    const problemSigma = sigma / prepared.yScale;
    const after = measureModel(prepared.problem, unlearn(prepared, problemSigma, control).best.theta, problemSigma);
    const point = { sigma, fairR2: after.fairR2, r2Wanted: after.r2Wanted, expR2Unwanted: after.expR2Unwanted };
    if (![point.fairR2, point.r2Wanted, point.expR2Unwanted].every(Number.isFinite)) {
      throw new UnlearnError(`the σ sweep at σ = ${sigma.toPrecision(3)} gives a metric that is not a finite number: ${whyNotFinite(NaN, prepared)}`, prepared.input.path);
    }
    return point;
  });
}

export function runAudit(input: AuditInput, control?: RunControl): AuditResult {
  return auditPrepared(prepareAudit(input), control);
}

export function sigmaSweep(input: AuditInput, sigmas: number[], control?: RunControl): SweepPoint[] {
  return sweepPrepared(prepareAudit(input), sigmas, control);
}

/** Nine log-spaced σ values from σ/8 to 8σ (σ·2^−3 … σ·2^3). */
export function defaultSweepSigmas(sigma: number): number[] {
  return Array.from({ length: 9 }, (_, i) => sigma * 2 ** (-3 + (6 * i) / 8));
}

/** extractXY + runAudit, for callers holding a parsed dataset. */
export function auditDataset(
  ds: ParsedDataset,
  unwantedRows: number[],
  settings: AuditSettings,
  meta: { path: string; staleForgetEntries: number },
  control?: RunControl,
): AuditResult {
  return runAudit(
    {
      path: meta.path,
      format: ds.format,
      rows: ds.rowCount,
      xy: extractXY(ds, settings.x, settings.y),
      lineOf: (i) => ds.lineOf(i),
      unwantedRows,
      staleForgetEntries: meta.staleForgetEntries,
      settings,
    },
    control,
  );
}
