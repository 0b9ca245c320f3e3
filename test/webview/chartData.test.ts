import * as assert from 'assert/strict';
import { mergeSeries } from '../../webview/chartData';

describe('webview chart data', () => {
  const points = { x: [3, 1, 2], y: [30, 10, 20], unwanted: [1, 0, 0], row: [7, 5, 6], totalWanted: 2, totalUnwanted: 1 };
  const curve = { x: [0, 2.5], before: [0.1, 0.2], after: [1.1, 1.2], retrain: [2.1, 2.2] };

  it('merges points and the curve grid into one ascending x array', () => {
    const { data } = mergeSeries(points, curve);
    assert.deepEqual(data[0], [0, 1, 2, 2.5, 3]);
    for (const series of data) assert.equal(series.length, 5);
  });

  it('puts each point in the wanted or the unwanted series only, with its row number', () => {
    const { data, rowAt } = mergeSeries(points, curve);
    const [, wanted, unwanted, before, after, retrain] = data;
    assert.deepEqual(wanted, [null, 10, 20, null, null]);
    assert.deepEqual(unwanted, [null, null, null, null, 30]);
    assert.deepEqual([...rowAt], [0, 5, 6, 0, 7]);
    assert.deepEqual(before, [0.1, null, null, 0.2, null]);
    assert.deepEqual(after, [1.1, null, null, 1.2, null]);
    assert.deepEqual(retrain, [2.1, null, null, 2.2, null]);
  });
});
