// `audit --receipt` and `unlearn verify`: the receipt re-checked by re-running the built CLI on
// real files; tampering with the data, the list or the receipt is caught and named.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runCli } from './reviewHelpers';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('unlearn audit --receipt and unlearn verify', function () {
  this.timeout(60000);
  let dir: string;
  const file = (name: string) => join(dir, name);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'unlearn-receipt-'));
    for (const f of ['paper.csv', 'paper.csv.forget.json', 'sensors.jsonl', 'sensors.jsonl.forget.json']) copyFileSync(join(repoRoot, 'samples', f), file(f));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function receipt(...args: string[]) {
    const r = runCli(dir, 'audit', ...args, '--receipt', 'receipt.json', '--json');
    assert.equal(r.code, 0, r.stderr);
    return { audit: JSON.parse(r.stdout), receipt: JSON.parse(readFileSync(file('receipt.json'), 'utf8')) };
  }

  it('records the inputs’ SHA-256, the settings, the unwanted rows and bit-exact coefficients', () => {
    const { audit, receipt: rc } = receipt('paper.csv');
    assert.equal(rc.kind, 'unlearn-audit-receipt');
    assert.deepEqual(rc.dataset, { path: 'paper.csv', sha256: sha256(file('paper.csv')), bytes: readFileSync(file('paper.csv')).length });
    assert.equal(rc.forgetList.sha256, sha256(file('paper.csv.forget.json')));
    assert.equal(rc.engineVersion, JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version);
    assert.deepEqual(rc.settings, { x: 'x', y: 'y', degree: 3, sigma: 'auto', lambda: '1', variant: 'kernel' });
    assert.deepEqual(rc.unwantedRows, audit.unwantedRows.map((r: { row: number }) => r.row));
    for (const m of ['before', 'after', 'retrain']) {
      const parsed = rc.models[m].coefficients.map(Number);
      assert.deepEqual(parsed, audit.models[m].coefficients, `${m}: the strings convert back to the same doubles`);
      assert.ok(rc.models[m].coefficients.every((c: unknown) => typeof c === 'string'));
    }
    assert.equal(Number(rc.metrics.after.fairR2), audit.after.fairR2);
  });

  it('verify re-runs the audit and reports a match with exit code 0', () => {
    receipt('paper.csv');
    const r = runCli(dir, 'verify', 'receipt.json');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /MATCH: every field of the receipt is reproduced exactly/);
    const json = JSON.parse(runCli(dir, 'verify', 'receipt.json', '--json').stdout);
    assert.equal(json.match, true);
    assert.deepEqual(json.mismatches, []);
  });

  it('finds the files relative to the receipt, so the three can move together, and --dataset points elsewhere', () => {
    receipt('paper.csv');
    mkdirSync(file('moved'));
    for (const f of ['paper.csv', 'paper.csv.forget.json', 'receipt.json']) renameSync(file(f), file(join('moved', f)));
    assert.equal(runCli(dir, 'verify', 'moved/receipt.json').code, 0);
    copyFileSync(file('moved/paper.csv'), file('copy.csv'));
    const r = runCli(dir, 'verify', 'moved/receipt.json', '--dataset', 'copy.csv');
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /re-ran the audit of copy\.csv/);
  });

  it('a changed dataset is a mismatch (exit code 3) naming the digest and the results that moved', () => {
    receipt('paper.csv');
    writeFileSync(file('paper.csv'), readFileSync(file('paper.csv'), 'utf8').replace('\n2,0.157,2.202,', '\n2,0.157,2.302,'));
    const r = runCli(dir, 'verify', 'receipt.json');
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /MISMATCH: \d+ fields differ/);
    assert.match(r.stdout, /dataset\.sha256: receipt [0-9a-f]{64}, re-run [0-9a-f]{64}/);
    assert.match(r.stdout, /models\.before\.coefficients\[0\]/);
    assert.match(r.stdout, /The input files are not the bytes the receipt was made from/);
  });

  it('a receipt edited by one digit of one coefficient is caught at that field', () => {
    const { receipt: rc } = receipt('paper.csv');
    const original: string = rc.models.after.coefficients[2];
    const last = original[original.length - 1];
    rc.models.after.coefficients[2] = original.slice(0, -1) + (last === '1' ? '2' : '1');
    writeFileSync(file('receipt.json'), JSON.stringify(rc, null, 2));
    const out = JSON.parse(runCli(dir, 'verify', 'receipt.json', '--json').stdout);
    assert.equal(out.match, false);
    assert.deepEqual(out.mismatches, [{ field: 'models.after.coefficients[2]', expected: rc.models.after.coefficients[2], actual: original }]);
    assert.equal(runCli(dir, 'verify', 'receipt.json').code, 3);
  });

  it('another engine version is a mismatch that says bit-identity holds only on one version', () => {
    const { receipt: rc } = receipt('paper.csv');
    writeFileSync(file('receipt.json'), JSON.stringify({ ...rc, engineVersion: '0.0.1' }));
    const r = runCli(dir, 'verify', 'receipt.json');
    assert.equal(r.code, 3);
    assert.match(r.stdout, /engineVersion: receipt 0\.0\.1, re-run /);
    assert.match(r.stdout, /results are bit-identical only on the same version/);
  });

  it('records --unwanted-rows, --where and explicit settings, and a re-run uses them', () => {
    const { receipt: rc } = receipt('sensors.jsonl', '--unwanted-rows', '1-3', '--where', 'device == "probe-1"', '--degree', '2', '--sigma', '0.3');
    assert.deepEqual(rc.selection, { unwantedRowNumbers: [1, 2, 3], where: 'device == "probe-1"' });
    assert.equal(rc.settings.sigma, '0.3');
    assert.equal(rc.settings.degree, 2);
    const r = runCli(dir, 'verify', 'receipt.json');
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  it('an audit without a forget list verifies without one, even if one appears later', () => {
    const r = runCli(dir, 'audit', 'paper.csv', '--forget', 'paper.csv.forget.json', '--receipt', 'with.json');
    assert.equal(r.code, 0);
    rmSync(file('paper.csv.forget.json'));
    runCli(dir, 'audit', 'paper.csv', '--unwanted-rows', '77-80', '--receipt', 'receipt.json');
    const rc = JSON.parse(readFileSync(file('receipt.json'), 'utf8'));
    assert.equal(rc.forgetList, null);
    copyFileSync(join(repoRoot, 'samples', 'paper.csv.forget.json'), file('paper.csv.forget.json'));
    assert.equal(runCli(dir, 'verify', 'receipt.json').code, 0);
    const gone = runCli(dir, 'verify', 'with.json');
    assert.equal(gone.code, 0, 'the list is back with the same bytes');
  });

  it('refuses what is not a receipt with exit code 1 and one line', () => {
    writeFileSync(file('bad.json'), '{"kind":"something else"}');
    for (const target of ['bad.json', 'paper.csv', 'missing.json']) {
      const r = runCli(dir, 'verify', target);
      assert.equal(r.code, 1, target);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, new RegExp(target.replace('.', '\\.')));
    }
    assert.match(runCli(dir, 'verify').stderr, /verify needs a receipt file/);
  });
});
