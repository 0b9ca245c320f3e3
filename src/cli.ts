// `unlearn`: the engine on the command line, for CI audits of a forget list.
// Exit codes: 0 done, 1 bad input or usage (one line on stderr, no stack trace),
// 2 Fair R² after unlearning below --min-fair-r2.

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { decodeUtf8, parseDataset } from './engine/dataset';
import { inFile, UnlearnError } from './engine/errors';
import { forgetListFileName, parseForgetList } from './engine/forgetList';
import { auditText } from './engine/pipeline';
import { describeEmseStart, escapeControls, formatNumber, formatSetting, plural } from './engine/format';
import { renderReport } from './engine/report';
import { parseRowRanges } from './engine/rowRanges';
import { verdict } from './engine/verdict';
import type { AuditResult, ForgetList, MetricSet, ModelSettings } from './engine/types';
import { version } from '../package.json';

const USAGE = `Usage:
  unlearn audit <dataset> [--forget <file>] [--unwanted-rows 3,8,10-14] [--where '<expr>']
                [--x <column>] [--y <column>] [--degree <d>] [--sigma <s|auto>] [--lambda <l>]
                [--min-fair-r2 <v>] [--json] [--report <out.md>]
  unlearn parse <dataset> [--json]
  unlearn --help | --version

Audits a forget list: fits a polynomial of y on x to all rows, unlearns the unwanted rows with
EMSE, retrains without them, and prints R² on wanted rows, Exponential R² on unwanted rows and
Fair R² for each. Settings come from the forget list (<dataset>.forget.json) when present; flags
override. --unwanted-rows takes 1-based data-row numbers (row 1 is the first row after the header).
Exit codes: 0 done, 1 bad input or usage, 2 Fair R² after unlearning below --min-fair-r2.`;

class UsageError extends Error {}

const VALUE_FLAGS = ['forget', 'unwanted-rows', 'where', 'x', 'y', 'degree', 'sigma', 'lambda', 'min-fair-r2', 'report'] as const;
const BOOLEAN_FLAGS = ['json', 'help', 'version'] as const;
type Flags = Partial<Record<(typeof VALUE_FLAGS)[number], string>> & Partial<Record<(typeof BOOLEAN_FLAGS)[number], boolean>>;

function parseArgs(argv: string[]): { positional: string[]; flags: Flags } {
  const positional: string[] = [];
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if ((BOOLEAN_FLAGS as readonly string[]).includes(name)) {
      flags[name] = true;
    } else if ((VALUE_FLAGS as readonly string[]).includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      flags[name] = value;
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { positional, flags: flags as Flags };
}

function numberFlag(flags: Flags, name: 'degree' | 'lambda' | 'min-fair-r2'): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new UsageError(`--${name} must be a number, got "${raw}"`);
  return v;
}

function overridesFrom(flags: Flags): ModelSettings {
  const sigma = flags.sigma;
  let sigmaValue: number | 'auto' | undefined;
  if (sigma !== undefined) {
    sigmaValue = sigma === 'auto' ? 'auto' : Number(sigma);
    if (sigmaValue !== 'auto' && !(sigmaValue > 0)) throw new UsageError(`--sigma must be "auto" or a positive number, got "${sigma}"`);
  }
  return { x: flags.x, y: flags.y, degree: numberFlag(flags, 'degree'), sigma: sigmaValue, lambda: numberFlag(flags, 'lambda') };
}

function readText(file: string): string {
  try {
    return decodeUtf8(readFileSync(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UnlearnError(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : (e as Error).message, file);
  }
}

/** Writes beside the target and renames, so a reader never sees half a report. */
function writeAtomic(file: string, text: string): void {
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}`);
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

function metricTable(result: AuditResult): string {
  const rows: [string, keyof MetricSet][] = [
    ['Fair R²', 'fairR2'],
    ['R² wanted', 'r2Wanted'],
    ['Exp R² unwanted', 'expR2Unwanted'],
    ['Forget score', 'forgetScore'],
    ['MSE wanted', 'mseWanted'],
  ];
  const cells = [['', 'before', 'after', 'retrain'], ...rows.map(([label, key]) => [label, ...[result.before, result.after, result.retrain].map((m) => formatNumber(m[key]))])];
  const widths = cells[0].map((_, c) => Math.max(...cells.map((r) => r[c].length)));
  return cells.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('   ')).join('\n');
}

function humanSummary(result: AuditResult, minFairR2: number | undefined): string {
  const { dataset: d, model: m, after, diagnostics } = result;
  const out = [
    `Unlearn audit of ${d.path} (${d.format}): ${d.rows} rows, ${d.valid} valid, ${d.wanted} wanted, ${d.unwanted} unwanted` +
      (d.skipped ? `, ${d.skipped} skipped` : '') +
      (d.staleForgetEntries ? `, ${d.staleForgetEntries} stale forget-list entries` : ''),
    `Model: ${m.y} on ${m.x}, degree ${m.degree}, σ ${formatSetting(m.sigma)}${m.sigmaAuto ? ' (auto)' : ''}, λ ${formatSetting(m.lambda)}`,
    '',
    ...metricTable(result).split('\n'),
    '',
    `EMSE: ${plural(after.iterations, 'iteration')} ${describeEmseStart(after.start, diagnostics.emseStarts)}, ${after.converged ? 'converged' : 'NOT converged'}; distance to retraining ${formatNumber(diagnostics.distanceToRetrain)}; overlap ${formatNumber(diagnostics.overlapShare * 100)}%`,
  ];
  for (const s of result.skippedRows) out.push(`skipped: line ${s.line} (row ${s.row}): ${s.message}`);
  for (const w of diagnostics.warnings) out.push(`warning: ${w}`);
  out.push('', verdict(result, minFairR2).text);
  // Names come from the dataset: an escape sequence in one must be shown, not run by the terminal.
  return out.map(escapeControls).join('\n');
}

function audit(file: string, flags: Flags): number {
  const forgetPath = flags.forget ?? join(dirname(file), forgetListFileName(basename(file)));
  let forgetList: ForgetList | undefined;
  if (flags.forget !== undefined || existsSync(forgetPath)) forgetList = parseForgetList(readText(forgetPath), forgetPath);
  const minFairR2 = numberFlag(flags, 'min-fair-r2');
  const { result, points } = auditText({
    text: readText(file),
    fileName: file,
    path: relative(process.cwd(), file) || file,
    forgetList,
    unwantedRowRanges: flags['unwanted-rows'] ? parseRowRanges(flags['unwanted-rows']) : undefined,
    where: flags.where,
    overrides: overridesFrom(flags),
  });
  if (flags.report) writeAtomic(flags.report, renderReport(result, points, { minFairR2 }));
  process.stdout.write(flags.json ? JSON.stringify(result, null, 2) + '\n' : humanSummary(result, minFairR2) + '\n');
  return verdict(result, minFairR2).ok ? 0 : 2;
}

function parse(file: string, flags: Flags): number {
  const ds = parseDataset(readText(file), file);
  if (flags.json) {
    const rows = Array.from({ length: ds.rowCount }, (_, i) => ({ row: i + 1, line: ds.lineOf(i), values: ds.rowValues(i) }));
    process.stdout.write(JSON.stringify({ format: ds.format, columns: ds.columns, rows, errors: ds.errors }) + '\n');
  } else {
    process.stdout.write(escapeControls(`${file}: ${ds.format}, ${ds.rowCount} rows, columns ${ds.columns.join(', ')}`) + '\n');
    for (const e of ds.errors) process.stdout.write(escapeControls(`${file}:${e.line}: ${e.message}`) + '\n');
  }
  return 0;
}

export function main(argv: string[]): number {
  let dataset: string | undefined;
  try {
    const { positional, flags } = parseArgs(argv);
    if (flags.version) {
      process.stdout.write(`${version}\n`);
      return 0;
    }
    const [command, file, ...extra] = positional;
    if (flags.help || command === undefined || command === 'help') {
      process.stdout.write(USAGE + '\n');
      return flags.help || command === 'help' ? 0 : 1;
    }
    if (command !== 'audit' && command !== 'parse') throw new UsageError(`unknown command "${command}"`);
    if (!file) throw new UsageError(`${command} needs a dataset file`);
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    dataset = file;
    return command === 'audit' ? audit(file, flags) : parse(file, flags);
  } catch (e) {
    // One line, whatever the message holds (names from a dataset may hold line breaks or ESC).
    let message: string;
    if (e instanceof UsageError) {
      message = `${e.message} (see unlearn --help)`;
    } else if (e instanceof UnlearnError) {
      // An error that names no file is about the dataset being audited.
      message = (dataset === undefined ? e : (inFile(e, dataset) as UnlearnError)).describe();
    } else {
      message = `internal error: ${(e as Error).message ?? e}`;
    }
    process.stderr.write(`unlearn: ${escapeControls(message)}\n`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
