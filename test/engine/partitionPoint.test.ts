import assert from 'node:assert/strict';
import { partitionPoint } from '../../src/engine/partitionPoint';
import { seededRandom } from './random';

describe('partitionPoint', () => {
  it('finds the first index at or above a value in sorted arrays, as a linear scan does', () => {
    const rand = seededRandom(7);
    for (let t = 0; t < 500; t++) {
      const values = Array.from({ length: Math.floor(rand() * 40) }, () => Math.floor(rand() * 20)).sort((a, b) => a - b);
      const target = Math.floor(rand() * 24) - 2;
      const linear = values.findIndex((v) => v >= target);
      assert.equal(partitionPoint(values.length, (i) => values[i] >= target), linear < 0 ? values.length : linear);
    }
  });
});
