// `unlearn audit --all [folder]`: every forget list under a folder audited, one summary table,
// the worst exit code. A list that cannot be read is reported and the others still run.

import { relative } from 'node:path';
import { UnlearnError } from '../engine/errors';
import { formatNumber } from '../engine/format';
import { parseForgetList } from '../engine/forgetList';
import { verdict } from '../engine/verdict';
import type { AuditResult } from '../engine/types';
import { auditFile, auditOptions, numberFlag, readText, UsageError, type Flags } from '../cli';
import { datasetOfList, DEFAULT_FORGET_PATTERN, findForgetLists } from './discover';
import { textTable, worstExitCode } from './table';

interface ListAudit {
  forgetList: string;
  dataset?: string;
  exitCode: number;
  verdict?: string;
  error?: string;
  result?: AuditResult;
}

/** Flags that name one dataset's rows or outputs make no sense for many datasets. */
export function refuseSingleDatasetFlags(flags: Flags, command: string): void {
  for (const name of ['unwanted-rows', 'where', 'report', 'receipt', 'forget'] as const) {
    if (flags[name] !== undefined) throw new UsageError(`--${name} names one dataset's rows or files and cannot be used with ${command} --all`);
  }
}

export function auditAll(folder: string, flags: Flags): number {
  refuseSingleDatasetFlags(flags, 'audit');
  const pattern = flags['forget-pattern'] ?? DEFAULT_FORGET_PATTERN;
  const minFairR2 = numberFlag(flags, 'min-fair-r2');
  const options = auditOptions(flags);
  const lists = findForgetLists(folder, pattern);
  if (lists.length === 0) throw new UnlearnError(`no forget lists (${pattern}) found under this folder`, folder);
  const show = (file: string) => relative(process.cwd(), file) || file;

  const audits: ListAudit[] = lists.map((listFile) => {
    try {
      const dataset = datasetOfList(listFile, parseForgetList(readText(listFile), show(listFile)));
      const { result } = auditFile(dataset, { ...options, forget: listFile }).outcome;
      const v = verdict(result, minFairR2);
      return { forgetList: show(listFile), dataset: show(dataset), exitCode: v.ok ? 0 : 2, verdict: v.text, result };
    } catch (e) {
      if (!(e instanceof UnlearnError)) throw e;
      return { forgetList: show(listFile), exitCode: 1, error: e.describe() };
    }
  });
  const exitCode = worstExitCode(audits.map((a) => a.exitCode));

  if (flags.json) {
    const out = audits.map(({ result, ...a }) => ({ ...a, ...(result && { summary: summaryOf(result) }) }));
    process.stdout.write(JSON.stringify({ folder: show(folder), pattern, exitCode, lists: out }, null, 2) + '\n');
    return exitCode;
  }
  const rows = [['Dataset', 'Rows', 'Unwanted', 'Stale', 'Fair R² before → after', 'Distance to retrain', 'Result']];
  for (const a of audits) {
    const r = a.result;
    rows.push(
      r
        ? [a.dataset!, String(r.dataset.rows), String(r.dataset.unwanted), String(r.dataset.staleForgetEntries), `${formatNumber(r.before.fairR2)} → ${formatNumber(r.after.fairR2)}`, formatNumber(r.diagnostics.distanceToRetrain), a.exitCode === 0 ? 'pass' : 'FAIL']
        : [a.forgetList, '', '', '', '', '', 'ERROR'],
    );
  }
  const out = [`Unlearn audit of ${audits.length} forget list${audits.length === 1 ? '' : 's'} under ${show(folder)}`, '', textTable(rows), ''];
  for (const a of audits) out.push(a.error ? `error: ${a.error}` : `${a.dataset}: ${a.verdict}`);
  out.push('', exitCode === 0 ? 'All passed.' : exitCode === 2 ? 'A gate failed (exit code 2).' : 'A forget list or dataset could not be audited (exit code 1).');
  process.stdout.write(out.join('\n') + '\n');
  return exitCode;
}

/** The numbers a summary needs, without the curve and per-row evidence. */
export function summaryOf(r: AuditResult) {
  return { dataset: r.dataset, model: r.model, before: r.before, after: r.after, retrain: r.retrain, diagnostics: r.diagnostics };
}
