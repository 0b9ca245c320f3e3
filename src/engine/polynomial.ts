// Polynomial least squares in a Chebyshev basis, built for big data: one pass over typed
// arrays accumulates the small (d+1)×(d+1) Gram matrix, and only that is ever solved.
// Chebyshev polynomials in a scaled z ∈ [−1, 1] keep the Gram matrix well conditioned up
// to degree 12, where plain powers of x would not.

import { CholeskyDecomposition, Matrix, SingularValueDecomposition } from 'ml-matrix';
import { UnlearnError } from './errors';
import type { PolynomialModelJson } from './types';

export const MIN_DEGREE = 1;
export const MAX_DEGREE = 12;

/** Below this smallest/largest singular value of a Gram matrix, a fit is refused as singular. */
const SINGULAR_RATIO = 1e-12;
/**
 * Cholesky pivots spread wider than this hint at bad conditioning (their ratio bounds the
 * condition number from below), so the SVD is asked for the real answer.
 */
const SUSPICIOUS_PIVOT_RATIO = 1e-10;

/** The frozen map x → z = 2(x − xMin)/(xMax − xMin) − 1, shared by every model of one audit. */
export interface Scaling {
  xMin: number;
  xMax: number;
}

/**
 * z = (x·p − xMin·p)·zScale − 1 with zScale = 2/(xMax·p − xMin·p): the same map with a
 * multiplication instead of a division per row. p is a power of two (exact) that keeps both
 * the range and 2/range finite: 1 in practice, ½ when x spans ±1e308, large for a range of
 * subnormal numbers.
 */
interface ZMap {
  p: number;
  xMin: number;
  zScale: number;
}

function zMapOf(scaling: Scaling): ZMap {
  let p = 1;
  if (!Number.isFinite(scaling.xMax - scaling.xMin)) p = 0.5;
  else if (!Number.isFinite(2 / (scaling.xMax - scaling.xMin))) p = 2 ** 600;
  return { p, xMin: scaling.xMin * p, zScale: 2 / (scaling.xMax * p - scaling.xMin * p) };
}

/**
 * Sufficient statistics of least squares over a set of rows: G = AᵀA (row-major, symmetric),
 * b = Aᵀy, c = yᵀy, Σy and the row count. Enough for any fit and any SS_res on that set.
 */
export interface Gram {
  size: number;
  G: Float64Array;
  b: Float64Array;
  c: number;
  sumY: number;
  n: number;
}

/** The result of one data pass that splits rows into wanted (accumulated) and unwanted (kept). */
export interface SplitPass {
  wanted: Gram;
  /** Design rows of the unwanted rows, n_U × size, row-major. */
  unwantedDesign: Float64Array;
  unwantedY: Float64Array;
  /** Position (into xs/ys) of each unwanted row, in data order. */
  unwantedPositions: Int32Array;
  /** Ranges of x and of the (unshifted) y over the wanted rows; empty ranges are ±Infinity. */
  wantedRange: { xMin: number; xMax: number; yMin: number; yMax: number };
}

export function checkDegree(degree: number): void {
  if (!Number.isInteger(degree) || degree < MIN_DEGREE || degree > MAX_DEGREE) {
    throw new UnlearnError(`degree must be a whole number from ${MIN_DEGREE} to ${MAX_DEGREE}, not ${degree}`);
  }
}

/** The x-range of all given rows; a constant (or empty) x cannot carry a curve. */
export function scalingOf(xs: ArrayLike<number>): Scaling {
  if (xs.length === 0) throw new UnlearnError('there are no valid rows to fit a curve to');
  let xMin = Infinity;
  let xMax = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (x < xMin) xMin = x;
    if (x > xMax) xMax = x;
  }
  if (!(xMax > xMin)) {
    throw new UnlearnError(`x is constant (every valid row has x = ${xMin}): a curve cannot be fitted`);
  }
  return { xMin, xMax };
}

export function toZ(scaling: Scaling, x: number): number {
  const { p, xMin, zScale } = zMapOf(scaling);
  return (x * p - xMin) * zScale - 1;
}

/**
 * `scale`: a power of two at least max |v| (1 for all zeros). Dividing by it is exact, and it
 * brings every value into [−1, 1], so sums of squares over any number of rows stay far from
 * overflow (y = 1e160 squared would be Infinity); exponents stay within the normal doubles.
 * `mean`: the mean of v / scale, in one pass unless the plain sum overflows (dividing a finite
 * sum by a power of two gives the same bits as summing the quotients).
 */
export function scaleAndMean(values: ArrayLike<number>): { scale: number; mean: number } {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    sum += v;
    const a = Math.abs(v);
    if (a > max) max = a;
  }
  const scale = max > 0 && Number.isFinite(max) ? 2 ** Math.min(1023, Math.max(-1022, Math.ceil(Math.log2(max)))) : 1;
  if (Number.isFinite(sum)) return { scale, mean: sum / values.length / scale };
  let scaled = 0;
  for (let i = 0; i < values.length; i++) scaled += values[i] / scale;
  return { scale, mean: scaled / values.length };
}

/** Writes T_0(z)..T_degree(z) into out[offset..] by the recurrence T_k = 2z·T_{k−1} − T_{k−2}. */
export function chebyshevInto(z: number, degree: number, out: Float64Array, offset = 0): void {
  out[offset] = 1;
  if (degree >= 1) out[offset + 1] = z;
  for (let k = 2; k <= degree; k++) {
    out[offset + k] = 2 * z * out[offset + k - 1] - out[offset + k - 2];
  }
}

export function emptyGram(size: number): Gram {
  return { size, G: new Float64Array(size * size), b: new Float64Array(size), c: 0, sumY: 0, n: 0 };
}

function combineGrams(p: Gram, q: Gram, sign: 1 | -1): Gram {
  if (p.size !== q.size) throw new Error(`Gram sizes differ: ${p.size} and ${q.size}`);
  const out = emptyGram(p.size);
  for (let i = 0; i < p.G.length; i++) out.G[i] = p.G[i] + sign * q.G[i];
  for (let i = 0; i < p.size; i++) out.b[i] = p.b[i] + sign * q.b[i];
  out.c = p.c + sign * q.c;
  out.sumY = p.sumY + sign * q.sumY;
  out.n = p.n + sign * q.n;
  return out;
}

/** The accumulation over the union of two disjoint row sets (G_all = G_W + G_U). */
export function addGrams(p: Gram, q: Gram): Gram {
  return combineGrams(p, q, 1);
}

/** The accumulation over p's rows without q's (q's rows must be among p's). */
export function subtractGrams(p: Gram, q: Gram): Gram {
  return combineGrams(p, q, -1);
}

/** Adds one design row's outer product to G's upper triangle only (see mirrorUpper), and a·y to b. */
function accumulateRow(G: Float64Array, b: Float64Array, size: number, row: Float64Array, offset: number, y: number): void {
  for (let i = 0; i < size; i++) {
    const ai = row[offset + i];
    const base = i * size;
    for (let j = i; j < size; j++) G[base + j] += ai * row[offset + j];
    b[i] += ai * y;
  }
}

/** Completes a Gram matrix whose upper triangle was accumulated (half the work per row). */
function mirrorUpper(gram: Gram): void {
  const { size, G } = gram;
  for (let i = 1; i < size; i++) {
    for (let j = 0; j < i; j++) G[i * size + j] = G[j * size + i];
  }
}

/**
 * One pass over the rows. Rows with unwanted[k] = 0 are accumulated into a Gram; rows with
 * unwanted[k] = 1 keep their design rows, because EMSE revisits them every iteration.
 * Without a mask every row is wanted. Every y is divided by `yScale` (see scaleAndMean),
 * then `yShift` (in those units) is subtracted (see audit); unwantedY is in the same units.
 *
 * The wanted rows cost O(d) each, not O(d²): since T_i·T_j = (T_{i+j} + T_{|i−j|})/2, the
 * Gram matrix follows from the moments S_m = Σ T_m(z), m = 0..2d, which is what the loop sums.
 */
export function splitPass(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  scaling: Scaling,
  degree: number,
  unwanted?: Uint8Array,
  yShift = 0,
  yScale = 1,
): SplitPass {
  const { p, xMin, zScale } = zMapOf(scaling);
  if (p === 1) return accumulatePass(xs, ys, xMin, zScale, degree, unwanted, yShift, yScale);
  // The rare extreme x-range: the same pass over x·p (exact), so the hot loop stays simple.
  const pass = accumulatePass(Float64Array.from(xs, (x) => x * p), ys, xMin, zScale, degree, unwanted, yShift, yScale);
  const range = pass.wantedRange;
  return { ...pass, wantedRange: { ...range, xMin: range.xMin / p, xMax: range.xMax / p } };
}

/** splitPass's loop, with z = (x − xMin)·zScale − 1. */
function accumulatePass(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  xMin: number,
  zScale: number,
  degree: number,
  unwanted: Uint8Array | undefined,
  yShift: number,
  yScale: number,
): SplitPass {
  const size = degree + 1;
  const top = 2 * degree;
  let nU = 0;
  if (unwanted) for (let k = 0; k < unwanted.length; k++) nU += unwanted[k] !== 0 ? 1 : 0;
  const unwantedDesign = new Float64Array(nU * size);
  const unwantedY = new Float64Array(nU);
  const unwantedPositions = new Int32Array(nU);
  const moments = new Float64Array(top + 1);
  const b = new Float64Array(size);
  const yFactor = 1 / yScale; // exact: yScale is a power of two
  // Scalars stay in locals (registers) in the hot loop; T_m is carried as (t0, t1), not stored.
  let c = 0;
  let sumY = 0;
  let wxMin = Infinity;
  let wxMax = -Infinity;
  let wyMin = Infinity;
  let wyMax = -Infinity;
  let u = 0;
  for (let k = 0; k < xs.length; k++) {
    const x = xs[k];
    const z = (x - xMin) * zScale - 1;
    const y = ys[k] * yFactor - yShift;
    if (unwanted !== undefined && unwanted[k] !== 0) {
      chebyshevInto(z, degree, unwantedDesign, u * size);
      unwantedY[u] = y;
      unwantedPositions[u] = k;
      u++;
      continue;
    }
    let t0 = 1;
    let t1 = z;
    moments[0] += 1;
    moments[1] += z;
    b[0] += y;
    b[1] += z * y;
    for (let m = 2; m <= top; m++) {
      const t = 2 * z * t1 - t0;
      moments[m] += t;
      if (m <= degree) b[m] += t * y;
      t0 = t1;
      t1 = t;
    }
    c += y * y;
    sumY += y;
    if (x < wxMin) wxMin = x;
    if (x > wxMax) wxMax = x;
    if (ys[k] < wyMin) wyMin = ys[k];
    if (ys[k] > wyMax) wyMax = ys[k];
  }
  const G = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) G[i * size + j] = (moments[i + j] + moments[Math.abs(i - j)]) / 2;
  }
  const wanted: Gram = { size, G, b, c, sumY, n: xs.length - u };
  const wantedRange = { xMin: wxMin, xMax: wxMax, yMin: wyMin, yMax: wyMax };
  return { wanted, unwantedDesign, unwantedY, unwantedPositions, wantedRange };
}

/** The Gram accumulation of rows already held as a design block (n × size, row-major). */
export function gramOfDesign(design: Float64Array, ys: Float64Array, size: number): Gram {
  const gram = emptyGram(size);
  for (let r = 0; r < ys.length; r++) {
    accumulateRow(gram.G, gram.b, size, design, r * size, ys[r]);
    gram.c += ys[r] * ys[r];
    gram.sumY += ys[r];
  }
  gram.n = ys.length;
  mirrorUpper(gram);
  return gram;
}

/** SS_res = θᵀGθ − 2θᵀb + c: the squared residuals of the Gram's rows without revisiting them. */
export function residualSumOfSquares(gram: Gram, theta: ArrayLike<number>): number {
  const { size, G, b } = gram;
  let quad = 0;
  let lin = 0;
  for (let i = 0; i < size; i++) {
    let gi = 0;
    for (let j = 0; j < size; j++) gi += G[i * size + j] * theta[j];
    quad += theta[i] * gi;
    lin += theta[i] * b[i];
  }
  // Cancellation can leave a tiny negative number for a near-perfect fit.
  return Math.max(0, quad - 2 * lin + gram.c);
}

/** SS_tot = Σ(y − ȳ)² from c and Σy, guarded against round-off below zero. */
export function totalSumOfSquares(gram: Gram): number {
  if (gram.n === 0) return 0;
  return Math.max(0, gram.c - (gram.sumY * gram.sumY) / gram.n);
}

/** The upper triangle, mirrored: ml-matrix's Cholesky demands exact symmetry, which round-off can break. */
function symmetricMatrix(values: Float64Array, size: number): Matrix {
  const m = new Matrix(size, size);
  for (let i = 0; i < size; i++) {
    for (let j = i; j < size; j++) {
      m.set(i, j, values[i * size + j]);
      m.set(j, i, values[i * size + j]);
    }
  }
  return m;
}

function fromColumn(m: Matrix): Float64Array {
  return Float64Array.from(m.getColumn(0));
}

/** Cholesky solve, or undefined when the matrix is not (comfortably) positive definite. */
function choleskySolve(a: Matrix, rhs: Matrix): Float64Array | undefined {
  const chol = new CholeskyDecomposition(a);
  if (!chol.isPositiveDefinite()) return undefined;
  const L = chol.lowerTriangularMatrix;
  let minPivot = Infinity;
  let maxPivot = 0;
  for (let i = 0; i < a.rows; i++) {
    const pivot = L.get(i, i) ** 2;
    minPivot = Math.min(minPivot, pivot);
    maxPivot = Math.max(maxPivot, pivot);
  }
  if (!(minPivot > SUSPICIOUS_PIVOT_RATIO * maxPivot)) return undefined;
  const x = fromColumn(chol.solve(rhs));
  return x.every(Number.isFinite) ? x : undefined;
}

/**
 * Solves the symmetric positive (semi)definite system M·x = rhs (M is size×size, row-major).
 * Cholesky first; the SVD when that fails or looks badly conditioned. A singular system is
 * an UnlearnError naming `rows` (e.g. "the wanted rows") rather than garbage coefficients.
 */
export function solveSymmetric(M: Float64Array, rhs: Float64Array, size: number, rows: string): Float64Array {
  if (!M.every(Number.isFinite) || !rhs.every(Number.isFinite)) {
    throw new UnlearnError(
      `${rows} cannot determine a degree-${size - 1} curve: the values are too large or too small to compute with ` +
        `(the normal equations overflowed); rescale x or y (other units) or remove the extreme rows`,
    );
  }
  const a = symmetricMatrix(M, size);
  const b = Matrix.columnVector(Array.from(rhs));
  let svd: SingularValueDecomposition;
  try {
    // ml-matrix reports numeric trouble as exceptions ("Matrix is not symmetric", ...): say it about the data.
    const fast = choleskySolve(a, b);
    if (fast) return fast;
    svd = new SingularValueDecomposition(a, { autoTranspose: true });
  } catch (error) {
    throw new UnlearnError(
      `${rows} cannot determine a degree-${size - 1} curve: the fit could not be solved (${(error as Error).message}); ` +
        `x or y may span too many orders of magnitude (try a lower degree, or rescale x or y)`,
    );
  }
  const singular = svd.diagonal;
  const largest = Math.max(...singular);
  const ratio = largest > 0 ? Math.min(...singular) / largest : 0;
  if (!(ratio >= SINGULAR_RATIO)) {
    throw new UnlearnError(
      `${rows} cannot determine a degree-${size - 1} curve: the fit is singular ` +
        `(smallest/largest singular value ${ratio.toExponential(1)}), e.g. too few distinct x values (try a lower degree)`,
    );
  }
  const solution = fromColumn(svd.solve(b));
  if (!solution.every(Number.isFinite)) {
    throw new UnlearnError(`${rows} cannot determine a degree-${size - 1} curve: the solution is not finite (try a lower degree, or rescale x or y)`);
  }
  return solution;
}

/** Least-squares coefficients for the Gram's rows: solves Gθ = b. */
export function fitGram(gram: Gram, rows: string): Float64Array {
  if (gram.n < gram.size) {
    throw new UnlearnError(
      `${rows} cannot determine a degree-${gram.size - 1} curve: ${gram.n} rows for ${gram.size} coefficients (try a lower degree)`,
    );
  }
  return solveSymmetric(gram.G, gram.b, gram.size, rows);
}

/** f_θ(x) by Clenshaw's recurrence (stable, no basis array needed). */
export function evaluate(theta: ArrayLike<number>, scaling: Scaling, x: number): number {
  const z = toZ(scaling, x);
  let b1 = 0;
  let b2 = 0;
  for (let k = theta.length - 1; k >= 1; k--) {
    const b0 = theta[k] + 2 * z * b1 - b2;
    b2 = b1;
    b1 = b0;
  }
  return theta[0] + z * b1 - b2;
}

export function evaluateMany(theta: ArrayLike<number>, scaling: Scaling, xs: ArrayLike<number>): Float64Array {
  const out = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = evaluate(theta, scaling, xs[i]);
  return out;
}

/**
 * `count` evenly spaced points from `from` to `to` inclusive (the chart and distance grids),
 * as weighted means of the ends so that `to − from` cannot overflow (x spanning ±1e308).
 */
export function linspace(from: number, to: number, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const t = count > 1 ? i / (count - 1) : 0;
    out[i] = from * (1 - t) + to * t;
  }
  return out;
}

export function toModelJson(theta: ArrayLike<number>, scaling: Scaling): PolynomialModelJson {
  return {
    basis: 'chebyshev',
    degree: theta.length - 1,
    xMin: scaling.xMin,
    xMax: scaling.xMax,
    coefficients: Array.from(theta),
  };
}
