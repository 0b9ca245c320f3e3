// `unlearn`: the engine on the command line, for CI audits of a forget list.
// Exit codes: 0 done, 1 bad input or usage (one line on stderr, no stack trace),
// 2 a gate failed (Fair R² after unlearning below --min-fair-r2; diff's gates), 3 verify mismatch.
// The review commands (diff, audit --all, verify) live in src/cli/.

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { decodeUtf8, parseDataset } from './engine/dataset';
import { UnlearnError } from './engine/errors';
import { forgetListFileName, parseForgetList } from './engine/forgetList';
import { auditText, type AuditOutcome } from './engine/pipeline';
import type { SettingsLayer } from './engine/settings';
import { auditAll } from './cli/auditAll';
import { diff, diffAll } from './cli/diff';
import { receiptText, verify } from './cli/verify';
import { formatNumber, formatSetting, plural } from './engine/format';
import { renderReport } from './engine/report';
import { verdict } from './engine/verdict';
import type { AuditResult, ForgetList, MetricSet, ModelSettings } from './engine/types';
import { version } from '../package.json';

const USAGE = `Usage:
  unlearn audit <dataset> [--forget <file>] [--unwanted-rows 3,8,10-14] [--where '<expr>']
                [--x <column>] [--y <column>] [--degree <d>] [--sigma <s|auto>] [--lambda <l>]
                [--min-fair-r2 <v>] [--json] [--report <out.md>] [--receipt <out.json>]
  unlearn audit --all [<folder>] [--forget-pattern <pattern>] [options as above]
  unlearn diff <dataset> --base <git-ref | older forget list> [--head <git-ref>] [--json]
               [--markdown <out.md>] [--min-fair-r2 <v>] [--max-distance-to-retrain <d>]
               [--max-new-unwanted <n>] [--fail-on-stale]
  unlearn diff --all [<folder>] --base <git-ref> [options as above]
  unlearn verify <receipt.json> [--dataset <path>] [--json]
  unlearn parse <dataset> [--json]
  unlearn --help | --version

Audits a forget list: fits a polynomial of y on x to all rows, unlearns the unwanted rows with
EMSE, retrains without them, and prints R² on wanted rows, Exponential R² on unwanted rows and
Fair R² for each. Settings come from the forget list (<dataset>.forget.json) when present; flags
override. --unwanted-rows takes 1-based data-row numbers (row 1 is the first row after the header).
diff compares a forget list at --base with head (the working tree, or --head <ref>) entry by entry
and audits both sides; --all does it for every forget list under a folder. verify re-runs the audit
a receipt describes and checks every field.
Exit codes: 0 done, 1 bad input or usage, 2 a gate failed (audit, diff), 3 verify found a mismatch.`;

export class UsageError extends Error {}

const VALUE_FLAGS = [
  'forget', 'unwanted-rows', 'where', 'x', 'y', 'degree', 'sigma', 'lambda', 'min-fair-r2', 'report',
  'receipt', 'forget-pattern', 'base', 'head', 'markdown', 'max-distance-to-retrain', 'max-new-unwanted', 'dataset',
] as const;
const BOOLEAN_FLAGS = ['json', 'help', 'version', 'all', 'fail-on-stale'] as const;
export type Flags = Partial<Record<(typeof VALUE_FLAGS)[number], string>> & Partial<Record<(typeof BOOLEAN_FLAGS)[number], boolean>>;

export function parseArgs(argv: string[]): { positional: string[]; flags: Flags } {
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

export function numberFlag(flags: Flags, name: 'degree' | 'lambda' | 'min-fair-r2' | 'max-distance-to-retrain' | 'max-new-unwanted'): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new UsageError(`--${name} must be a number, got "${raw}"`);
  return v;
}

/** "3,8,10-14" → [3, 8, 10, 11, 12, 13, 14] */
export function parseRowList(spec: string): number[] {
  const rows: number[] = [];
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new UsageError(`--unwanted-rows: "${part}" is not a row number or range like 10-14`);
    const [from, to] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (from < 1 || to < from) throw new UsageError(`--unwanted-rows: "${part}" is not a valid range (rows start at 1)`);
    for (let r = from; r <= to; r++) rows.push(r);
  }
  return rows;
}

export function overridesFrom(flags: Flags): ModelSettings {
  const sigma = flags.sigma;
  let sigmaValue: number | 'auto' | undefined;
  if (sigma !== undefined) {
    sigmaValue = sigma === 'auto' ? 'auto' : Number(sigma);
    if (sigmaValue !== 'auto' && !(sigmaValue > 0)) throw new UsageError(`--sigma must be "auto" or a positive number, got "${sigma}"`);
  }
  return { x: flags.x, y: flags.y, degree: numberFlag(flags, 'degree'), sigma: sigmaValue, lambda: numberFlag(flags, 'lambda') };
}

export function readText(file: string): string {
  try {
    return decodeUtf8(readFileSync(file));
  } catch (e) {
    throw readError(e, file);
  }
}

function readError(e: unknown, file: string): UnlearnError {
  const code = (e as NodeJS.ErrnoException).code;
  return new UnlearnError(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : (e as Error).message, file);
}

/** Writes beside the target and renames, so a reader never sees half a report. */
export function writeAtomic(file: string, text: string): void {
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
    metricTable(result),
    '',
    `EMSE: ${plural(after.iterations, 'iteration')}, ${after.converged ? 'converged' : 'NOT converged'}; distance to retraining ${formatNumber(diagnostics.distanceToRetrain)}; overlap ${formatNumber(diagnostics.overlapShare * 100)}%`,
  ];
  for (const s of result.skippedRows) out.push(`skipped: line ${s.line} (row ${s.row}): ${s.message}`);
  for (const w of diagnostics.warnings) out.push(`warning: ${w}`);
  out.push('', verdict(result, minFairR2).text);
  return out.join('\n');
}

/** What an audit reads besides the dataset. `forget: null` means no forget list, even if one exists. */
export interface AuditFileOptions {
  forget?: string | null;
  unwantedRowNumbers?: number[];
  where?: string;
  overrides: SettingsLayer;
}

export function auditOptions(flags: Flags): AuditFileOptions {
  return {
    forget: flags.forget,
    unwantedRowNumbers: flags['unwanted-rows'] ? parseRowList(flags['unwanted-rows']) : undefined,
    where: flags.where,
    overrides: overridesFrom(flags),
  };
}

/** A file source: the disk, or a git commit (`unlearn diff`). `read` gives undefined for a missing file. */
export interface FileSource {
  read(file: string): Uint8Array | undefined;
  /** How messages name the file (e.g. "main:data/a.csv"). */
  name(file: string): string;
}

export const diskFiles: FileSource = {
  read(file) {
    try {
      return readFileSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw readError(e, file);
    }
  },
  name: (file) => file,
};

/** The bytes an audit read (for receipts and diffs) and its outcome. */
export interface AuditRun {
  outcome: AuditOutcome;
  dataset: { file: string; bytes: Uint8Array };
  forgetList?: { file: string; bytes: Uint8Array; list: ForgetList };
}

/** Reads a dataset and its forget list from `source` and audits them; each file is read once. */
export function auditFile(file: string, options: AuditFileOptions, source: FileSource = diskFiles): AuditRun {
  const bytes = source.read(file);
  if (bytes === undefined) throw new UnlearnError('no such file', source.name(file));
  const forgetPath = options.forget === null ? undefined : (options.forget ?? join(dirname(file), forgetListFileName(basename(file))));
  const forgetBytes = forgetPath === undefined ? undefined : source.read(forgetPath);
  if (options.forget && forgetBytes === undefined) throw new UnlearnError('no such file', source.name(options.forget));
  const forgetList = forgetBytes && forgetPath ? { file: forgetPath, bytes: forgetBytes, list: parseForgetList(decodeUtf8(forgetBytes), source.name(forgetPath)) } : undefined;
  const outcome = auditText({
    text: decodeUtf8(bytes),
    fileName: source.name(file),
    path: relative(process.cwd(), file) || file,
    forgetList: forgetList?.list,
    unwantedRowNumbers: options.unwantedRowNumbers,
    where: options.where,
    overrides: options.overrides,
  });
  return { outcome, dataset: { file, bytes }, forgetList };
}

function audit(file: string, flags: Flags): number {
  const minFairR2 = numberFlag(flags, 'min-fair-r2');
  const options = auditOptions(flags);
  const run = auditFile(file, options);
  const { result, points } = run.outcome;
  if (flags.report) writeAtomic(flags.report, renderReport(result, points, { minFairR2 }));
  if (flags.receipt) writeAtomic(flags.receipt, receiptText(run, options, flags.receipt));
  process.stdout.write(flags.json ? JSON.stringify(result, null, 2) + '\n' : humanSummary(result, minFairR2) + '\n');
  return verdict(result, minFairR2).ok ? 0 : 2;
}

function parse(file: string, flags: Flags): number {
  const ds = parseDataset(readText(file), file);
  if (flags.json) {
    const rows = Array.from({ length: ds.rowCount }, (_, i) => ({ row: i + 1, line: ds.lineOf(i), values: ds.rowValues(i) }));
    process.stdout.write(JSON.stringify({ format: ds.format, columns: ds.columns, rows, errors: ds.errors }) + '\n');
  } else {
    process.stdout.write(`${file}: ${ds.format}, ${ds.rowCount} rows, columns ${ds.columns.join(', ')}\n`);
    for (const e of ds.errors) process.stdout.write(`${file}:${e.line}: ${e.message}\n`);
  }
  return 0;
}

export function main(argv: string[]): number {
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
    if (!['audit', 'parse', 'diff', 'verify'].includes(command)) throw new UsageError(`unknown command "${command}"`);
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (flags.all && (command === 'audit' || command === 'diff')) return command === 'audit' ? auditAll(file ?? '.', flags) : diffAll(file ?? '.', flags);
    if (!file) throw new UsageError(command === 'verify' ? 'verify needs a receipt file' : `${command} needs a dataset file`);
    if (command === 'diff') return diff(file, flags);
    if (command === 'verify') return verify(file, flags);
    return command === 'audit' ? audit(file, flags) : parse(file, flags);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`unlearn: ${e.message} (see unlearn --help)\n`);
    } else if (e instanceof UnlearnError) {
      process.stderr.write(`unlearn: ${e.describe()}\n`);
    } else {
      process.stderr.write(`unlearn: internal error: ${(e as Error).message ?? e}\n`);
    }
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
