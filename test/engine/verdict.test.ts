import assert from 'node:assert/strict';
import { auditText } from '../../src/engine/pipeline';
import type { AuditResult } from '../../src/engine/types';
import { verdict } from '../../src/engine/verdict';
import { seededGaussian, seededRandom } from './random';

/**
 * Shaped like vega's cars with the US cars (63%) marked unwanted: both groups follow the same
 * falling mpg-vs-horsepower curve, the unwanted ones reaching horsepower no wanted car has.
 * EMSE can then bend the curve up where only unwanted rows are, which raises Fair R² far above
 * retraining's while R² on the wanted rows falls.
 */
function carsShaped(): AuditResult {
  const uniform = seededRandom(2);
  const gaussian = seededGaussian(uniform);
  const curve = (hp: number) => 58 - 0.42 * hp + 0.00095 * hp * hp;
  const lines = ['Horsepower,Miles_per_Gallon'];
  const unwanted: number[] = [];
  for (let i = 0; i < 400; i++) {
    const us = uniform() < 0.63;
    const hp = us ? 75 + uniform() * 155 : 46 + uniform() * 120;
    const mpg = curve(hp) + (us ? 4 : 6) * gaussian() - (us ? 1 : 0);
    if (us) unwanted.push(i + 1);
    lines.push(`${hp.toFixed(0)},${mpg.toFixed(1)}`);
  }
  return auditText({
    text: lines.join('\n'),
    fileName: 'cars.csv',
    path: 'cars.csv',
    unwantedRowNumbers: unwanted,
    overrides: { x: 'Horsepower', y: 'Miles_per_Gallon', degree: 2 },
  }).result;
}

/** A paper-like case where EMSE lands on retraining: a separable cluster above a line. */
function separable(): AuditResult {
  const lines = ['x,y'];
  const unwanted: number[] = [];
  for (let i = 0; i < 120; i++) {
    const x = i / 12;
    const off = i % 4 === 0 && x > 6;
    if (off) unwanted.push(i + 1);
    lines.push(`${x},${1 + 0.5 * x + 0.05 * Math.sin(7 * i) + (off ? 5 : 0)}`);
  }
  return auditText({ text: lines.join('\n'), fileName: 'line.csv', path: 'line.csv', unwantedRowNumbers: unwanted, overrides: { degree: 1 } }).result;
}

function withMetrics(result: AuditResult, change: (r: AuditResult) => void): AuditResult {
  const copy = structuredClone(result);
  change(copy);
  return copy;
}

describe('verdict', () => {
  const cars = carsShaped();
  const line = separable();

  it('reproduces the cars case: Fair R² up, R² wanted down, retraining far lower', () => {
    assert.ok(cars.dataset.unwanted / cars.dataset.rows > 0.6, `${cars.dataset.unwanted} of ${cars.dataset.rows} unwanted`);
    assert.ok(cars.after.fairR2 > cars.before.fairR2 + 0.2, `Fair R² ${cars.before.fairR2} → ${cars.after.fairR2}`);
    assert.ok(cars.after.r2Wanted < cars.before.r2Wanted, `R² wanted ${cars.before.r2Wanted} → ${cars.after.r2Wanted}`);
    assert.ok(cars.after.fairR2 > cars.retrain.fairR2 + 0.2, `retraining's Fair R² is ${cars.retrain.fairR2}`);
  });

  it('calls the cars case over-forgetting, fails it, and puts the overlap warning in it', () => {
    const v = verdict(cars);
    assert.equal(v.kind, 'over-forgot');
    assert.equal(v.headline, 'Over-forgot');
    assert.equal(v.tone, 'bad');
    assert.equal(v.ok, false, 'the CLI exits 2');
    assert.match(v.text, /^FAIL: Over-forgot \d+ rows/);
    assert.ok(cars.diagnostics.independenceDoubtful, 'the rows overlap');
    assert.match(v.overlap ?? '', /overlap/);
    assert.ok(v.text.includes(v.overlap!), 'the sentence carries the overlap warning');
    assert.doesNotMatch(v.text, /better|improv/i);
  });

  it('passes a run that matches exact retraining, in green', () => {
    const v = verdict(line);
    assert.ok(line.diagnostics.distanceToRetrain < 0.1, `distance ${line.diagnostics.distanceToRetrain}`);
    assert.deepEqual([v.kind, v.tone, v.ok], ['matches', 'good', true]);
    assert.match(v.text, /^Unlearned \d+ rows as exact retraining would/);
  });

  it('calls a fall in R² wanted worse even when Fair R² rose, if it does not beat retraining', () => {
    const worse = withMetrics(line, (r) => {
      r.after.r2Wanted = r.before.r2Wanted - 0.05;
      r.after.fairR2 = r.retrain.fairR2;
    });
    const v = verdict(worse);
    assert.deepEqual([v.kind, v.tone, v.ok], ['worse', 'bad', false]);
  });

  it('is neutral when R² wanted held but the curve is far from retraining', () => {
    const partial = withMetrics(line, (r) => {
      r.diagnostics.distanceToRetrain = 0.4;
    });
    const v = verdict(partial);
    assert.deepEqual([v.kind, v.tone, v.ok], ['partial', 'neutral', true]);
  });

  it('gives no verdict on a NaN, and fails', () => {
    const v = verdict(withMetrics(line, (r) => (r.after.fairR2 = Number.NaN)));
    assert.deepEqual([v.kind, v.ok], ['invalid', false]);
    assert.match(v.text, /No verdict: a metric is not a number/);
    assert.equal(verdict(withMetrics(line, (r) => (r.after.fairR2 = Number.NaN)), 0).ok, false, 'NaN never passes a gate');
  });

  it('applies the Fair R² gate on top of the rule', () => {
    assert.match(verdict(line, line.after.fairR2 - 0.01).text, /^PASS: /);
    const failed = verdict(line, line.after.fairR2 + 0.01);
    assert.equal(failed.ok, false);
    assert.equal(failed.tone, 'bad');
    assert.match(failed.text, /^FAIL: Fair R² after unlearning is .*below the required/);
  });

  it('has nothing to judge without unwanted rows', () => {
    const v = verdict(withMetrics(line, (r) => (r.dataset.unwanted = 0)));
    assert.deepEqual([v.kind, v.ok], ['nothing', true]);
  });
});
