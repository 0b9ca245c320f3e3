import assert from 'node:assert/strict';
import { chartPoints } from '../../src/engine/chartPoints';
import type { NumericXY } from '../../src/engine/types';
import { seededRandom } from './random';

/** n valid rows with x uniform in [0, 10) and a rowIndex that skips every 10th dataset row. */
function dataset(n: number, seed: number): NumericXY {
  const uniform = seededRandom(seed);
  const xs = Float64Array.from({ length: n }, () => 10 * uniform());
  return {
    xs,
    ys: xs.map((x) => 2 * x),
    rowIndex: Int32Array.from({ length: n }, (_, k) => k + Math.floor(k / 9)),
    skippedCount: 0,
    skipped: [],
  };
}

function everyNth(n: number, period: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, k) => (k % period === 0 ? 1 : 0));
}

describe('chartPoints', () => {
  it('returns every row when they fit, with 1-based row numbers', () => {
    const xy = dataset(50, 1);
    const points = chartPoints(xy, everyNth(50, 5), 100);
    assert.equal(points.x.length, 50);
    assert.deepEqual(points.row, Array.from(xy.rowIndex, (i) => i + 1));
    assert.deepEqual(points.y, Array.from(xy.ys));
    assert.equal(points.unwanted.filter((u) => u === 1).length, 10);
    assert.equal(points.totalWanted, 40);
    assert.equal(points.totalUnwanted, 10);
  });

  it('caps the points and keeps every unwanted row', () => {
    const n = 100_000;
    const xy = dataset(n, 2);
    const mask = everyNth(n, 100);
    const points = chartPoints(xy, mask, 2000);
    assert.equal(points.x.length, 2000);
    const unwantedRows = points.row.filter((_, i) => points.unwanted[i] === 1);
    assert.equal(unwantedRows.length, 1000);
    const expected = Array.from(xy.rowIndex.filter((_, k) => mask[k] === 1), (i) => i + 1);
    assert.deepEqual(unwantedRows, expected);
    assert.equal(points.totalWanted, 99_000);
    assert.equal(points.totalUnwanted, 1000);
  });

  it('caps the unwanted rows at half the budget when both groups are large', () => {
    const n = 20_000;
    const points = chartPoints(dataset(n, 3), everyNth(n, 4), 1000);
    assert.equal(points.x.length, 1000);
    assert.equal(points.unwanted.filter((u) => u === 1).length, 500);
  });

  it('gives unwanted rows the room the wanted rows do not need', () => {
    const n = 3000;
    const mask = Uint8Array.from({ length: n }, (_, k) => (k < 2900 ? 1 : 0));
    const points = chartPoints(dataset(n, 4), mask, 1000);
    assert.equal(points.x.length, 1000);
    assert.equal(points.unwanted.filter((u) => u === 0).length, 100);
  });

  it('samples the wanted rows evenly across x, the same way every time', () => {
    const n = 50_000;
    const xy = dataset(n, 5);
    const mask = new Uint8Array(n);
    const points = chartPoints(xy, mask, 5000);
    assert.deepEqual(chartPoints(xy, mask, 5000), points, 'deterministic');
    // Each unit of x holds about a tenth of the rows, so about 500 of the sampled points.
    const perUnit = new Array(10).fill(0);
    for (const x of points.x) perUnit[Math.floor(x)]++;
    const population = new Array(10).fill(0);
    for (const x of xy.xs) population[Math.floor(x)]++;
    perUnit.forEach((count, u) => {
      const expected = (population[u] / n) * 5000;
      assert.ok(Math.abs(count - expected) <= 30, `x ∈ [${u}, ${u + 1}): ${count} points, expected ≈ ${expected}`);
    });
  });
});
