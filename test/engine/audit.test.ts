import assert from 'node:assert/strict';
import { Matrix, solve } from 'ml-matrix';
import { auditDataset, defaultSweepSigmas, runAudit, sigmaSweep, type AuditInput } from '../../src/engine/audit';
import { parseCsv } from '../../src/engine/csv';
import { UnlearnError } from '../../src/engine/errors';
import { evaluate } from '../../src/engine/polynomial';
import type { AuditResult, AuditSettings, NumericXY } from '../../src/engine/types';
import { synthetic, type SyntheticOptions } from './synthetic';

const settings: AuditSettings = { x: 'x', y: 'y', degree: 3, sigma: 'auto', lambda: 1 };

function inputOf(xy: NumericXY, unwantedRows: number[], overrides: Partial<AuditSettings> = {}): AuditInput {
  return {
    path: 'synthetic.csv',
    format: 'csv',
    rows: xy.rowIndex.length + xy.skippedCount,
    xy,
    // Pretend a header line and one line per row, so line = rowIndex + 2.
    lineOf: (i) => i + 2,
    unwantedRows,
    staleForgetEntries: 0,
    settings: { ...settings, ...overrides },
  };
}

function syntheticAudit(options: SyntheticOptions, overrides: Partial<AuditSettings> = {}): AuditResult {
  const { xy, unwantedRows } = synthetic(options);
  return runAudit(inputOf(xy, unwantedRows, overrides));
}

/** Least squares on the monomial design matrix, solved by ml-matrix: an independent reference. */
function monomialFit(xs: number[], ys: number[], degree: number): (x: number) => number {
  const A = new Matrix(xs.map((x) => Array.from({ length: degree + 1 }, (_, k) => x ** k)));
  const c = solve(A, Matrix.columnVector(ys), true).getColumn(0);
  return (x) => c.reduce((sum, ck, k) => sum + ck * x ** k, 0);
}

function xyOf(points: Array<[number, number]>): NumericXY {
  return {
    xs: Float64Array.from(points, (p) => p[0]),
    ys: Float64Array.from(points, (p) => p[1]),
    rowIndex: Int32Array.from(points, (_, i) => i),
    skippedCount: 0,
    skipped: [],
  };
}

function rejects(input: AuditInput, pattern: RegExp): void {
  assert.throws(() => runAudit(input), (e: unknown) => e instanceof UnlearnError && pattern.test(e.message));
}

describe('audit', () => {
  describe('on a paper-shaped dataset (offset cluster of unwanted rows)', () => {
    const data = synthetic({ seed: 1, wanted: 800, unwanted: 200, offset: 4 });
    const result = runAudit(inputOf(data.xy, data.unwantedRows));

    it('jumps R²_W from poor to near-perfect, close to retraining', () => {
      assert.ok(result.before.r2Wanted < 0.7, `before ${result.before.r2Wanted}`);
      assert.ok(result.after.r2Wanted > 0.95, `after ${result.after.r2Wanted}`);
      assert.ok(result.retrain.r2Wanted > 0.95, `retrain ${result.retrain.r2Wanted}`);
      assert.ok(result.diagnostics.distanceToRetrain < 0.05, `distance ${result.diagnostics.distanceToRetrain}`);
      assert.equal(result.after.converged, true);
      assert.ok(result.after.fairR2 > result.before.fairR2 + 0.3);
      assert.ok(result.after.forgetScore > result.before.forgetScore);
      assert.equal(result.diagnostics.independenceDoubtful, false);
      assert.ok(!result.diagnostics.warnings.some((w) => /overlap|did not converge|skipped/.test(w)), result.diagnostics.warnings.join('\n'));
    });

    it('fits θ₀ and θ_R that match an independent monomial least squares', () => {
      const wanted = Array.from(data.xy.xs.keys()).filter((k) => !data.mask[k]);
      const retrain = monomialFit(wanted.map((k) => data.xy.xs[k]), wanted.map((k) => data.xy.ys[k]), 3);
      const before = monomialFit(Array.from(data.xy.xs), Array.from(data.xy.ys), 3);
      result.curve.x.forEach((x, i) => {
        assert.ok(Math.abs(result.curve.retrain[i] - retrain(x)) < 1e-8, `retrain at ${x}`);
        assert.ok(Math.abs(result.curve.before[i] - before(x)) < 1e-8, `before at ${x}`);
      });
      const { retrain: model } = result.models;
      const scaling = { xMin: model.xMin, xMax: model.xMax };
      assert.ok(Math.abs(evaluate(model.coefficients, scaling, 4.2) - retrain(4.2)) < 1e-8, 'the model JSON is the curve');
    });

    it('fills every key with a finite value and counts rows', () => {
      assert.ok(!JSON.stringify(result).includes('null'), 'no NaN/undefined became null');
      assert.deepEqual(result.dataset, {
        path: 'synthetic.csv',
        format: 'csv',
        rows: 1000,
        valid: 1000,
        skipped: 0,
        wanted: 800,
        unwanted: 200,
        staleForgetEntries: 0,
      });
      assert.equal(result.curve.x.length, 200);
      assert.equal(result.curve.x[0], Math.min(...data.xy.xs));
      assert.equal(result.curve.x[199], Math.max(...data.xy.xs));
      assert.equal(result.models.after.coefficients.length, 4);
    });

    it('gives sorted row evidence with lines and recall before/after/retrain', () => {
      const rows = result.unwantedRows.map((r) => r.row);
      assert.deepEqual(rows, data.unwantedRows.map((i) => i + 1));
      const first = result.unwantedRows[0];
      const k = data.unwantedRows[0];
      assert.equal(first.line, k + 2);
      assert.equal(first.x, data.xy.xs[k]);
      const rAfter = first.y - evaluate(result.models.after.coefficients, result.models.after, first.x);
      assert.ok(Math.abs(first.recallAfter - Math.exp(-(rAfter ** 2) / (2 * result.model.sigma ** 2))) < 1e-9);
      assert.ok(first.recallBefore > first.recallAfter);
    });

    it('sets σ auto to the RMS residual of θ₀ on the wanted rows', () => {
      const wanted = Array.from(data.xy.xs.keys()).filter((k) => !data.mask[k]);
      const before = result.models.before;
      const ss = wanted.reduce((sum, k) => sum + (data.xy.ys[k] - evaluate(before.coefficients, before, data.xy.xs[k])) ** 2, 0);
      assert.ok(Math.abs(result.model.sigma - Math.sqrt(ss / wanted.length)) < 1e-9);
      assert.equal(result.model.sigmaAuto, true);
      const fixed = runAudit(inputOf(data.xy, data.unwantedRows, { sigma: 0.7 }));
      assert.equal(fixed.model.sigma, 0.7);
      assert.equal(fixed.model.sigmaAuto, false);
    });

    it('sweeps σ with the same results as a run at that σ', () => {
      const sigmas = defaultSweepSigmas(result.model.sigma);
      assert.equal(sigmas.length, 9);
      assert.ok(Math.abs(sigmas[0] - result.model.sigma / 8) < 1e-12 && Math.abs(sigmas[8] - 8 * result.model.sigma) < 1e-9);
      for (let i = 1; i < 9; i++) assert.ok(Math.abs(sigmas[i] / sigmas[i - 1] - 2 ** 0.75) < 1e-12, 'log-spaced');
      const sweep = sigmaSweep(inputOf(data.xy, data.unwantedRows), [sigmas[4], 2]);
      assert.equal(sweep[0].sigma, result.model.sigma);
      assert.ok(Math.abs(sweep[0].fairR2 - result.after.fairR2) < 1e-12);
      assert.ok(Math.abs(sweep[0].r2Wanted - result.after.r2Wanted) < 1e-12);
      const at2 = runAudit(inputOf(data.xy, data.unwantedRows, { sigma: 2 }));
      assert.ok(Math.abs(sweep[1].expR2Unwanted - at2.after.expR2Unwanted) < 1e-12);
    });

    it('unlearns with the log variant too', () => {
      const log = runAudit(inputOf(data.xy, data.unwantedRows, { variant: 'log' }));
      assert.equal(log.model.variant, 'log');
      assert.ok(log.after.r2Wanted > 0.95, `log after ${log.after.r2Wanted}`);
    });
  });

  it('keeps its precision when y sits far from zero', () => {
    const data = synthetic({ seed: 9, wanted: 400, unwanted: 50 });
    const near = runAudit(inputOf(data.xy, data.unwantedRows));
    const far = runAudit(inputOf({ ...data.xy, ys: data.xy.ys.map((y) => y + 1e7) }, data.unwantedRows));
    assert.ok(Math.abs(far.retrain.r2Wanted - near.retrain.r2Wanted) < 1e-6);
    assert.ok(Math.abs(far.after.r2Wanted - near.after.r2Wanted) < 1e-6);
    far.curve.retrain.forEach((v, i) => assert.ok(Math.abs(v - 1e7 - near.curve.retrain[i]) < 1e-6));
  });

  it('warns about overlap when the unwanted rows sit on the wanted curve', () => {
    const result = syntheticAudit({ seed: 2, wanted: 500, unwanted: 100, placement: 'onCurve' });
    assert.ok(result.diagnostics.overlapShare > 0.8, `share ${result.diagnostics.overlapShare}`);
    assert.equal(result.diagnostics.independenceDoubtful, true);
    const inside = Math.round(result.diagnostics.overlapShare * 100);
    assert.ok(
      result.diagnostics.warnings.includes(
        `${inside} of 100 unwanted rows lie within 2σ of the retrained curve: wanted and unwanted rows overlap, so no model can forget them without losing wanted accuracy, and Fair R²'s independence assumption is doubtful.`,
      ),
      result.diagnostics.warnings.join('\n'),
    );
  });

  it('equals retraining with no unwanted rows, and says so', () => {
    const result = syntheticAudit({ seed: 3, wanted: 300, unwanted: 0 });
    assert.ok(Math.abs(result.after.r2Wanted - result.retrain.r2Wanted) < 1e-12);
    assert.ok(result.diagnostics.distanceToRetrain < 1e-9);
    assert.equal(result.after.expR2Unwanted, 1);
    assert.equal(result.after.forgetScore, 1);
    assert.equal(result.diagnostics.overlapShare, 0);
    assert.deepEqual(result.unwantedRows, []);
    assert.ok(result.diagnostics.warnings.includes('No unwanted rows: unlearning equals retraining.'));
  });

  it('floors the Exponential R² denominator for a single unwanted row and warns', () => {
    const data = synthetic({ seed: 4, wanted: 200, unwanted: 0 });
    const result = runAudit(inputOf(data.xy, [17]));
    assert.equal(result.dataset.unwanted, 1);
    assert.equal(result.diagnostics.expR2DenominatorFloored, true);
    assert.ok(result.diagnostics.warnings.some((w) => /n_U·σ² was used as the denominator/.test(w)));
  });

  it('leaves out unwanted rows without valid x/y and reports skipped and stale', () => {
    // Rows 0..9 with rows 3 and 6 skipped (no numeric y).
    const valid = [0, 1, 2, 4, 5, 7, 8, 9];
    const xy: NumericXY = {
      xs: Float64Array.from(valid, (i) => i),
      ys: Float64Array.from(valid, (i) => 1 + 2 * i + (i % 2) * 0.3),
      rowIndex: Int32Array.from(valid),
      skippedCount: 2,
      skipped: [
        { row: 4, line: 5, message: "y is not a number: 'n/a'" },
        { row: 7, line: 8, message: "y is empty" },
      ],
    };
    const result = runAudit({ ...inputOf(xy, [3, 6, 9], { degree: 1 }), staleForgetEntries: 1 });
    assert.equal(result.dataset.unwanted, 1);
    assert.equal(result.dataset.skipped, 2);
    assert.deepEqual(result.skippedRows, xy.skipped);
    assert.deepEqual(result.unwantedRows.map((r) => r.row), [10]);
    const w = result.diagnostics.warnings;
    assert.ok(w.includes('2 unwanted rows have no valid x/y and were left out.'), w.join('\n'));
    assert.ok(w.includes('2 rows were skipped: x or y is missing or not a number.'), w.join('\n'));
    assert.ok(w.includes('1 forget-list entry matches no row of the dataset (stale).'), w.join('\n'));
  });

  it('falls back to a small σ when θ₀ fits the wanted rows exactly', () => {
    const xy = xyOf(Array.from({ length: 20 }, (_, i) => [i, 3 - i + 0.1 * i * i] as [number, number]));
    const result = runAudit(inputOf(xy, [], { degree: 2 }));
    assert.ok(result.model.sigma > 0);
    assert.ok(result.diagnostics.warnings.some((w) => /σ 'auto' would be 0/.test(w)));
    assert.ok(!JSON.stringify(result).includes('null'));
  });

  describe('refuses unfit input with a clear UnlearnError', () => {
    const line: Array<[number, number]> = [[0, 1], [1, 3], [2, 2], [3, 5], [4, 4], [5, 7]];
    it('no valid rows', () => rejects(inputOf(xyOf([]), []), /no valid rows/));
    it('constant x', () => rejects(inputOf(xyOf([[2, 1], [2, 3], [2, 5]]), []), /x is constant/));
    it('every valid row unwanted', () => rejects(inputOf(xyOf(line), [0, 1, 2, 3, 4, 5]), /every valid row is unwanted/));
    it('fewer wanted rows than degree + 1', () =>
      rejects(inputOf(xyOf(line), [0, 1, 2, 3]), /wanted rows cannot determine a degree-3 curve: 2 rows for 4 coefficients/));
    it('too few distinct x among the wanted rows', () =>
      rejects(inputOf(xyOf([[0, 1], [0, 2], [1, 3], [1, 1], [5, 9]]), [4], { degree: 2 }), /cannot determine a degree-2 curve.*lower degree/));
    it('zero variance in y over the wanted rows', () =>
      rejects(inputOf(xyOf([[0, 4], [1, 4], [2, 4], [3, 9]]), [3], { degree: 1 }), /is 4 on every wanted row/));
    it('an invalid degree', () => rejects(inputOf(xyOf(line), [], { degree: 13 }), /degree must be a whole number from 1 to 12/));
    it('an invalid σ', () => rejects(inputOf(xyOf(line), [], { sigma: -1 }), /σ \(sigma\) must be a positive number/));
    it('an invalid λ', () => rejects(inputOf(xyOf(line), [], { lambda: NaN }), /λ \(lambda\) must be a number ≥ 0/));
  });

  it('audits a parsed dataset through extractXY', () => {
    const lines = ['id,x,y'];
    for (let i = 0; i < 30; i++) lines.push(`${i + 1},${i / 3},${(2 + i / 3 + (i % 5 === 0 ? 5 : 0) + 0.1 * Math.sin(i)).toFixed(4)}`);
    lines.push('31,11,oops');
    const ds = parseCsv(lines.join('\n'));
    const unwanted = [0, 5, 10, 15, 20, 25, 30];
    const result = auditDataset(ds, unwanted, { ...settings, degree: 1 }, { path: 'a.csv', staleForgetEntries: 0 });
    assert.equal(result.dataset.rows, 31);
    assert.equal(result.dataset.valid, 30);
    assert.equal(result.dataset.unwanted, 6);
    assert.deepEqual(result.unwantedRows.map((r) => r.line), [2, 7, 12, 17, 22, 27]);
    assert.ok(result.after.r2Wanted > result.before.r2Wanted);
  });
});
