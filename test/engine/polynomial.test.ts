import assert from 'node:assert/strict';
import { Matrix, solve } from 'ml-matrix';
import { UnlearnError } from '../../src/engine/errors';
import {
  addGrams,
  chebyshevInto,
  evaluate,
  evaluateMany,
  fitGram,
  residualSumOfSquares,
  scalingOf,
  splitPass,
  subtractGrams,
  toZ,
  totalSumOfSquares,
  checkDegree,
} from '../../src/engine/polynomial';
import { seededGaussian, seededRandom } from './random';

function closeTo(actual: number, expected: number, tolerance: number, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what} ${actual} is not within ${tolerance} of ${expected}`);
}

/** Least squares on the full monomial design matrix [1, x, x², …], solved independently by ml-matrix. */
function monomialFit(xs: number[], ys: number[], degree: number): (x: number) => number {
  const A = new Matrix(xs.map((x) => Array.from({ length: degree + 1 }, (_, k) => x ** k)));
  const coefficients = solve(A, Matrix.columnVector(ys), true).getColumn(0);
  return (x) => coefficients.reduce((sum, c, k) => sum + c * x ** k, 0);
}

describe('polynomial', () => {
  it('computes Chebyshev T_0..T_5 equal to their closed forms', () => {
    const direct = [
      () => 1,
      (z: number) => z,
      (z: number) => 2 * z ** 2 - 1,
      (z: number) => 4 * z ** 3 - 3 * z,
      (z: number) => 8 * z ** 4 - 8 * z ** 2 + 1,
      (z: number) => 16 * z ** 5 - 20 * z ** 3 + 5 * z,
    ];
    const out = new Float64Array(6);
    for (const z of [-1, -0.7, 0, 0.3, 0.99, 1]) {
      chebyshevInto(z, 5, out);
      direct.forEach((f, k) => closeTo(out[k], f(z), 1e-14, `T_${k}(${z})`));
      // T_k(cos t) = cos(k t) checks the recurrence well beyond the closed forms above.
      const t = Math.acos(z);
      const wide = new Float64Array(13);
      chebyshevInto(z, 12, wide);
      wide.forEach((v, k) => closeTo(v, Math.cos(k * t), 1e-12, `T_${k}`));
    }
  });

  it('maps the x-range onto z ∈ [−1, 1]', () => {
    const scaling = scalingOf(Float64Array.from([3, 7, 5]));
    assert.deepEqual(scaling, { xMin: 3, xMax: 7 });
    assert.equal(toZ(scaling, 3), -1);
    assert.equal(toZ(scaling, 5), 0);
    assert.equal(toZ(scaling, 7), 1);
  });

  it('recovers an exact cubic and evaluates it anywhere', () => {
    const cubic = (x: number) => 2 - 0.5 * x + 0.25 * x ** 2 - 0.03 * x ** 3;
    const xs = Float64Array.from({ length: 30 }, (_, i) => i / 3);
    const ys = xs.map(cubic);
    const scaling = scalingOf(xs);
    const { wanted } = splitPass(xs, ys, scaling, 3);
    const theta = fitGram(wanted, 'the rows');
    for (const x of [0, 1.234, 5, 9.5, 9.666]) closeTo(evaluate(theta, scaling, x), cubic(x), 1e-10, `f(${x})`);
    // SS_res comes from θᵀGθ − 2θᵀb + c, exact to about 1e-16·c (c = Σy² ≈ 300 here).
    closeTo(residualSumOfSquares(wanted, theta), 0, 1e-12, 'SS_res');
    const grid = [0.5, 2, 8];
    assert.deepEqual(Array.from(evaluateMany(theta, scaling, grid)), grid.map((x) => evaluate(theta, scaling, x)));
  });

  it('stays well conditioned at degree 12 (recovers Chebyshev coefficients)', () => {
    const xs = Float64Array.from({ length: 2000 }, (_, i) => 100 + i / 10); // x far from 0, as with dates
    const scaling = scalingOf(xs);
    const t = new Float64Array(13);
    const ys = xs.map((x) => {
      chebyshevInto(toZ(scaling, x), 12, t);
      return 3 + t[12] + 0.5 * t[7];
    });
    const theta = fitGram(splitPass(xs, ys, scaling, 12).wanted, 'the rows');
    const expected = [3, 0, 0, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 1];
    theta.forEach((v, k) => closeTo(v, expected[k], 1e-9, `θ${k}`));
  });

  it('fits the same values as an independent monomial least squares on noisy data', () => {
    const uniform = seededRandom(7);
    const noise = seededGaussian(uniform);
    const xs = Array.from({ length: 400 }, () => 10 * uniform());
    const ys = xs.map((x) => Math.sin(x) + 0.2 * noise());
    for (const degree of [1, 3, 5]) {
      const scaling = scalingOf(xs);
      const theta = fitGram(splitPass(xs, ys, scaling, degree).wanted, 'the rows');
      const reference = monomialFit(xs, ys, degree);
      for (const x of [0.1, 2.5, 5, 7.5, 9.9]) closeTo(evaluate(theta, scaling, x), reference(x), 1e-8, `degree ${degree} at ${x}`);
    }
  });

  it('accumulates SS_res and SS_tot that match direct sums', () => {
    const uniform = seededRandom(3);
    const xs = Array.from({ length: 50 }, () => uniform() * 4 - 2);
    const ys = xs.map((x) => 1 + x + uniform());
    const scaling = scalingOf(xs);
    const { wanted } = splitPass(xs, ys, scaling, 2);
    const theta = Float64Array.from([0.3, -1.2, 0.7]);
    const direct = xs.reduce((sum, x, i) => sum + (ys[i] - evaluate(theta, scaling, x)) ** 2, 0);
    closeTo(residualSumOfSquares(wanted, theta), direct, 1e-9 * direct, 'SS_res');
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    const ssTot = ys.reduce((sum, y) => sum + (y - mean) ** 2, 0);
    closeTo(totalSumOfSquares(wanted), ssTot, 1e-9 * ssTot, 'SS_tot');
  });

  it('splits rows in one pass so that G_W + G_U = G_all', () => {
    const uniform = seededRandom(11);
    const xs = Array.from({ length: 100 }, () => uniform());
    const ys = xs.map((x) => x * x + uniform());
    const mask = Uint8Array.from(xs, (_, i) => (i % 7 === 0 ? 1 : 0));
    const scaling = scalingOf(xs);
    const all = splitPass(xs, ys, scaling, 4).wanted;
    const split = splitPass(xs, ys, scaling, 4, mask);
    assert.equal(split.unwantedY.length, 15);
    assert.deepEqual(Array.from(split.unwantedPositions.slice(0, 3)), [0, 7, 14]);
    const unwantedOnly = splitPass(
      Array.from(split.unwantedPositions, (k) => xs[k]),
      Array.from(split.unwantedPositions, (k) => ys[k]),
      scaling,
      4,
    ).wanted;
    const sum = addGrams(split.wanted, unwantedOnly);
    sum.G.forEach((v, i) => closeTo(v, all.G[i], 1e-12 * Math.abs(all.G[i]) + 1e-12, `G[${i}]`));
    closeTo(sum.c, all.c, 1e-12 * all.c);
    assert.equal(sum.n, all.n);
    const back = subtractGrams(all, unwantedOnly);
    back.b.forEach((v, i) => closeTo(v, split.wanted.b[i], 1e-10));
    // The matrix is symmetric after the upper-triangle accumulation.
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) assert.equal(split.wanted.G[i * 5 + j], split.wanted.G[j * 5 + i]);
  });

  it('refuses a constant x, a bad degree and a singular fit', () => {
    assert.throws(() => scalingOf([2, 2, 2]), (e: unknown) => e instanceof UnlearnError && /x is constant/.test(e.message));
    for (const bad of [0, 13, 2.5, NaN]) assert.throws(() => checkDegree(bad), UnlearnError);
    // Three distinct x values cannot determine a cubic, however many rows repeat them.
    const xs = Array.from({ length: 30 }, (_, i) => i % 3);
    const ys = xs.map((x) => x * 2);
    const gram = splitPass(xs, ys, scalingOf(xs), 3).wanted;
    assert.throws(
      () => fitGram(gram, 'the wanted rows'),
      (e: unknown) => e instanceof UnlearnError && /the wanted rows cannot determine a degree-3 curve/.test(e.message) && /lower degree/.test(e.message),
    );
    const few = splitPass([0, 1], [1, 2], scalingOf([0, 1]), 2).wanted;
    assert.throws(() => fitGram(few, 'the wanted rows'), /2 rows for 3 coefficients/);
  });
});
