import assert from 'node:assert/strict';
import { auditText } from '../../src/engine/pipeline';
import { buildReceipt, checkReceipt, exactDecimal, parseExactDecimal, parseReceipt, receiptSettings, serializeReceipt } from '../../src/engine/receipt';

const HASH = 'a'.repeat(64);

function sampleText(): string {
  const rows = ['x,y'];
  for (let i = 0; i < 60; i++) rows.push(`${i / 10},${(Math.sin(i / 7) + (i % 9 === 0 ? 3 : 0)).toFixed(4)}`);
  return rows.join('\n') + '\n';
}

function receiptOf(text: string, unwanted: number[], overrides = {}) {
  const outcome = auditText({ text, fileName: 'a.csv', path: 'a.csv', unwantedRowNumbers: unwanted, overrides });
  return buildReceipt({
    result: outcome.result,
    dataset: { path: 'a.csv', sha256: HASH, bytes: text.length },
    selection: { unwantedRowNumbers: unwanted },
    engineVersion: '0.1.0',
    createdAt: '2026-12-01T00:00:00.000Z',
  });
}

describe('receipt', () => {
  it('writes numbers as decimals that convert back to the identical double', () => {
    for (const v of [0.1 + 0.2, 1 / 3, -0, 0, 5e-324, 1.7976931348623157e308, -2.5e-10, Math.PI, NaN, Infinity, -Infinity]) {
      const back = parseExactDecimal(exactDecimal(v));
      assert.ok(Object.is(back, v), `${v} → ${exactDecimal(v)} → ${back}`);
    }
    assert.equal(exactDecimal(-0), '-0');
    assert.throws(() => parseExactDecimal('abc'), /not a decimal/);
    assert.throws(() => parseExactDecimal(''), /not a decimal/);
  });

  it('round-trips through its file form and matches a re-run exactly', () => {
    const text = sampleText();
    const receipt = receiptOf(text, [1, 10, 19, 28]);
    const parsed = parseReceipt(serializeReceipt(receipt), 'r.json');
    assert.deepEqual(parsed, receipt);
    assert.deepEqual(receipt.unwantedRows, [1, 10, 19, 28]);
    assert.equal(receipt.models.after.coefficients.length, 4);
    // The re-run with the receipt's own settings as overrides reproduces every field.
    const again = receiptOf(text, [1, 10, 19, 28], receiptSettings(parsed));
    assert.deepEqual(checkReceipt(parsed, { ...again, createdAt: 'later', dataset: { ...again.dataset, path: 'elsewhere.csv' } }), []);
  });

  it('names each field that differs', () => {
    const text = sampleText();
    const receipt = receiptOf(text, [1, 10]);
    const other = receiptOf(text, [1, 10], { lambda: 0.5 });
    const fields = checkReceipt(receipt, other).map((m) => m.field);
    assert.ok(fields.includes('settings.lambda'), fields.join(', '));
    assert.ok(fields.some((f) => f.startsWith('models.after.coefficients[')), fields.join(', '));
    assert.ok(!fields.some((f) => f.startsWith('models.retrain')), 'retraining does not depend on λ');
    const tampered = { ...receipt, dataset: { ...receipt.dataset, sha256: 'b'.repeat(64) }, unwantedRows: [1] };
    const mismatches = checkReceipt(receipt, tampered);
    assert.deepEqual(mismatches[0], { field: 'dataset.sha256', expected: HASH, actual: 'b'.repeat(64) });
    assert.ok(mismatches.some((m) => m.field === 'unwantedRows.length' && m.expected === '2' && m.actual === '1'));
  });

  it('refuses files that are not receipts, saying why', () => {
    assert.throws(() => parseReceipt('{', 'r.json'), /r\.json.*|not valid JSON/);
    assert.throws(() => parseReceipt('{"kind":"x"}', 'r.json'), /"kind" must be/);
    const receipt = JSON.parse(serializeReceipt(receiptOf(sampleText(), [1])));
    receipt.dataset.sha256 = 'xyz';
    assert.throws(() => parseReceipt(JSON.stringify(receipt), 'r.json'), /SHA-256/);
  });
});
