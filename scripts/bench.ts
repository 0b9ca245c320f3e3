// `npm run bench`: times every stage of an audit on generated CSV data of 10k, 100k and 1M
// rows (1% unwanted) and prints a table. It asserts nothing; the targets are printed beside
// the measurements so a regression is visible at a glance.

import { cpus, loadavg } from 'node:os';
import { auditDataset, prepareAudit } from '../src/engine/audit';
import { chartPoints } from '../src/engine/chartPoints';
import { extractXY } from '../src/engine/columns';
import { parseDataset } from '../src/engine/dataset';
import { minimiseEmse } from '../src/engine/emse';
import { addRows, emptyForgetList, matchForgetList } from '../src/engine/forgetList';
import type { AuditSettings } from '../src/engine/types';
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
}

main();
