import assert from 'node:assert/strict';
import type { EmseProblem } from '../../src/engine/emse';
import {
  distanceToRetrain,
  exponentialR2,
  fairR2,
  forgetScore,
  measureModel,
  overlapShare,
  recallProbabilities,
} from '../../src/engine/metrics';
import { splitPass } from '../../src/engine/polynomial';

function closeTo(actual: number, expected: number, what: string, tolerance = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);
}

/**
 * Wanted rows (0,1) (1,2) (2,4) (3,4), unwanted rows (2,5) (4,9); x-range [0, 4] so z = x/2 − 1.
 * θ = [3, 2] in the Chebyshev basis is f(x) = 3 + 2(x/2 − 1) = 1 + x.
 */
const scaling = { xMin: 0, xMax: 4 };
const xs = [0, 1, 2, 3, 2, 4];
const ys = [1, 2, 4, 4, 5, 9];
const pass = splitPass(xs, ys, scaling, 1, Uint8Array.from([0, 0, 0, 0, 1, 1]));
const problem: EmseProblem = { wanted: pass.wanted, unwantedDesign: pass.unwantedDesign, unwantedY: pass.unwantedY };
const theta = Float64Array.from([3, 2]);

describe('metrics', () => {
  it('computes R²_W, MSE, E_U, Fair R², recall and forget score on a hand-worked case', () => {
    // Wanted: f = 1,2,3,4 against y = 1,2,4,4 → residuals 0,0,1,0, SS_res = 1.
    // ȳ_W = 11/4; SS_tot = 1.75² + 0.75² + 1.25² + 1.25² = 6.75; R²_W = 1 − 1/6.75.
    // Unwanted: f = 3,5 against y = 5,9 → residuals 2,4, SS_res,U = 20; ȳ_U = 7, SS_tot,U = 8.
    // σ = 1: floor n_U·σ² = 2 < 8, so E_U = 1 − e^(−20/8).
    const m = measureModel(problem, theta, 1);
    closeTo(m.r2Wanted, 1 - 1 / 6.75, 'R²_W');
    closeTo(m.mseWanted, 1 / 4, 'MSE_W');
    closeTo(m.expR2Unwanted, 1 - Math.exp(-2.5), 'E_U');
    assert.equal(m.expR2DenominatorFloored, false);
    closeTo(m.fairR2, (1 - 1 / 6.75) * (1 - Math.exp(-2.5)), 'Fair R²');
    assert.deepEqual(Array.from(m.unwantedResiduals), [2, 4]);
    // p = e^(−r²/2σ²): e^−2 and e^−8; F = 1 − their mean.
    closeTo(m.recalls[0], Math.exp(-2), 'p_1');
    closeTo(m.recalls[1], Math.exp(-8), 'p_2');
    closeTo(m.forgetScore, 1 - (Math.exp(-2) + Math.exp(-8)) / 2, 'F');
  });

  it('floors the E_U denominator at n_U·σ² and says so', () => {
    // σ = 3: n_U·σ² = 18 > SS_tot,U = 8, so E_U = 1 − e^(−20/18).
    const m = measureModel(problem, theta, 3);
    assert.equal(m.expR2DenominatorFloored, true);
    closeTo(m.expR2Unwanted, 1 - Math.exp(-20 / 18), 'E_U floored');
    // A single unwanted row has SS_tot,U = 0: always floored.
    assert.deepEqual(exponentialR2(4, 0, 1, 2), { value: 1 - Math.exp(-1), floored: true });
  });

  it('gives the documented values without unwanted rows', () => {
    assert.deepEqual(exponentialR2(0, 0, 0, 1), { value: 1, floored: false });
    assert.equal(forgetScore(new Float64Array(0)), 1);
    assert.equal(overlapShare([], 1), 0);
  });

  it('clamps R²_W into [0, 1] inside Fair R²', () => {
    assert.equal(fairR2(-0.5, 0.9), 0);
    assert.equal(fairR2(1.2, 0.5), 0.5);
    closeTo(fairR2(0.8, 0.5), 0.4, 'Fair R²');
  });

  it('counts unwanted rows within 2σ_R of the retrained curve', () => {
    // 2σ_R = 3: |2| is inside, |4| and |−3.5| are not, |−3| is on the edge (inside).
    assert.equal(overlapShare([2, 4, -3.5, -3], 1.5), 0.5);
    assert.deepEqual(Array.from(recallProbabilities([0, 2], 2)), [1, Math.exp(-0.5)]);
  });

  it('measures the distance to retraining on a grid over the wanted x-range', () => {
    // A constant gap of 0.5 between the curves, std(y_W) = 2 → 0.25.
    closeTo(distanceToRetrain([3, 2], [2.5, 2], scaling, { xMin: 0, xMax: 4 }, 2), 0.25, 'constant gap');
    // A gap of z itself over 200 evenly spaced z in [−1, 1]: mean z² = (n+1)/(3(n−1)) = 201/597.
    closeTo(distanceToRetrain([0, 1], [0, 0], scaling, { xMin: 0, xMax: 4 }, 1), Math.sqrt(201 / 597), 'linear gap');
    // Only the wanted x-range counts: over x ∈ [2, 4], z_i = i/(n−1) and mean z² = (2n−1)/(6(n−1)) = 399/1194.
    closeTo(distanceToRetrain([0, 1], [0, 0], scaling, { xMin: 2, xMax: 4 }, 1), Math.sqrt(399 / 1194), 'half range');
    assert.equal(distanceToRetrain([1, 2], [1, 2], scaling, { xMin: 0, xMax: 4 }, 1), 0);
  });
});
