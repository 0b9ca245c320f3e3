// The built CLI (dist/cli.js) run as a user or CI would run it: real files, real exit codes.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(__dirname, '../../..');
const cli = join(repo, 'dist', 'cli.js');
const sample = join(repo, 'samples', 'paper.csv');

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: repo });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function auditJson(...args: string[]) {
  const r = run('audit', ...args, '--json');
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** One line on stderr, naming what went wrong, with no stack trace. */
function assertCleanError(r: { code: number; stderr: string }, ...mentions: string[]) {
  assert.equal(r.code, 1);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  for (const m of mentions) assert.ok(r.stderr.includes(m), `stderr should mention ${m}: ${r.stderr}`);
}

describe('unlearn CLI', function () {
  this.timeout(30000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'unlearn-cli-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('audits the paper-shaped sample with its forget list: R² on wanted rows jumps from below 0.7 to above 0.95', () => {
    const out = auditJson('samples/paper.csv');
    assert.equal(out.dataset.format, 'csv');
    assert.equal(out.dataset.unwanted, 30);
    assert.equal(out.dataset.wanted, out.dataset.valid - 30);
    assert.equal(out.dataset.staleForgetEntries, 0);
    assert.ok(out.before.r2Wanted < 0.7, `before ${out.before.r2Wanted}`);
    assert.ok(out.after.r2Wanted > 0.95, `after ${out.after.r2Wanted}`);
    assert.ok(out.after.fairR2 > out.before.fairR2);
    assert.ok(out.after.converged);
    assert.ok(out.diagnostics.distanceToRetrain < 0.1, `distance ${out.diagnostics.distanceToRetrain}`);
    assert.equal(out.diagnostics.independenceDoubtful, false);
  });

  it('prints every documented --json key', () => {
    const out = auditJson('samples/paper.csv');
    for (const k of ['path', 'format', 'rows', 'valid', 'skipped', 'wanted', 'unwanted', 'staleForgetEntries']) assert.ok(k in out.dataset, k);
    for (const k of ['x', 'y', 'degree', 'sigma', 'lambda']) assert.ok(k in out.model, k);
    for (const set of ['before', 'after', 'retrain']) {
      for (const k of ['r2Wanted', 'expR2Unwanted', 'fairR2', 'forgetScore', 'mseWanted']) assert.equal(typeof out[set][k], 'number', `${set}.${k}`);
    }
    for (const k of ['iterations', 'converged', 'objective']) assert.ok(k in out.after, k);
    for (const k of ['overlapShare', 'independenceDoubtful', 'distanceToRetrain']) assert.ok(k in out.diagnostics, k);
    assert.equal(out.unwantedRows.length, 30);
    for (const k of ['row', 'line', 'recallBefore', 'recallAfter', 'recallRetrain']) assert.ok(k in out.unwantedRows[0], k);
    for (const k of ['x', 'before', 'after', 'retrain']) assert.equal(out.curve[k].length, 200, k);
  });

  it('marks the same rows by --where, by --unwanted-rows and by the forget list', () => {
    const empty = join(dir, 'empty.forget.json');
    writeFileSync(empty, JSON.stringify({ version: 1, dataset: 'paper.csv', model: {}, entries: [] }));
    const byList = auditJson('samples/paper.csv');
    const byWhere = auditJson('samples/paper.csv', '--forget', empty, '--where', 'source == "sensor-B"');
    const rows = byList.unwantedRows.map((r: { row: number }) => r.row);
    const byRows = auditJson('samples/paper.csv', '--forget', empty, '--unwanted-rows', rows.join(','));
    assert.deepEqual(byWhere.unwantedRows.map((r: { row: number }) => r.row), rows);
    assert.deepEqual(byRows.after, byList.after);
    assert.deepEqual(byWhere.retrain, byList.retrain);
  });

  it('expands row ranges and lets flags override the forget list settings', () => {
    const out = auditJson('samples/paper.csv', '--unwanted-rows', '1-3,5', '--degree', '2', '--lambda', '0.5', '--sigma', '0.3');
    assert.equal(out.model.degree, 2);
    assert.equal(out.model.lambda, 0.5);
    assert.equal(out.model.sigma, 0.3);
    for (const r of [1, 2, 3, 5]) assert.ok(out.unwantedRows.some((u: { row: number }) => u.row === r), `row ${r}`);
  });

  it('exits 2 when Fair R² after unlearning is below --min-fair-r2, 0 when above', () => {
    const out = auditJson('samples/paper.csv');
    const fair = out.after.fairR2;
    const low = run('audit', 'samples/paper.csv', '--min-fair-r2', String(Math.max(0, fair - 0.05)));
    assert.equal(low.code, 0, low.stderr);
    assert.match(low.stdout, /PASS/);
    const high = run('audit', 'samples/paper.csv', '--min-fair-r2', String(Math.min(1, fair + 0.01)));
    assert.equal(high.code, 2);
    assert.match(high.stdout, /FAIL/);
  });

  it('prints an aligned table and a verdict for people', () => {
    const r = run('audit', 'samples/paper.csv');
    assert.equal(r.code, 0, r.stderr);
    const header = r.stdout.split('\n').find((l) => /before\s+after\s+retrain/.test(l));
    assert.ok(header, r.stdout);
    const fair = r.stdout.split('\n').find((l) => l.startsWith('Fair R²'))!;
    assert.equal(fair.length, header!.length, 'table columns line up');
    assert.match(r.stdout, /Unlearned 30 rows/);
  });

  it('writes a Markdown report with an embedded SVG chart', () => {
    const report = join(dir, 'audit.md');
    const r = run('audit', 'samples/paper.csv', '--report', report);
    assert.equal(r.code, 0, r.stderr);
    const md = readFileSync(report, 'utf8');
    assert.match(md, /^# Unlearn audit: samples\/paper\\\.csv/, 'the path, with its Markdown-significant dot escaped');
    assert.match(md, /\| \*\*Fair R²\*\* \|/);
    assert.match(md, /<svg [^>]*role="img"/);
    assert.equal((md.match(/<path d="M[\d.]+ [\d.]+m-3\.5/g) ?? []).length, 30, 'one cross per unwanted row');
  });

  it('parses datasets to JSON with row and line numbers and reports broken lines', () => {
    const file = join(dir, 'data.jsonl');
    writeFileSync(file, '{"x":1,"y":2}\n{"x":2,\n\n{"x":3,"y":{"v":4}}\n');
    const r = run('parse', file, '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.format, 'jsonl');
    assert.deepEqual(out.rows.map((x: { row: number; line: number }) => [x.row, x.line]), [[1, 1], [2, 4]]);
    assert.deepEqual(out.rows[1].values, { x: 3, y: { v: 4 } });
    assert.equal(out.errors.length, 1);
    assert.equal(out.errors[0].line, 2);
  });

  it('names file and line for a broken forget list', () => {
    const forget = join(dir, 'bad.forget.json');
    writeFileSync(forget, '{\n  "version": 1,\n  "entries": [\n    { "row": 1,, }\n  ]\n}\n');
    assertCleanError(run('audit', 'samples/paper.csv', '--forget', forget), 'bad.forget.json:4');
  });

  it('refuses bad input with one clear line', () => {
    assertCleanError(run('audit', join(dir, 'missing.csv')), 'missing.csv', 'no such file');
    assertCleanError(run('audit', 'samples/paper.csv', '--x', 'nope'), 'nope');
    assertCleanError(run('audit', 'samples/paper.csv', '--unwanted-rows', '9999'), '9999');
    assertCleanError(run('audit', 'samples/paper.csv', '--where', 'x >'), '--where');
    assertCleanError(run('audit', 'samples/paper.csv', '--degree', 'three'), '--degree');
    assertCleanError(run('audit', 'samples/paper.csv', '--bogus'), '--bogus');
    assertCleanError(run('frobnicate', 'samples/paper.csv'), 'frobnicate');
  });

  it('refuses an all-unwanted dataset and an empty one', () => {
    copyFileSync(sample, join(dir, 'paper.csv'));
    const rows = readFileSync(sample, 'utf8').trim().split('\n').length - 1;
    assertCleanError(run('audit', join(dir, 'paper.csv'), '--unwanted-rows', `1-${rows}`), 'unwanted');
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, 'x,y\n');
    assertCleanError(run('audit', empty), 'empty.csv');
  });

  it('skips rows whose x or y is not a number and says which', () => {
    const file = join(dir, 'messy.csv');
    const lines = readFileSync(sample, 'utf8').trim().split('\n');
    lines.splice(5, 0, '999,abc,1.0,survey', '998,,2.0,survey');
    writeFileSync(file, lines.join('\n') + '\n');
    const out = auditJson(file, '--unwanted-rows', '1');
    assert.equal(out.dataset.skipped, 2);
    assert.deepEqual(out.skippedRows.map((s: { line: number }) => s.line), [6, 7]);
  });
});
