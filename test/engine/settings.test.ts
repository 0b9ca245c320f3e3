import assert from 'node:assert/strict';
import { resolveSettings } from '../../src/engine/settings';
import type { ColumnInfo } from '../../src/engine/types';

const cols = (...spec: [string, ColumnInfo['kind']][]): ColumnInfo[] => spec.map(([name, kind]) => ({ name, kind }));

describe('resolveSettings', () => {
  it('prefers columns named x and y', () => {
    const s = resolveSettings(cols(['id', 'numeric'], ['y', 'numeric'], ['x', 'numeric'], ['z', 'numeric']));
    assert.deepEqual([s.x, s.y], ['x', 'y']);
  });

  it('otherwise takes the last usable column as y and the one before as x, skipping text', () => {
    const s = resolveSettings(cols(['id', 'numeric'], ['when', 'date'], ['name', 'text'], ['temp', 'numeric'], ['note', 'text']));
    assert.deepEqual([s.x, s.y], ['when', 'temp']);
  });

  it('applies layers in order, ignoring undefined fields', () => {
    const s = resolveSettings(cols(['a', 'numeric'], ['b', 'numeric']), { degree: 5, lambda: 2 }, { degree: 4, sigma: 0.5 }, { degree: undefined, x: 'b', y: 'a' });
    assert.deepEqual(s, { x: 'b', y: 'a', degree: 4, sigma: 0.5, lambda: 2 });
  });

  it('passes the optimiser settings through and checks the variant', () => {
    const c = cols(['x', 'numeric'], ['y', 'numeric']);
    const s = resolveSettings(c, { variant: 'log', maxIterations: 7 });
    assert.equal(s.variant, 'log');
    assert.equal(s.maxIterations, 7);
    assert.ok(!('tolerance' in s));
    assert.throws(() => resolveSettings(c, { variant: 'exact' as never }), /variant/);
  });

  it('defaults to degree 3, σ auto and λ 1', () => {
    const s = resolveSettings(cols(['x', 'numeric'], ['y', 'numeric']));
    assert.deepEqual([s.degree, s.sigma, s.lambda], [3, 'auto', 1]);
  });

  it('explains why x and y cannot be chosen', () => {
    assert.throws(() => resolveSettings(cols(['name', 'text'], ['v', 'numeric'])), /two numeric or date columns; columns are name \(text\), v \(numeric\)/);
  });

  it('rejects out-of-range settings with the value given', () => {
    const c = cols(['x', 'numeric'], ['y', 'numeric']);
    assert.throws(() => resolveSettings(c, { degree: 13 }), /degree .* got 13/);
    assert.throws(() => resolveSettings(c, { degree: 2.5 }), /degree/);
    assert.throws(() => resolveSettings(c, { sigma: -1 }), /sigma .* got -1/);
    assert.throws(() => resolveSettings(c, { lambda: Number.NaN }), /lambda/);
  });
});
