// EMSE unlearning: minimise the MSE on the wanted rows plus a penalty on the likelihood
// that the model still explains the unwanted rows (see the EMSE spec in docs/).
//   kernel: EMSE(θ) = SS_res,W(θ)/n_W + λ·2σ²·(1/n_U) Σ_U exp(−r_j²/(2σ²))
//   log:    EMSE(θ) = SS_res,W(θ)/n_W − λ·2σ²·(1/n_U) Σ_U log(1 − p_j + ε)
// The wanted term comes from the Gram matrix, so an iteration costs O(n_U·d²) whatever n_W.

import { CancelledError, UnlearnError } from './errors';
import { type Gram, residualSumOfSquares, solveSymmetric } from './polynomial';
import type { EmseProgress, EmseVariant, RunControl } from './types';

export const DEFAULT_MAX_ITERATIONS = 200;
export const DEFAULT_TOLERANCE = 1e-8;
/** Keeps log(1 − p + ε) finite when an unwanted row sits exactly on the curve. */
const LOG_EPSILON = 1e-12;
/** Armijo sufficient-decrease constant and the number of step halvings tried. */
const ARMIJO_C1 = 1e-4;
const MAX_HALVINGS = 60;
/** A predicted decrease below this fraction of the objective cannot be seen in doubles. */
const ROUND_OFF = 1e-12;

/** The data EMSE needs: the wanted rows as a Gram, the unwanted rows as design rows. */
export interface EmseProblem {
  wanted: Gram;
  /** n_U × (d+1) design rows of the unwanted rows, row-major. */
  unwantedDesign: Float64Array;
  unwantedY: Float64Array;
}

export interface EmseOptions {
  sigma: number;
  lambda: number;
  variant?: EmseVariant;
  maxIterations?: number;
  /** Stop when ‖∇EMSE‖ falls below this fraction of the gradient's natural scale. */
  tolerance?: number;
}

export interface EmseSolution {
  theta: Float64Array;
  iterations: number;
  objective: number;
  converged: boolean;
  gradientNorm: number;
}

interface Evaluation {
  objective: number;
  gradient: Float64Array;
  /** Positive-definite curvature: 2G/n_W plus the non-negative part of the penalty's. */
  curvature: Float64Array;
}

/**
 * Per-row penalty terms as functions of the residual r: the penalty value (before the
 * λ·2σ²/n_U factor), q with ∂penalty/∂θ = (2λ/n_U)·q·a, and h = −dq/dr with
 * ∂²penalty/∂θ² = (2λ/n_U)·h·aaᵀ. Written to `out` to keep the hot loop allocation-free.
 */
function rowTerms(variant: EmseVariant, r: number, sigma2: number, out: Float64Array): void {
  const t = (r * r) / (2 * sigma2);
  const p = Math.exp(-t);
  if (variant === 'kernel') {
    out[0] = p;
    out[1] = p * r;
    out[2] = p * ((r * r) / sigma2 - 1);
    return;
  }
  // 1 − p through expm1 so rows near the curve keep their precision.
  const d = -Math.expm1(-t) + LOG_EPSILON;
  const dp = (-p * r) / sigma2; // dp/dr
  out[0] = -Math.log(d);
  out[1] = (p * r) / d;
  out[2] = -((dp * r + p) / d + (p * r * dp) / (d * d));
}

/** r_j = y_j − a_j·θ for unwanted row j. */
export function unwantedResidual(problem: EmseProblem, theta: ArrayLike<number>, j: number): number {
  const size = theta.length;
  const base = j * size;
  let fit = 0;
  for (let k = 0; k < size; k++) fit += problem.unwantedDesign[base + k] * theta[k];
  return problem.unwantedY[j] - fit;
}

/** MSE_W from the Gram identity plus λ·2σ²/n_U times the summed per-row penalty values. */
function combine(problem: EmseProblem, theta: Float64Array, options: EmseOptions, penaltySum: number): number {
  const nU = problem.unwantedY.length;
  const penalty = nU === 0 ? 0 : ((options.lambda * 2 * options.sigma ** 2) / nU) * penaltySum;
  return residualSumOfSquares(problem.wanted, theta) / problem.wanted.n + penalty;
}

export function emseObjective(problem: EmseProblem, theta: Float64Array, options: EmseOptions): number {
  const variant = options.variant ?? 'kernel';
  const sigma2 = options.sigma ** 2;
  const terms = new Float64Array(3);
  let penalty = 0;
  for (let j = 0; j < problem.unwantedY.length; j++) {
    rowTerms(variant, unwantedResidual(problem, theta, j), sigma2, terms);
    penalty += terms[0];
  }
  return combine(problem, theta, options, penalty);
}

function evaluateFully(problem: EmseProblem, theta: Float64Array, options: EmseOptions): Evaluation {
  const { wanted, unwantedDesign } = problem;
  const size = theta.length;
  const variant = options.variant ?? 'kernel';
  const sigma2 = options.sigma ** 2;
  const nU = problem.unwantedY.length;
  const gradient = new Float64Array(size);
  const curvature = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    let gi = 0;
    for (let k = 0; k < size; k++) gi += wanted.G[i * size + k] * theta[k];
    gradient[i] = (2 / wanted.n) * (gi - wanted.b[i]);
  }
  for (let i = 0; i < size * size; i++) curvature[i] = (2 / wanted.n) * wanted.G[i];

  const terms = new Float64Array(3);
  const rowFactor = nU === 0 ? 0 : (2 * options.lambda) / nU;
  let penalty = 0;
  for (let j = 0; j < nU; j++) {
    rowTerms(variant, unwantedResidual(problem, theta, j), sigma2, terms);
    penalty += terms[0];
    const base = j * size;
    const q = rowFactor * terms[1];
    const h = rowFactor * Math.max(0, terms[2]);
    for (let i = 0; i < size; i++) {
      const ai = unwantedDesign[base + i];
      gradient[i] += q * ai;
      if (h > 0) for (let k = 0; k < size; k++) curvature[i * size + k] += h * ai * unwantedDesign[base + k];
    }
  }
  return { objective: combine(problem, theta, options, penalty), gradient, curvature };
}

export function emseGradient(problem: EmseProblem, theta: Float64Array, options: EmseOptions): Float64Array {
  return evaluateFully(problem, theta, options).gradient;
}

function norm(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/**
 * The gradient's natural size, so the tolerance is relative and unit-free: 2·RMS(‖a‖)·(RMS(y) + λσ)
 * bounds both terms of the gradient at θ = 0.
 */
function gradientScale(problem: EmseProblem, options: EmseOptions): number {
  const { wanted } = problem;
  let trace = 0;
  for (let i = 0; i < wanted.size; i++) trace += wanted.G[i * wanted.size + i];
  const rmsRow = Math.sqrt(trace / wanted.n);
  const rmsY = Math.sqrt(wanted.c / wanted.n);
  return Math.max(2 * rmsRow * (rmsY + options.lambda * options.sigma), Number.MIN_VALUE);
}

/**
 * Newton steps with a positive-definite curvature and Armijo backtracking, from `start`
 * (θ₀). Every accepted step lowers the objective. Stops when the relative gradient is below
 * the tolerance (converged), at the iteration cap, or when no step lowers the objective
 * (converged only if the Newton step promised a gain below round-off).
 */
export function minimiseEmse(
  problem: EmseProblem,
  start: Float64Array,
  options: EmseOptions,
  control?: RunControl,
): EmseSolution {
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const scale = gradientScale(problem, options);
  let theta: Float64Array = Float64Array.from(start);
  let current = evaluateFully(problem, theta, options);
  let iterations = 0;
  let converged = false;
  for (;;) {
    if (control?.isCancelled?.()) throw new CancelledError();
    if (norm(current.gradient) <= tolerance * scale) {
      converged = true;
      break;
    }
    if (iterations >= maxIterations) break;
    const step = searchDirection(current, theta.length, iterations);
    const slope = step.reduce((sum, s, i) => sum + s * current.gradient[i], 0);
    const next = backtrack(problem, theta, step, slope, current.objective, options);
    if (!next) {
      // No step lowers the objective: converged if the predicted gain is below its round-off.
      converged = -slope <= ROUND_OFF * Math.abs(current.objective);
      break;
    }
    theta = next;
    current = evaluateFully(problem, theta, options);
    iterations++;
    const progress: EmseProgress = { iteration: iterations, objective: current.objective, gradientNorm: norm(current.gradient) };
    control?.onProgress?.(progress);
  }
  return { theta, iterations, objective: current.objective, converged, gradientNorm: norm(current.gradient) };
}

/**
 * The Newton step; when the curvature is singular or overflows (an extreme λ or σ), the
 * steepest descent direction, which the line search then scales. A gradient that is not
 * finite leaves nothing to follow: that is a sentence, not a NaN model.
 */
function searchDirection(current: Evaluation, size: number, iteration: number): Float64Array {
  const descent = current.gradient.map((g) => -g);
  if (!descent.every(Number.isFinite)) {
    throw new UnlearnError(
      `EMSE unlearning cannot continue: its gradient is not a finite number at iteration ${iteration + 1}; ` +
        `λ or σ is too extreme for these data (try a smaller λ or a σ closer to the spread of y)`,
    );
  }
  try {
    return solveSymmetric(current.curvature, descent, size, 'the EMSE step');
  } catch (error) {
    if (error instanceof UnlearnError) return descent;
    throw error;
  }
}

/** The first of θ + step, θ + step/2, … that passes Armijo's sufficient decrease, if any. */
function backtrack(
  problem: EmseProblem,
  theta: Float64Array,
  step: Float64Array,
  slope: number,
  objective: number,
  options: EmseOptions,
): Float64Array | undefined {
  if (!(slope < 0)) return undefined;
  let t = 1;
  for (let halving = 0; halving <= MAX_HALVINGS; halving++, t /= 2) {
    const candidate = theta.map((v, i) => v + t * step[i]);
    if (emseObjective(problem, candidate, options) <= objective + ARMIJO_C1 * t * slope) return candidate;
  }
  return undefined;
}
