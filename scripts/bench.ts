// `npm run bench`: times every stage of an audit on generated CSV data of 10k, 100k and 1M
// rows (1% unwanted) and prints a table, then runs the CLI on generated files (1M rows, 10M
// rows, 1 GB; in a temp folder, removed after; skip with --no-files). It asserts nothing; the targets are printed beside
// the measurements so a regression is visible at a glance.

import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { auditDataset, prepareAudit } from '../src/engine/audit';
import { chartPoints } from '../src/engine/chartPoints';
import { extractXY } from '../src/engine/columns';
import { parseDataset } from '../src/engine/dataset';
import { minimiseEmse } from '../src/engine/emse';
import { addRows, emptyForgetList, matchForgetList } from '../src/engine/forgetList';
import type { AuditSettings } from '../src/engine/types';
import { seededRandom } from '../test/engine/random';
import { synthetic } from '../test/engine/synthetic';

const SIZES = [10_000, 100_000, 1_000_000];
const UNWANTED_SHARE = 0.01;
const REPEATS = 3;
const TARGET_AUDIT_MS = 1000;
const TARGET_EMSE_MS = 50;
const settings: AuditSettings = { x: 'x', y: 'y', degree: 3, sigma: 'auto', lambda: 1 };

const collectGarbage = (globalThis as { gc?: () => void }).gc;

/** Median time over REPEATS runs (after a garbage collection), and the last result. */
function timed<T>(run: () => T): { ms: number; result: T } {
  const times: number[] = [];
  let result: T | undefined;
  for (let i = 0; i < REPEATS; i++) {
    collectGarbage?.();
    const start = performance.now();
    result = run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(REPEATS / 2)], result: result as T };
}

/** A CSV `id,x,y,group` shaped like the paper's example: a curve plus an offset unwanted cluster. */
function generateCsv(rows: number): { text: string; unwantedRows: number[] } {
  const unwanted = Math.round(rows * UNWANTED_SHARE);
  const data = synthetic({ seed: rows, wanted: rows - unwanted, unwanted, offset: 4 });
  const lines = ['id,x,y,group'];
  const { xs, ys } = data.xy;
  for (let i = 0; i < rows; i++) {
    lines.push(`${i + 1},${xs[i].toFixed(5)},${ys[i].toFixed(5)},${data.mask[i] ? 'scraped' : 'survey'}`);
  }
  return { text: lines.join('\n') + '\n', unwantedRows: data.unwantedRows };
}

interface Row {
  rows: number;
  megabytes: number;
  parseMBps: number;
  extractMs: number;
  matchMs: number;
  fitMs: number;
  emseMs: number;
  iterations: number;
  auditMs: number;
  totalMs: number;
  chartMs: number;
  peakRssMB: number;
  heapMB: number;
}

function measure(rows: number): Row {
  const { text, unwantedRows } = generateCsv(rows);
  const megabytes = Buffer.byteLength(text) / 1e6;

  const parse = timed(() => parseDataset(text, 'bench.csv'));
  const ds = parse.result;
  const extract = timed(() => extractXY(ds, settings.x, settings.y));
  const list = addRows(emptyForgetList('bench.csv'), ds, unwantedRows, 'scraped without consent', '2026-11-23');
  const match = timed(() => matchForgetList(list, ds));
  const meta = { path: 'bench.csv', staleForgetEntries: match.result.stale.length };
  const input = {
    path: meta.path,
    format: ds.format,
    rows: ds.rowCount,
    xy: extract.result,
    lineOf: (i: number) => ds.lineOf(i),
    unwantedRows: match.result.unwantedRows,
    staleForgetEntries: meta.staleForgetEntries,
    settings,
  };
  const fit = timed(() => prepareAudit(input));
  const prepared = fit.result;
  const emse = timed(() =>
    minimiseEmse(prepared.problem, prepared.thetaBefore, { sigma: prepared.sigma, lambda: settings.lambda }),
  );
  const audit = timed(() => auditDataset(ds, match.result.unwantedRows, settings, meta));
  const total = timed(() => {
    const parsed = parseDataset(text, 'bench.csv');
    const matched = matchForgetList(list, parsed);
    return auditDataset(parsed, matched.unwantedRows, settings, meta);
  });
  const mask = new Uint8Array(input.xy.xs.length);
  for (const k of prepared.pass.unwantedPositions) mask[k] = 1;
  const chart = timed(() => chartPoints(input.xy, mask));

  collectGarbage?.();
  return {
    rows,
    megabytes,
    parseMBps: megabytes / (parse.ms / 1000),
    extractMs: extract.ms,
    matchMs: match.ms,
    fitMs: fit.ms,
    emseMs: emse.ms,
    iterations: emse.result.iterations,
    auditMs: audit.ms,
    totalMs: total.ms,
    chartMs: chart.ms,
    // maxRSS is the process's high-water mark (kB) so far; sizes run smallest first.
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    heapMB: process.memoryUsage().heapUsed / 1e6,
  };
}

function printTable(results: Row[]): void {
  const header = [
    'rows',
    'CSV MB',
    'parse MB/s',
    'extractXY ms',
    'match ms',
    'fit ms',
    'EMSE ms (iter)',
    'audit ms',
    'parse→result ms',
    'chart ms',
    'peak RSS MB',
    'heap MB',
  ];
  const lines = results.map((r) => [
    r.rows.toLocaleString('en-US'),
    r.megabytes.toFixed(1),
    r.parseMBps.toFixed(0),
    r.extractMs.toFixed(1),
    r.matchMs.toFixed(1),
    r.fitMs.toFixed(1),
    `${r.emseMs.toFixed(2)} (${r.iterations})`,
    r.auditMs.toFixed(1),
    r.totalMs.toFixed(0),
    r.chartMs.toFixed(1),
    r.peakRssMB.toFixed(0),
    r.heapMB.toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]) => '| ' + cells.map((c, i) => c.padStart(widths[i])).join(' | ') + ' |';
  console.log(format(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const l of lines) console.log(format(l));
}

// ---------------------------------------------------------------- the CLI on files

/** Rows of a file `id,x,y,group` (1% unwanted) written in batches, never held whole. */
function writeCsvFile(path: string, rows: number, untilBytes = Infinity): { rows: number; bytes: number } {
  const fd = openSync(path, 'w');
  let bytes = 0;
  let written = 0;
  try {
    bytes += writeSync(fd, 'id,x,y,group\n');
    const random = seededRandom(rows);
    while (written < rows && bytes < untilBytes) {
      const batch: string[] = [];
      for (let i = 0; i < 100_000 && written < rows; i++, written++) {
        const x = random() * 10 - 5;
        const unwanted = written % 100 === 0;
        const y = 0.5 * x * x * x - x + random() + (unwanted ? 4 : 0);
        batch.push(`${written + 1},${x.toFixed(5)},${y.toFixed(5)},${unwanted ? 'scraped' : 'survey'}\n`);
      }
      bytes += writeSync(fd, batch.join(''));
    }
  } finally {
    closeSync(fd);
  }
  return { rows: written, bytes };
}

interface CliRun {
  label: string;
  rows: number;
  megabytes: number;
  seconds: number;
  peakRssMB: number;
  exitCode: number;
}

/** `unlearn audit` in a child process, as CI runs it; the child reports its own peak RSS. */
function runCli(label: string, file: string, rows: number): CliRun {
  const cli = resolve(__dirname, 'cli.js');
  const args = ['audit', file, '--where', 'group == "scraped"', '--x', 'x', '--y', 'y'];
  const script = `const code = require(${JSON.stringify(cli)}).main(${JSON.stringify(args)}); process.stderr.write('\\nmaxRSS ' + process.resourceUsage().maxRSS + '\\n'); process.exitCode = code;`;
  const start = performance.now();
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 24 });
  const seconds = (performance.now() - start) / 1000;
  const rss = Number(/maxRSS (\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
  if (r.status !== 0) console.log(`  ${label}: exit ${r.status}: ${r.stderr.trim().split('\n')[0]}`);
  return { label, rows, megabytes: statSync(file).size / 1e6, seconds, peakRssMB: rss, exitCode: r.status ?? -1 };
}

/** 1M rows, 10M rows and a 1 GB file, generated into a temp folder that is removed after. */
function cliSection(): void {
  console.log('\nThe CLI on files (unlearn audit --where, in a child process; files > 48 MB are streamed):\n');
  const dir = mkdtempSync(join(tmpdir(), 'unlearn-bench-'));
  const runs: CliRun[] = [];
  try {
    for (const [label, rows, bytes] of [
      ['1M rows', 1_000_000, Infinity],
      ['10M rows', 10_000_000, Infinity],
      ['1 GB', Number.MAX_SAFE_INTEGER, 1e9],
    ] as const) {
      const file = join(dir, `${label.replace(/\s/g, '')}.csv`);
      const made = writeCsvFile(file, rows, bytes);
      runs.push(runCli(label, file, made.rows));
      rmSync(file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const base = runs[0];
  console.log('| file | rows | MB | seconds | peak RSS MB | µs/row | time ratio vs 1M | size ratio vs 1M |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of runs) {
    console.log(
      `| ${r.label} | ${r.rows.toLocaleString('en-US')} | ${r.megabytes.toFixed(0)} | ${r.seconds.toFixed(2)} | ${r.peakRssMB.toFixed(0)} | ${((r.seconds * 1e6) / r.rows).toFixed(2)} | ${(r.seconds / base.seconds).toFixed(1)} | ${(r.megabytes / base.megabytes).toFixed(1)} |`,
    );
  }
  const ten = runs[1];
  console.log(`\nTargets: 10M-row audit peak RSS ≤ 256 MB: measured ${ten.peakRssMB.toFixed(0)} MB in ${ten.seconds.toFixed(1)} s; linear time: time ratio ≈ size ratio.`);
}

function main(): void {
  if (!collectGarbage) console.log('(run with node --expose-gc for heap figures after garbage collection)');
  console.log(`Unlearn bench: degree ${settings.degree}, σ auto, λ ${settings.lambda}, ${UNWANTED_SHARE * 100}% unwanted, median of ${REPEATS} runs`);
  console.log('fit = one data pass + θ₀ and θ_R; audit = extractXY → result; parse→result = parse + forget-list match + audit\n');
  const results = SIZES.map(measure);
  printTable(results);
  // Wall-clock figures mean little on a busy machine, so say how busy it was.
  console.log(`\nLoad average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores.`);
  const largest = results[results.length - 1];
  console.log(`\nTargets at ${largest.rows.toLocaleString('en-US')} rows:`);
  console.log(`  audit after parsing < ${TARGET_AUDIT_MS} ms: measured ${largest.auditMs.toFixed(0)} ms (+ match ${largest.matchMs.toFixed(0)} ms)`);
  console.log(`  EMSE < ${TARGET_EMSE_MS} ms: measured ${largest.emseMs.toFixed(2)} ms in ${largest.iterations} iterations`);
  if (!process.argv.includes('--no-files')) cliSection();
}

main();
