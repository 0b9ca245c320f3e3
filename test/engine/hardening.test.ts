// Issue 8, the engine under hostile or extreme input: numbers at the edge of double precision,
// non-finite metrics, numeric-library errors. Numeric results are checked against a second
// computation on the same data in ordinary units.

import assert from 'node:assert/strict';
import { prepareAudit, runAudit, type AuditInput } from '../../src/engine/audit';
import { emseObjective, minimiseEmse } from '../../src/engine/emse';
import { UnlearnError } from '../../src/engine/errors';
import { scaleAndMean, solveSymmetric } from '../../src/engine/polynomial';
import { verdict } from '../../src/engine/verdict';
import type { AuditResult, AuditSettings, NumericXY } from '../../src/engine/types';
import { synthetic } from './synthetic';

const settings: AuditSettings = { x: 'x', y: 'y', degree: 3, sigma: 'auto', lambda: 1 };

function inputOf(xy: NumericXY, unwantedRows: number[], overrides: Partial<AuditSettings> = {}): AuditInput {
  return {
    path: 'edge.csv',
    format: 'csv',
    rows: xy.rowIndex.length,
    xy,
    lineOf: (i) => i + 2,
    unwantedRows,
    staleForgetEntries: 0,
    settings: { ...settings, ...overrides },
  };
}

/** The synthetic data with x and y mapped by the given functions. */
function mapped(fx: (x: number) => number, fy: (y: number) => number) {
  const data = synthetic({ seed: 7, wanted: 400, unwanted: 40, offset: 4 });
  const xy: NumericXY = { ...data.xy, xs: data.xy.xs.map(fx), ys: data.xy.ys.map(fy) };
  return { xy, unwantedRows: data.unwantedRows };
}

function close(a: number, b: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

/** The unit-free results of two audits of the same data in different units agree. */
function assertSameShape(scaled: AuditResult, plain: AuditResult, yFactor: number, distanceTolerance = 1e-7): void {
  for (const set of ['before', 'after', 'retrain'] as const) {
    for (const key of ['r2Wanted', 'expR2Unwanted', 'fairR2', 'forgetScore'] as const) {
      close(scaled[set][key], plain[set][key], 1e-9, `${set}.${key}`);
    }
    // An MSE in units of 1e-600 is below the smallest double: only compare it when representable.
    if (yFactor * yFactor > 0) close(scaled[set].mseWanted / (yFactor * yFactor), plain[set].mseWanted, 1e-9, `${set}.mseWanted`);
  }
  close(scaled.model.sigma / yFactor, plain.model.sigma, 1e-9, 'σ');
  close(scaled.diagnostics.distanceToRetrain, plain.diagnostics.distanceToRetrain, distanceTolerance, 'distance');
}

describe('hardening: numbers at the edge', () => {
  const plainData = mapped((x) => x, (y) => y);
  const plain = runAudit(inputOf(plainData.xy, plainData.unwantedRows));

  it('the y scale is a power of two at least max |y| (1 for zeros), and the mean never overflows', () => {
    const magnitudeScale = (values: number[]) => scaleAndMean(values).scale;
    assert.equal(magnitudeScale([0, 0]), 1);
    assert.equal(magnitudeScale([3, -5]), 8);
    assert.equal(magnitudeScale([1e160]), 2 ** Math.ceil(Math.log2(1e160)));
    assert.ok(Number.isFinite(magnitudeScale([Number.MAX_VALUE])));
    assert.ok(magnitudeScale([Number.MAX_VALUE]) >= Number.MAX_VALUE / 2);
    // The plain sum of these overflows; the mean of the scaled values does not.
    const { scale, mean } = scaleAndMean([Number.MAX_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE]);
    close(mean * scale, Number.MAX_VALUE / 3, 1e-15, 'mean');
  });

  it('y around 1e150 (squares near 1e300): the same unit-free metrics as in ordinary units', () => {
    const big = mapped((x) => x, (y) => y * 1e150);
    assertSameShape(runAudit(inputOf(big.xy, big.unwantedRows)), plain, 1e150);
  });

  it('y around 1e-300 (squares underflow): the same unit-free metrics as in ordinary units', () => {
    const tiny = mapped((x) => x, (y) => y * 1e-300);
    assertSameShape(runAudit(inputOf(tiny.xy, tiny.unwantedRows)), plain, 1e-300);
  });

  it('an explicit σ is honoured in the data\'s units whatever the scale', () => {
    const big = mapped((x) => x, (y) => y * 1e150);
    const fixedPlain = runAudit(inputOf(plainData.xy, plainData.unwantedRows, { sigma: 0.5 }));
    const fixedBig = runAudit(inputOf(big.xy, big.unwantedRows, { sigma: 0.5e150 }));
    assert.equal(fixedBig.model.sigma, 0.5e150);
    close(fixedBig.after.fairR2, fixedPlain.after.fairR2, 1e-9, 'after.fairR2');
  });

  it('x spanning ±1e307 and ±1.5e308 (x_max − x_min overflows): fits as on an ordinary x-range', () => {
    for (const factor of [2e306, 3e307]) {
      const wide = mapped((x) => (x - 5) * factor, (y) => y);
      const result = runAudit(inputOf(wide.xy, wide.unwantedRows));
      assertSameShape(result, plain, 1);
      assert.ok(result.models.after.coefficients.every(Number.isFinite));
    }
  });

  it('x on a range of subnormal numbers (2 / range overflows): fits as on an ordinary x-range', () => {
    // 5e-324 is the smallest double: x = k·5e-324 is exact, and so is the map to z.
    const grid = (fx: (k: number) => number) => {
      const xy = { ...plainData.xy, xs: plainData.xy.xs.map((_, i) => fx(i + 1)) };
      return runAudit(inputOf(xy, plainData.unwantedRows));
    };
    // The distance is measured on a grid of x values, which subnormal numbers resolve only to ~9 bits.
    assertSameShape(grid((k) => k * 5e-324), grid((k) => k), 1, 1e-3);
  });

  it('one y = 1e160 among ordinary rows: the audit refuses, naming the metric and why, instead of a NaN verdict', () => {
    const { xy, unwantedRows } = mapped((x) => x, (y) => y);
    xy.ys[3] = 1e160;
    assert.throws(
      () => runAudit(inputOf(xy, unwantedRows)),
      (e: unknown) =>
        e instanceof UnlearnError &&
        e.file === 'edge.csv' &&
        /MSE on wanted rows before unlearning is not a finite number \(Infinity\)/.test(e.message) &&
        /largest double/.test(e.message) &&
        /1\.00e\+160/.test(e.message),
    );
  });

  it('an extreme λ or σ gives finite results or a sentence about EMSE, never a wrong "singular fit" of the rows', () => {
    for (const overrides of [{ lambda: 1e300 }, { lambda: 1e30, sigma: 1e-3 }, { sigma: 1e-300 }, { sigma: 1e300 }] as Partial<AuditSettings>[]) {
      try {
        const result = runAudit(inputOf(plainData.xy, plainData.unwantedRows, overrides));
        assert.ok(Number.isFinite(result.after.fairR2) && result.models.after.coefficients.every(Number.isFinite), JSON.stringify(overrides));
      } catch (e) {
        assert.ok(e instanceof UnlearnError, `${JSON.stringify(overrides)}: ${e}`);
        assert.doesNotMatch(e.message, /wanted rows cannot determine/, JSON.stringify(overrides));
        assert.match(e.message, /EMSE|not a finite number/, JSON.stringify(overrides));
      }
    }
  });

  it('the verdict never passes a gate on NaN', () => {
    const result: AuditResult = JSON.parse(JSON.stringify(plain));
    result.after.fairR2 = NaN;
    assert.equal(verdict(result, 0.5).ok, false);
    result.dataset.unwanted = 0;
    assert.equal(verdict(result, 0.5).ok, false);
  });

  it('numeric-library failures and overflowed systems become sentences about the rows', () => {
    const M = Float64Array.from([1, Infinity, Infinity, 1]);
    assert.throws(
      () => solveSymmetric(M, Float64Array.from([1, 1]), 2, 'the wanted rows'),
      (e: unknown) => e instanceof UnlearnError && /^the wanted rows cannot determine a degree-1 curve: the values are too large/.test(e.message),
    );
    const nan = Float64Array.from([1, NaN, NaN, 1]);
    assert.throws(() => solveSymmetric(nan, Float64Array.from([1, 1]), 2, 'the valid rows'), UnlearnError);
  });
});

describe('hardening: EMSE from two starts', () => {
  // Found by a search over seeds, λ, σ and degree: from θ₀ EMSE stops at an objective ~3× higher.
  const data = synthetic({ seed: 1, wanted: 200, unwanted: 60, offset: 0.5 });
  const input = inputOf(data.xy, data.unwantedRows, { degree: 6, sigma: 0.3, lambda: 100 });

  it('keeps the lower objective of the runs from θ₀ and θ_R, and says which start won', () => {
    const result = runAudit(input);
    const prepared = prepareAudit(input);
    const options = { sigma: prepared.sigma, lambda: 100 };
    const scale2 = prepared.yScale ** 2;
    // Second computation: each start minimised and evaluated on its own.
    const fromBefore = minimiseEmse(prepared.problem, prepared.thetaBefore, options);
    const fromRetrain = minimiseEmse(prepared.problem, prepared.thetaRetrain, options);
    assert.ok(fromRetrain.objective < 0.5 * fromBefore.objective, `${fromRetrain.objective} vs ${fromBefore.objective}`);
    assert.equal(result.after.start, 'retrain');
    close(result.after.objective, fromRetrain.objective * scale2, 1e-12, 'after.objective');
    close(result.diagnostics.emseStarts.before.objective, fromBefore.objective * scale2, 1e-12, 'before start');
    // The kept model's objective, recomputed from its real coefficients, is the reported one.
    const theta = Float64Array.from(result.models.after.coefficients, (c, k) => (c - (k === 0 ? prepared.yShift * prepared.yScale : 0)) / prepared.yScale);
    close(emseObjective(prepared.problem, theta, options) * scale2, result.after.objective, 1e-9, 'recomputed objective');
  });

  it('on a well-separated case both starts reach the same minimum, and the rule picks the lower', () => {
    const ordinary = synthetic({ seed: 1, wanted: 300, unwanted: 30, offset: 4 });
    const result = runAudit(inputOf(ordinary.xy, ordinary.unwantedRows));
    const { before, retrain } = result.diagnostics.emseStarts;
    close(before.objective, retrain.objective, 1e-9, 'same minimum');
    assert.equal(result.after.start, 'before', 'a tie keeps the method\'s start, θ₀');
    assert.equal(result.after.objective, before.objective);
  });
});
