import assert from 'node:assert/strict';
import { columnsGuessed, modelSettingsOf, resolveSettings, sameModelSettings } from '../../src/engine/settings';
import type { ColumnInfo } from '../../src/engine/types';

const cols = (...spec: [string, ColumnInfo['kind']][]): ColumnInfo[] => spec.map(([name, kind]) => ({ name, kind }));

describe('resolveSettings', () => {
  it('prefers columns named x and y', () => {
    const s = resolveSettings(cols(['id', 'numeric'], ['y', 'numeric'], ['x', 'numeric'], ['z', 'numeric']));
    assert.deepEqual([s.x, s.y], ['x', 'y']);
  });

  it('takes a date column as x and the last numeric column as y (co2: Date, CO2, adjusted CO2)', () => {
    const s = resolveSettings(cols(['Date', 'date'], ['CO2', 'numeric'], ['adjusted CO2', 'numeric']));
    assert.deepEqual([s.x, s.y], ['Date', 'adjusted CO2']);
  });

  it('never takes a date as y by default (cars: the date column Year comes last)', () => {
    const cars = cols(
      ['Name', 'text'], ['Miles_per_Gallon', 'numeric'], ['Cylinders', 'numeric'], ['Displacement', 'numeric'], ['Horsepower', 'numeric'],
      ['Weight_in_lbs', 'numeric'], ['Acceleration', 'numeric'], ['Year', 'date'], ['Origin', 'text'],
    );
    const s = resolveSettings(cars);
    assert.deepEqual([s.x, s.y], ['Year', 'Acceleration']);
  });

  it('reads a numeric column named like time as time', () => {
    const s = resolveSettings(cols(['temp', 'numeric'], ['year', 'numeric'], ['rain', 'numeric']));
    assert.deepEqual([s.x, s.y], ['year', 'rain']);
  });

  it('otherwise takes the first numeric column as x and the last as y, skipping text and identifiers', () => {
    const s = resolveSettings(cols(['id', 'numeric'], ['name', 'text'], ['weight', 'numeric'], ['height', 'numeric'], ['temp', 'numeric'], ['note', 'text']));
    assert.deepEqual([s.x, s.y], ['weight', 'temp']);
  });

  it('picks the other column around one a layer fixed', () => {
    const c = cols(['Date', 'date'], ['a', 'numeric'], ['b', 'numeric']);
    assert.deepEqual(((s) => [s.x, s.y])(resolveSettings(c, { x: 'b' })), ['b', 'a']);
    assert.deepEqual(((s) => [s.x, s.y])(resolveSettings(c, { y: 'a' })), ['Date', 'a']);
  });

  it('says when x and y are a guess: not set by a layer, not named x and y', () => {
    assert.equal(columnsGuessed({ x: 'Date', y: 'CO2' }), true);
    assert.equal(columnsGuessed({ x: 'Date', y: 'CO2' }, {}, { degree: 2 }), true);
    assert.equal(columnsGuessed({ x: 'Date', y: 'CO2' }, { x: 'Date', y: 'CO2' }), false);
    assert.equal(columnsGuessed({ x: 'Date', y: 'CO2' }, { x: 'Date' }), true, 'y is still a guess');
    assert.equal(columnsGuessed({ x: 'x', y: 'y' }), false);
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
    assert.throws(() => resolveSettings(cols(['start', 'date'], ['end', 'date'])), /numeric column for y/);
    assert.throws(() => resolveSettings(cols(['name', 'text'], ['v', 'numeric'])), /a numeric column for y and another numeric or date column for x; columns are name \(text\), v \(numeric\)/);
  });

  it('rejects out-of-range settings with the value given', () => {
    const c = cols(['x', 'numeric'], ['y', 'numeric']);
    assert.throws(() => resolveSettings(c, { degree: 13 }), /degree .* got 13/);
    assert.throws(() => resolveSettings(c, { degree: 2.5 }), /degree/);
    assert.throws(() => resolveSettings(c, { sigma: -1 }), /sigma .* got -1/);
    assert.throws(() => resolveSettings(c, { lambda: Number.NaN }), /lambda/);
  });
});

describe('model settings of a result', () => {
  it('reads an auto σ back as "auto" and compares all five fields', () => {
    const model = { x: 'hp', y: 'mpg', degree: 2, sigma: 3.2, sigmaAuto: true, lambda: 1 };
    const s = modelSettingsOf(model);
    assert.deepEqual(s, { x: 'hp', y: 'mpg', degree: 2, sigma: 'auto', lambda: 1 });
    assert.equal(sameModelSettings(s, { ...s }), true);
    assert.equal(sameModelSettings(s, { ...s, degree: 3 }), false);
    assert.equal(sameModelSettings(s, { x: 'hp', y: 'mpg' }), false, 'a list model without degree differs');
    assert.equal(modelSettingsOf({ ...model, sigmaAuto: false }).sigma, 3.2);
  });
});
