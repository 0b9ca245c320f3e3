// Receipts on the command line: `audit --receipt FILE` writes one, `unlearn verify FILE` re-runs
// the audit it describes and checks every field. Exit codes of verify: 0 everything matches,
// 3 a mismatch (each listed), 1 bad input (no such file, not a receipt, …).

import { dirname, relative, resolve } from 'node:path';
import { buildReceipt, checkReceipt, parseReceipt, receiptSettings, serializeReceipt, type Receipt, type ReceiptFile } from '../engine/receipt';
import { auditFile, displayPath as show, type AuditFileOptions, type AuditRun, type Flags } from '../cli';
import { readText } from '../nodeFiles';
import { receiptFileOf } from '../receiptDigest';
import { expandRowRanges } from '../engine/rowRanges';
import { version } from '../../package.json';

export const EXIT_MISMATCH = 3;

/** A file as the receipt records it: its path relative to the receipt's folder, so the pair can move together. */
function receiptFile(file: string, bytes: Uint8Array, receiptPath: string): ReceiptFile {
  const path = relative(dirname(resolve(receiptPath)), resolve(file)).split('\\').join('/');
  return receiptFileOf(path, bytes);
}

/** The rows picked by number, as 1-based row numbers (ranges are expanded once the audit has checked them). */
function selectedRowNumbers(run: AuditRun, options: AuditFileOptions): number[] | undefined {
  if (!options.unwantedRowRanges) return options.unwantedRowNumbers;
  return expandRowRanges(options.unwantedRowRanges, run.outcome.dataset.rowCount, run.dataset.file).map((i) => i + 1);
}

export function buildRunReceipt(run: AuditRun, options: AuditFileOptions, receiptPath: string): Receipt {
  return buildReceipt({
    result: run.outcome.result,
    optimiser: { maxIterations: options.overrides.maxIterations, tolerance: options.overrides.tolerance },
    dataset: receiptFile(run.dataset.file, run.dataset.bytes, receiptPath),
    forgetList: run.forgetList && receiptFile(run.forgetList.file, run.forgetList.bytes, receiptPath),
    selection: { unwantedRowNumbers: selectedRowNumbers(run, options), where: options.where },
    engineVersion: version,
    createdAt: new Date().toISOString(),
  });
}

export function receiptText(run: AuditRun, options: AuditFileOptions, receiptPath: string): string {
  return serializeReceipt(buildRunReceipt(run, options, receiptPath));
}

export function verify(receiptPath: string, flags: Flags): number {
  const expected = parseReceipt(readText(receiptPath), receiptPath);
  const base = dirname(resolve(receiptPath));
  const datasetPath = flags.dataset ?? resolve(base, expected.dataset.path);
  const forgetPath = flags.forget ?? (expected.forgetList ? resolve(base, expected.forgetList.path) : null);
  const options: AuditFileOptions = {
    forget: forgetPath,
    unwantedRowNumbers: expected.selection.unwantedRowNumbers,
    where: expected.selection.where,
    overrides: receiptSettings(expected),
  };
  const run = auditFile(datasetPath, options);
  const actual = buildRunReceipt(run, options, receiptPath);
  const mismatches = checkReceipt(expected, actual);
  const code = mismatches.length === 0 ? 0 : EXIT_MISMATCH;

  if (flags.json) {
    process.stdout.write(JSON.stringify({ receipt: show(receiptPath), dataset: show(datasetPath), match: code === 0, mismatches }, null, 2) + '\n');
    return code;
  }
  const out = [`Unlearn verify of ${show(receiptPath)}: re-ran the audit of ${show(datasetPath)}${forgetPath ? ` with ${show(forgetPath)}` : ''} (engine ${version}; receipt made by ${expected.engineVersion})`];
  if (code === 0) {
    out.push(`MATCH: every field of the receipt is reproduced exactly (SHA-256 of the inputs, settings, ${expected.unwantedRows.length} unwanted rows, bit-identical coefficients of the three models, metrics).`);
  } else {
    out.push(`MISMATCH: ${mismatches.length} field${mismatches.length === 1 ? '' : 's'} differ${mismatches.length === 1 ? 's' : ''}:`);
    const shown = mismatches.slice(0, 50);
    for (const m of shown) out.push(`  ${m.field}: receipt ${m.expected}, re-run ${m.actual}`);
    if (mismatches.length > shown.length) out.push(`  …and ${mismatches.length - shown.length} more (see --json)`);
    const inputs = mismatches.filter((m) => /^(dataset|forgetList)\.(sha256|bytes)$/.test(m.field));
    if (inputs.length) out.push('The input files are not the bytes the receipt was made from.');
    else if (expected.engineVersion !== version) out.push(`The receipt was made by Unlearn ${expected.engineVersion}; results are bit-identical only on the same version.`);
  }
  process.stdout.write(out.join('\n') + '\n');
  return code;
}
