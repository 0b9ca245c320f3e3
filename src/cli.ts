// `unlearn`: the engine on the command line, for CI audits of a forget list.
// Exit codes: 0 done, 1 bad input or usage (one line on stderr, no stack trace),
// 2 a gate failed: the verdict (src/engine/verdict.ts: over-forgot, worse for the wanted rows, a
// metric not a number, Fair R² below --min-fair-r2) or one of diff's gates; 3 verify mismatch.
// The review commands (diff, audit --all, verify) live in src/cli/.

import { basename, dirname, join, relative } from 'node:path';
import { parseDataset } from './engine/dataset';
import { inFile, UnlearnError } from './engine/errors';
import { forgetListFileName, parseForgetList } from './engine/forgetList';
import { auditText } from './engine/pipeline';
import { auditStream } from './engine/streamAudit';
import { describeEmseStart, escapeControls, formatNumber, formatSetting, plural } from './engine/format';
import { renderReport } from './engine/report';
import { parseRowRanges, type RowRange } from './engine/rowRanges';
import { writeJson } from './jsonOut';
import { checkWritable, fileSize, pathExists, readBytes, readText, readTextInPieces, refuseOverwritingInputs, writeFileAtomic } from './nodeFiles';
import { decodeText } from './engine/encoding';
import { columnsGuessed } from './engine/settings';
import { verdict, type Verdict } from './engine/verdict';
import type { AuditResult, ChartPoints, ForgetList, MetricSet, ModelSettings } from './engine/types';
import { version } from '../package.json';
import type { AuditOutcome } from './engine/pipeline';
import type { SettingsLayer } from './engine/settings';
import { auditAll } from './cli/auditAll';
import { diff, diffAll } from './cli/diff';
import { receiptText, verify } from './cli/verify';

const USAGE = `Usage:
  unlearn audit <dataset> [--forget <file>] [--unwanted-rows 3,8,10-14] [--where '<expr>']
                [--x <column>] [--y <column>] [--degree <d>] [--sigma <s|auto>] [--lambda <l>]
                [--min-fair-r2 <v>] [--json] [--report <out.md>] [--strict] [--receipt <out.json>]
  unlearn audit --all [<folder>] [--forget-pattern <pattern>] [options as above]
  unlearn diff <dataset> --base <git-ref | older forget list> [--head <git-ref>] [--json]
               [--markdown <out.md>] [--min-fair-r2 <v>] [--max-distance-to-retrain <d>]
               [--max-new-unwanted <n>] [--fail-on-stale]
  unlearn diff --all [<folder>] --base <git-ref> [options as above]
  unlearn verify <receipt.json> [--dataset <path>] [--forget <path>] [--json]
  unlearn parse <dataset> [--json]
  unlearn --help | --version

Audits a forget list: fits a polynomial of y on x to all rows, unlearns the unwanted rows with
EMSE, retrains without them, and prints R² on wanted rows, Exponential R² on unwanted rows and
Fair R² for each. Settings come from the forget list (<dataset>.forget.json) when present; flags
override. --unwanted-rows takes 1-based data-row numbers (row 1 is the first row after the header).
Parse problems (broken quotes, ragged rows, invalid JSON lines) are reported; --strict makes them
an error. Files must be UTF-8 or UTF-16 (with a BOM); other bytes are refused with their line.
--report never overwrites the dataset or its forget list.
The verdict judges the unlearned model against exact retraining (see the README).
diff compares a forget list at --base with head (the working tree, or --head <ref>) entry by entry
and audits both sides; --all does it for every forget list under a folder. verify re-runs the audit
a receipt describes and checks every field.
Exit codes: 0 done, 1 bad input or usage, 2 the verdict or a gate failed (over-forgot, worse for
the wanted rows, a metric not a number, Fair R² below --min-fair-r2, diff's gates), 3 verify
found a mismatch.`;

export class UsageError extends Error {}

const VALUE_FLAGS = [
  'forget', 'unwanted-rows', 'where', 'x', 'y', 'degree', 'sigma', 'lambda', 'min-fair-r2', 'report',
  'receipt', 'forget-pattern', 'base', 'head', 'markdown', 'max-distance-to-retrain', 'max-new-unwanted', 'dataset',
] as const;
const BOOLEAN_FLAGS = ['json', 'strict', 'help', 'version', 'all', 'fail-on-stale'] as const;
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

export function overridesFrom(flags: Flags): ModelSettings {
  const sigma = flags.sigma;
  let sigmaValue: number | 'auto' | undefined;
  if (sigma !== undefined) {
    sigmaValue = sigma === 'auto' ? 'auto' : Number(sigma);
    if (sigmaValue !== 'auto' && !(sigmaValue > 0)) throw new UsageError(`--sigma must be "auto" or a positive number, got "${sigma}"`);
  }
  return { x: flags.x, y: flags.y, degree: numberFlag(flags, 'degree'), sigma: sigmaValue, lambda: numberFlag(flags, 'lambda') };
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

function humanSummary(result: AuditResult, judged: Verdict, guessed: boolean): string {
  const { dataset: d, model: m, after, diagnostics } = result;
  const out = [
    `Unlearn audit of ${d.path} (${d.format}): ${d.rows} rows, ${d.valid} valid, ${d.wanted} wanted, ${d.unwanted} unwanted` +
      (d.skipped ? `, ${d.skipped} skipped` : '') +
      (d.staleForgetEntries ? `, ${d.staleForgetEntries} stale forget-list entries` : ''),
    `Model: ${m.y} on ${m.x}${guessed ? ' (x and y are a guess: pass --x and --y, or set them in the forget list\'s model)' : ''}, degree ${m.degree}, σ ${formatSetting(m.sigma)}${m.sigmaAuto ? ' (auto)' : ''}, λ ${formatSetting(m.lambda)}`,
    '',
    ...metricTable(result).split('\n'),
    '',
    `EMSE: ${plural(after.iterations, 'iteration')} ${describeEmseStart(after.start, diagnostics.emseStarts)}, ${after.converged ? 'converged' : 'NOT converged'}; distance to retraining ${formatNumber(diagnostics.distanceToRetrain)}; overlap ${formatNumber(diagnostics.overlapShare * 100)}%`,
  ];
  for (const s of result.skippedRows) out.push(`skipped: line ${s.line} (row ${s.row}): ${s.message}`);
  const problems = result.parseProblems;
  if (problems && problems.count > 0) {
    const listed = problems.count > problems.first.length ? `, the first ${problems.first.length}` : '';
    out.push(`parse problems: ${problems.count} (rows not read, or read irregularly${listed}; --strict makes them an error):`);
    for (const p of problems.first) out.push(`  ${d.path}:${p.line}: ${p.message}`);
  }
  for (const w of diagnostics.warnings) out.push(`warning: ${w}`);
  out.push('', judged.text);
  // Names come from the dataset: an escape sequence in one must be shown, not run by the terminal.
  return out.map(escapeControls).join('\n');
}

/** What an audit reads besides the dataset. `forget: null` means no forget list, even if one exists. */
export interface AuditFileOptions {
  forget?: string | null;
  /** From a receipt (already expanded). */
  unwantedRowNumbers?: number[];
  /** From --unwanted-rows: kept as ranges until the row count is known. */
  unwantedRowRanges?: RowRange[];
  where?: string;
  strict?: boolean;
  overrides: SettingsLayer;
}

export function auditOptions(flags: Flags): AuditFileOptions {
  return {
    forget: flags.forget,
    unwantedRowRanges: flags['unwanted-rows'] ? parseRowRanges(flags['unwanted-rows']) : undefined,
    where: flags.where,
    strict: flags.strict,
    overrides: overridesFrom(flags),
  };
}

/** A path as messages and tables show it: relative to the current folder. */
export function displayPath(file: string): string {
  return relative(process.cwd(), file) || file;
}

/** A file source: the disk, or a git commit (`unlearn diff`). `read` gives undefined for a missing file. */
export interface FileSource {
  read(file: string): Uint8Array | undefined;
  /** How messages name the file (e.g. "main:data/a.csv"). */
  name(file: string): string;
}

/** A dangling symbolic link exists (lstat) and fails to read: an error, never "absent". */
export const diskFiles: FileSource = {
  read: (file) => (pathExists(file) ? readBytes(file) : undefined),
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
  const forgetList = forgetBytes && forgetPath ? { file: forgetPath, bytes: forgetBytes, list: parseForgetList(decodeText(forgetBytes, source.name(forgetPath)), source.name(forgetPath)) } : undefined;
  const outcome = auditText({
    text: decodeText(bytes, source.name(file)),
    fileName: source.name(file),
    path: displayPath(file),
    forgetList: forgetList?.list,
    unwantedRowNumbers: options.unwantedRowNumbers,
    unwantedRowRanges: options.unwantedRowRanges,
    where: options.where,
    strict: options.strict,
    overrides: options.overrides,
  });
  return { outcome, dataset: { file, bytes }, forgetList };
}

const stdout = (chunk: string): void => void process.stdout.write(chunk);

/** Refuses, before any work, an output that would replace an input or cannot be written. */
export function checkOutput(output: string, flag: string, inputs: { file: string; role: string }[]): void {
  refuseOverwritingInputs(output, flag, inputs);
  checkWritable(output);
}

/** Files above this size are audited streamed (see auditStream); 1M typical rows take ~30 MB. */
const STREAM_ABOVE_BYTES = 48 * 1024 * 1024;

function audit(file: string, flags: Flags): number {
  const forgetPath = flags.forget ?? join(dirname(file), forgetListFileName(basename(file)));
  const inputs = [
    { file, role: 'dataset' },
    { file: forgetPath, role: 'forget list' },
  ];
  if (flags.report) checkOutput(flags.report, '--report', inputs);
  if (flags.receipt) checkOutput(flags.receipt, '--receipt', inputs);
  const minFairR2 = numberFlag(flags, 'min-fair-r2');
  const options = auditOptions(flags);
  let result: AuditResult;
  let points: ChartPoints;
  let listModel: ModelSettings | undefined;
  if (flags.receipt) {
    // A receipt names the bytes audited: each file is read once, hashed and audited from memory.
    const run = auditFile(file, options);
    ({ result, points } = run.outcome);
    listModel = run.forgetList?.list.model;
    writeFileAtomic(flags.receipt, receiptText(run, options, flags.receipt));
  } else {
    let forgetList: ForgetList | undefined;
    // A dangling symbolic link exists (lstat) and fails to read: an error, never "no forget list".
    if (flags.forget !== undefined || pathExists(forgetPath)) forgetList = parseForgetList(readText(forgetPath), forgetPath);
    const request = {
      fileName: file,
      path: displayPath(file),
      forgetList,
      unwantedRowRanges: options.unwantedRowRanges,
      where: options.where,
      strict: options.strict,
      overrides: options.overrides,
    };
    // A large file is read in pieces (twice), so memory stays flat however big it is; a smaller
    // one is read whole, which is faster (one parse) and takes a bounded amount of memory.
    ({ result, points } =
      fileSize(file) > STREAM_ABOVE_BYTES ? auditStream(request, readTextInPieces(file)) : auditText({ ...request, text: readText(file) }));
    listModel = forgetList?.model;
  }
  if (flags.report) writeFileAtomic(flags.report, renderReport(result, points, { minFairR2 }));
  const judged = verdict(result, minFairR2);
  const { kind, ok, text } = judged;
  if (flags.json) writeJson({ ...result, verdict: { kind, ok, text } }, 'unwantedRows', result.unwantedRows, stdout, 2);
  else stdout(humanSummary(result, judged, columnsGuessed(result.model, listModel, options.overrides)) + '\n');
  return ok ? 0 : 2;
}

function parse(file: string, flags: Flags): number {
  const ds = parseDataset(readText(file), file);
  if (flags.json) {
    function* rows() {
      for (let i = 0; i < ds.rowCount; i++) yield { row: i + 1, line: ds.lineOf(i), values: ds.rowValues(i) };
    }
    writeJson({ format: ds.format, columns: ds.columns, errors: ds.errors }, 'rows', rows(), stdout);
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
    if (!['audit', 'parse', 'diff', 'verify'].includes(command)) throw new UsageError(`unknown command "${command}"`);
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (flags.all && (command === 'audit' || command === 'diff')) return command === 'audit' ? auditAll(file ?? '.', flags) : diffAll(file ?? '.', flags);
    dataset = file;
    if (!file) throw new UsageError(command === 'verify' ? 'verify needs a receipt file' : `${command} needs a dataset file`);
    if (command === 'diff') return diff(file, flags);
    if (command === 'verify') return verify(file, flags);
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
