// Issue 8 through the built CLI (dist/cli.js): hostile and extreme inputs give exit 1 with one
// line naming the file (and line), never a verdict on a NaN, a V8 abort or a stack overflow.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(__dirname, '../../..');
const cli = join(repo, 'dist', 'cli.js');

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: repo, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 1, one line on stderr without a stack trace or raw control characters, mentioning each string. */
function assertRefused(r: { code: number; stdout: string; stderr: string }, ...mentions: string[]): void {
  assert.equal(r.code, 1, `exit ${r.code}: ${r.stderr}${r.stdout}`);
  const text = r.stderr.replace(/\n$/, '');
  assert.equal(text.split('\n').length, 1, r.stderr);
  assert.doesNotMatch(text, /\n\s+at |Maximum call stack|internal error/);
  assert.doesNotMatch(text, /[\u0000-\u001f\u007f-\u009f]/);
  for (const m of mentions) assert.ok(text.includes(m), `stderr should mention ${JSON.stringify(m)}: ${text}`);
}

/** A CSV of a smooth curve with the given header and an optional row mapping. */
function curveCsv(header = 'x,y', rows = 60, map: (x: number, y: number, i: number) => [number, number] = (x, y) => [x, y]): string {
  const lines = [header];
  for (let i = 0; i < rows; i++) {
    const x = i / 6;
    const [mx, my] = map(x, 1 + 0.5 * x - 0.03 * x * x + (i % 7 === 2 ? 3 : 0) + 0.02 * Math.sin(9 * i), i);
    lines.push(`${mx},${my}`);
  }
  return lines.join('\n') + '\n';
}

describe('unlearn CLI hardening (issue 8)', function () {
  this.timeout(60000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'unlearn-hard-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('class 1: y = 1e160 with --min-fair-r2 is bad input naming the metric, never PASS', () => {
    const file = write('huge.csv', curveCsv('x,y', 60, (x, y, i) => [x, i === 5 ? 1e160 : y]));
    const r = run('audit', file, '--unwanted-rows', '3,10', '--min-fair-r2', '0.99');
    assertRefused(r, 'huge.csv', 'MSE on wanted rows', 'not a finite number', 'largest double');
    assert.doesNotMatch(r.stdout, /PASS/);
    assertRefused(run('audit', file, '--unwanted-rows', '3', '--json'), 'not a finite number');
  });

  it('class 2: --unwanted-rows is checked against the row count before expanding', () => {
    const file = write('small.csv', curveCsv());
    assertRefused(run('audit', file, '--unwanted-rows', '1-1000000000'), 'small.csv', 'row 1000000000 does not exist', '60 data rows');
    assertRefused(run('audit', file, '--unwanted-rows', '99999999999999999999'), 'row 99999999999999999999 does not exist');
    assertRefused(run('audit', file, '--unwanted-rows', '1-5,x'), '"x" is not a row number');
    // Overlapping and repeated ranges mark each row once.
    const out = JSON.parse(run('audit', file, '--unwanted-rows', '1-5,3-8,8,2', '--json').stdout);
    assert.deepEqual(out.unwantedRows.map((row: { row: number }) => row.row), [1, 2, 3, 4, 5, 6, 7, 8]);
    // 30,000 parts: just under Linux's 128 KiB limit for one argument.
    const many = run('audit', file, '--unwanted-rows', Array(30_000).fill('1-3').join(','), '--json');
    assert.equal(many.code, 0, many.stderr);
    assert.equal(JSON.parse(many.stdout).dataset.unwanted, 3);
  });

  it('class 7: long --where chains work; deep nesting is a clear error', () => {
    const file = write('where.csv', curveCsv('x,y'));
    // Written tightly to stay under Linux's 128 KiB limit for one argument.
    const chain = Array.from({ length: 12_000 }, (_, i) => `x==${i}`).join('||');
    const r = run('audit', file, '--where', chain, '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).dataset.unwanted, 10, 'x = 0, 1, …, 9 (every sixth row)');
    assertRefused(run('audit', file, '--where', '('.repeat(2_500) + 'x > 1' + ')'.repeat(2_500)), '--where', 'nested more than 256');
    const nots = run('audit', file, '--where', '!'.repeat(100_000) + 'x > 9', '--json');
    assert.equal(nots.code, 0, nots.stderr);
    assert.equal(JSON.parse(nots.stdout).dataset.unwanted, 5);
  });

  it('class 7: a forget list nested thousands deep is refused at its line', () => {
    const file = write('data.csv', curveCsv());
    const forget = write('data.csv.forget.json', '{\n  "version": 1,\n  "entries": ' + '['.repeat(5000) + ']'.repeat(5000) + '\n}\n');
    assertRefused(run('audit', file, '--forget', forget), 'data.csv.forget.json:3', 'nested more than');
  });

  it('class 9: x spanning ±1e307 audits like an ordinary range, and says which EMSE start won', () => {
    const plain = write('plain.csv', curveCsv());
    const wide = write('wide.csv', curveCsv('x,y', 60, (x, y) => [(x - 5) * 1e306, y]));
    const a = JSON.parse(run('audit', plain, '--unwanted-rows', '3,10,17', '--json').stdout);
    const w = run('audit', wide, '--unwanted-rows', '3,10,17', '--json');
    assert.equal(w.code, 0, w.stderr);
    const b = JSON.parse(w.stdout);
    for (const set of ['before', 'after', 'retrain']) {
      for (const key of ['r2Wanted', 'fairR2', 'mseWanted']) assert.ok(Math.abs(a[set][key] - b[set][key]) < 1e-9, `${set}.${key}`);
    }
    assert.ok(['before', 'retrain'].includes(b.after.start));
    assert.equal(typeof b.diagnostics.emseStarts.retrain.objective, 'number');
    assert.match(run('audit', wide, '--unwanted-rows', '3').stdout, /EMSE: \d+ iterations? from the (learned|retrained) model \(objective [\d.e+-]+; from the (learned|retrained) model [\d.e+-]+\)/);
  });

  it('class 10: every error names the file, and the line when there is one', () => {
    const constant = write('constant.csv', 'x,y\n' + Array.from({ length: 20 }, (_, i) => `2,${i}`).join('\n') + '\n');
    assertRefused(run('audit', constant), 'constant.csv', 'x is constant');
    const small = write('ten.csv', curveCsv('x,y', 10));
    assertRefused(run('audit', small, '--unwanted-rows', '1-10'), 'ten.csv', 'every valid row is unwanted');
    assertRefused(run('audit', small, '--degree', '12', '--unwanted-rows', '1'), 'ten.csv', 'the wanted rows cannot determine a degree-12 curve');
    assertRefused(run('audit', small, '--x', 'x', '--y', 'x'), 'ten.csv', 'x and y are the same column "x"');
    assertRefused(run('audit', small, '--where', 'z > 1'), 'ten.csv', '--where: no column "z"');
    assertRefused(run('audit', small, '--sigma', '-1'), '--sigma');
    const forget = write('ten.csv.forget.json', '{\n  "version": 1,\n  "model": {\n    "x": "x",\n    "degree": 13\n  },\n  "entries": []\n}\n');
    assertRefused(run('audit', small, '--forget', forget), 'ten.csv.forget.json:5', '"degree" must be a whole number from 1 to 12, got 13');
  });

  it('class 10: terminal escape sequences in names are shown escaped, in errors and in the summary', () => {
    const evil = 'y\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202e';
    const file = write('esc.csv', curveCsv(`x,"${evil}"`));
    const r = run('audit', file, '--unwanted-rows', '2');
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    assert.ok(r.stdout.includes('y\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202e on x'), r.stdout);
    assertRefused(run('audit', file, '--x', `x${evil}`), 'no column "xy\\u001b]0;pwned\\u0007');
    const parsed = run('parse', file);
    assert.doesNotMatch(parsed.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });
});
