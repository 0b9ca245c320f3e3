// The audit's numbers for one model θ (before, after or retrain): how well it represents the
// wanted rows, how little it represents the unwanted ones, and the row-level recall evidence.
// Wanted-row figures come from the Gram identity, so no metric revisits the big data.

import { type EmseProblem, unwantedResidual } from './emse';
import { evaluate, linspace, residualSumOfSquares, type Scaling, totalSumOfSquares } from './polynomial';
import type { MetricSet } from './types';

/** Points of the grid on which distanceToRetrain compares two curves. */
export const DISTANCE_GRID_POINTS = 200;

/**
 * Share of unwanted rows within 2σ_R of the retrained curve at or above which Fair R²'s
 * independence assumption is called doubtful. Within 2σ lies ~95% of Gaussian wanted noise,
 * so such rows look like wanted rows to any model; once they are half or more of U, forgetting
 * U mostly means unfitting the wanted curve, and the two events in Fair R² are far from independent.
 */
export const OVERLAP_DOUBT_SHARE = 0.5;

/** A MetricSet plus what the audit needs for evidence and diagnostics. */
export interface ModelMetrics extends MetricSet {
  /** r_j = y_j − f(x_j) per unwanted row (in the problem's order). */
  unwantedResiduals: Float64Array;
  /** p_j = exp(−r_j²/(2σ²)) per unwanted row. */
  recalls: Float64Array;
  expR2DenominatorFloored: boolean;
}

export function unwantedResiduals(problem: EmseProblem, theta: ArrayLike<number>): Float64Array {
  const out = new Float64Array(problem.unwantedY.length);
  for (let j = 0; j < out.length; j++) out[j] = unwantedResidual(problem, theta, j);
  return out;
}

/** Σ(y − ȳ)² by two passes (the unwanted rows are few, so exactness is cheap). */
export function sumOfSquaresAboutMean(values: ArrayLike<number>): number {
  if (values.length === 0) return 0;
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i];
  mean /= values.length;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i] - mean) ** 2;
  return ss;
}

/**
 * E_U = 1 − exp(−SS_res,U / SS_tot,U). When SS_tot,U < n_U·σ² (one unwanted row, or
 * near-identical targets) the denominator is floored at n_U·σ², so a row is "represented"
 * on the scale of the noise rather than of its tiny spread. No unwanted rows: E_U = 1
 * (there is nothing the model could wrongly represent).
 */
export function exponentialR2(ssResU: number, ssTotU: number, nU: number, sigma: number): { value: number; floored: boolean } {
  if (nU === 0) return { value: 1, floored: false };
  const floor = nU * sigma * sigma;
  const floored = ssTotU < floor;
  return { value: 1 - Math.exp(-ssResU / (floored ? floor : ssTotU)), floored };
}

/** Fair R² = clamp(R²_W, 0, 1) · E_U: represents W and not U, assuming independence. */
export function fairR2(r2Wanted: number, expR2Unwanted: number): number {
  return Math.min(1, Math.max(0, r2Wanted)) * expR2Unwanted;
}

export function recallProbabilities(residuals: ArrayLike<number>, sigma: number): Float64Array {
  const out = new Float64Array(residuals.length);
  for (let j = 0; j < residuals.length; j++) out[j] = Math.exp(-(residuals[j] ** 2) / (2 * sigma * sigma));
  return out;
}

/** F = 1 − mean_U p_j; with no unwanted rows F = 1 (nothing is recalled). */
export function forgetScore(recalls: ArrayLike<number>): number {
  if (recalls.length === 0) return 1;
  let sum = 0;
  for (let j = 0; j < recalls.length; j++) sum += recalls[j];
  return 1 - sum / recalls.length;
}

/** Share of unwanted rows within 2σ_R of the retrained curve (0 with no unwanted rows). */
export function overlapShare(retrainResiduals: ArrayLike<number>, sigmaRetrain: number): number {
  if (retrainResiduals.length === 0) return 0;
  let inside = 0;
  for (let j = 0; j < retrainResiduals.length; j++) if (Math.abs(retrainResiduals[j]) <= 2 * sigmaRetrain) inside++;
  return inside / retrainResiduals.length;
}

/**
 * RMS of f_θ − f_R over a grid spanning the wanted rows' x-range, divided by the standard
 * deviation of y over W: 0 means EMSE landed exactly on retraining. The basis is linear
 * in θ, so the difference polynomial is evaluated directly (no cancellation of two curves).
 */
export function distanceToRetrain(
  theta: ArrayLike<number>,
  thetaRetrain: ArrayLike<number>,
  scaling: Scaling,
  wantedX: { xMin: number; xMax: number },
  stdWantedY: number,
): number {
  const difference = Array.from(theta, (v, k) => v - thetaRetrain[k]);
  let sum = 0;
  for (const x of linspace(wantedX.xMin, wantedX.xMax, DISTANCE_GRID_POINTS)) {
    sum += evaluate(difference, scaling, x) ** 2;
  }
  return Math.sqrt(sum / DISTANCE_GRID_POINTS) / stdWantedY;
}

/** Every per-model metric of θ; the problem's wanted Gram must have a non-zero SS_tot. */
export function measureModel(problem: EmseProblem, theta: ArrayLike<number>, sigma: number): ModelMetrics {
  const { wanted } = problem;
  const ssResW = residualSumOfSquares(wanted, theta);
  const r2Wanted = 1 - ssResW / totalSumOfSquares(wanted);
  const residuals = unwantedResiduals(problem, theta);
  let ssResU = 0;
  for (const r of residuals) ssResU += r * r;
  const expR2 = exponentialR2(ssResU, sumOfSquaresAboutMean(problem.unwantedY), residuals.length, sigma);
  const recalls = recallProbabilities(residuals, sigma);
  return {
    r2Wanted,
    expR2Unwanted: expR2.value,
    fairR2: fairR2(r2Wanted, expR2.value),
    forgetScore: forgetScore(recalls),
    mseWanted: ssResW / wanted.n,
    unwantedResiduals: residuals,
    recalls,
    expR2DenominatorFloored: expR2.floored,
  };
}
