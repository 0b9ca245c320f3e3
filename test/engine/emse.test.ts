import assert from 'node:assert/strict';
import { emseGradient, emseObjective, minimiseEmse, type EmseOptions, type EmseProblem } from '../../src/engine/emse';
import { CancelledError } from '../../src/engine/errors';
import { addGrams, fitGram, gramOfDesign, scalingOf, splitPass } from '../../src/engine/polynomial';
import type { EmseVariant } from '../../src/engine/types';
import { seededRandom } from './random';
import { synthetic } from './synthetic';

function problemOf(seed: number, wanted: number, unwanted: number, degree = 3): EmseProblem {
  const { xy, mask } = synthetic({ seed, wanted, unwanted });
  const pass = splitPass(xy.xs, xy.ys, scalingOf(xy.xs), degree, mask);
  return { wanted: pass.wanted, unwantedDesign: pass.unwantedDesign, unwantedY: pass.unwantedY };
}

/** θ₀: least squares on every row, the starting point of unlearning. */
function learned(problem: EmseProblem): Float64Array {
  const unwanted = gramOfDesign(problem.unwantedDesign, problem.unwantedY, problem.wanted.size);
  return fitGram(addGrams(problem.wanted, unwanted), 'all rows');
}

const variants: EmseVariant[] = ['kernel', 'log'];

describe('emse', () => {
  for (const variant of variants) {
    it(`has the analytic gradient of its objective (${variant}, central differences)`, () => {
      const problem = problemOf(5, 150, 40);
      const uniform = seededRandom(99);
      const options: EmseOptions = { sigma: 0.8, lambda: 1.5, variant };
      const start = learned(problem);
      for (let trial = 0; trial < 5; trial++) {
        const theta = start.map((v) => v + (uniform() - 0.5) * 2);
        const gradient = emseGradient(problem, theta, options);
        for (let k = 0; k < theta.length; k++) {
          const h = 1e-5;
          const plus = Float64Array.from(theta);
          const minus = Float64Array.from(theta);
          plus[k] += h;
          minus[k] -= h;
          const numeric = (emseObjective(problem, plus, options) - emseObjective(problem, minus, options)) / (2 * h);
          assert.ok(
            Math.abs(numeric - gradient[k]) <= 1e-6 * Math.max(1, Math.abs(numeric)),
            `∂/∂θ${k}: analytic ${gradient[k]} vs numeric ${numeric}`,
          );
        }
      }
    });

    it(`lowers the objective at every iteration and converges (${variant})`, () => {
      const problem = problemOf(8, 300, 120);
      const start = learned(problem);
      const options: EmseOptions = { sigma: 0.5, lambda: 1, variant };
      const objectives = [emseObjective(problem, start, options)];
      const solution = minimiseEmse(problem, start, options, { onProgress: (p) => objectives.push(p.objective) });
      assert.equal(solution.converged, true);
      assert.equal(objectives.length, solution.iterations + 1, 'one progress report per iteration');
      assert.ok(solution.iterations >= 1);
      for (let i = 1; i < objectives.length; i++) assert.ok(objectives[i] <= objectives[i - 1], `iteration ${i} raised the objective`);
      assert.ok(solution.objective < objectives[0]);
    });
  }

  it('equals retraining with no unwanted rows, in one Newton step', () => {
    const problem = problemOf(2, 200, 0);
    const retrain = fitGram(problem.wanted, 'the wanted rows');
    const start = retrain.map((v, k) => v + (k + 1) * 0.7);
    const solution = minimiseEmse(problem, start, { sigma: 1, lambda: 1 });
    assert.equal(solution.converged, true);
    assert.equal(solution.iterations, 1);
    solution.theta.forEach((v, k) => assert.ok(Math.abs(v - retrain[k]) < 1e-9, `θ${k}: ${v} vs ${retrain[k]}`));
  });

  it('equals retraining with λ = 0', () => {
    const problem = problemOf(4, 200, 50);
    const retrain = fitGram(problem.wanted, 'the wanted rows');
    const solution = minimiseEmse(problem, learned(problem), { sigma: 1, lambda: 0 });
    solution.theta.forEach((v, k) => assert.ok(Math.abs(v - retrain[k]) < 1e-9));
  });

  it('stops with CancelledError when cancelled', () => {
    const problem = problemOf(6, 200, 50);
    let checks = 0;
    assert.throws(
      () => minimiseEmse(problem, learned(problem), { sigma: 0.5, lambda: 1 }, { isCancelled: () => ++checks > 1 }),
      CancelledError,
    );
    assert.equal(checks, 2, 'checked once per iteration');
  });

  it('reports not converged when the iteration cap is hit', () => {
    const problem = problemOf(8, 300, 120);
    const solution = minimiseEmse(problem, learned(problem), { sigma: 0.5, lambda: 1, maxIterations: 1 });
    assert.equal(solution.iterations, 1);
    assert.equal(solution.converged, false);
  });
});
