// How `unlearn diff` shows a review: plain text for the terminal, Markdown for a pull-request
// comment. The Markdown uses only what GitHub renders (tables, <details>, no inline SVG, no
// chart: see README "Code review"), passes every piece of dataset and forget-list text through
// inertMarkdown, and stays under GitHub's comment limit by listing fewer rows per list.

import { changeRow, changesOfKind, plain, type EntryChange, type EntryChangeKind, type ForgetDiff } from '../engine/forgetDiff';
import { formatNumber, formatSetting } from '../engine/format';
import { inertMarkdown } from '../engine/markdown';
import type { AuditResult } from '../engine/types';
import type { DatasetReview, Review } from './diff';
import { textTable } from './table';

/** GitHub's limit on a comment body, in characters. */
export const GITHUB_COMMENT_LIMIT = 65536;

const KIND_TITLES: Record<EntryChangeKind, string> = {
  added: 'Added',
  removed: 'Removed',
  reasonChanged: 'Reason changed',
  turnedStale: 'Turned stale',
  rematched: 'Re-matched to another row',
};

const KINDS = Object.keys(KIND_TITLES) as EntryChangeKind[];

interface MetricRow {
  label: string;
  value: (r: AuditResult) => number;
  /** Shown as a percentage. */
  percent?: boolean;
  /** Whole numbers: the delta is a count. */
  count?: boolean;
}

const METRICS: MetricRow[] = [
  { label: 'Fair R² after EMSE', value: (r) => r.after.fairR2 },
  { label: 'R² wanted after EMSE', value: (r) => r.after.r2Wanted },
  { label: 'Exp R² unwanted after EMSE', value: (r) => r.after.expR2Unwanted },
  { label: 'Forget score after EMSE', value: (r) => r.after.forgetScore },
  { label: 'Fair R² retrained (yardstick)', value: (r) => r.retrain.fairR2 },
  { label: 'Distance to retraining', value: (r) => r.diagnostics.distanceToRetrain },
  { label: 'Overlap with wanted rows', value: (r) => r.diagnostics.overlapShare, percent: true },
  { label: 'Unwanted rows', value: (r) => r.dataset.unwanted, count: true },
  { label: 'Stale entries', value: (r) => r.dataset.staleForgetEntries, count: true },
  { label: 'Rows', value: (r) => r.dataset.rows, count: true },
];

function cell(row: MetricRow, r: AuditResult | undefined): string {
  if (!r) return '—';
  const v = row.value(r);
  return row.count ? String(v) : row.percent ? `${formatNumber(v * 100)}%` : formatNumber(v);
}

function delta(row: MetricRow, base: AuditResult | undefined, head: AuditResult | undefined): string {
  if (!base || !head) return '';
  const d = row.value(head) - row.value(base);
  if (Number.isNaN(d)) return 'n/a';
  if (d === 0) return '0';
  const shown = row.count ? String(Math.abs(d)) : formatNumber(Math.abs(row.percent ? d * 100 : d)) + (row.percent ? ' pt' : '');
  return `${d > 0 ? '+' : '−'}${shown}`;
}

function countsLine(diff: ForgetDiff): string {
  const parts = KINDS.map((k) => `${diff.counts[k]} ${KIND_TITLES[k].toLowerCase()}`);
  return `${diff.base.entries} → ${diff.head.entries} entries: ${parts.join(', ')}`;
}

function settingsChanges(d: DatasetReview): string[] {
  const out = (d.diff?.model ?? []).map((c) => `${c.key} ${show(c.base)} → ${show(c.head)}`);
  if (d.base && d.head && out.length === 0) {
    const [b, h] = [d.base.model, d.head.model];
    if (b.sigma !== h.sigma) out.push(`σ used ${formatSetting(b.sigma)} → ${formatSetting(h.sigma)}${h.sigmaAuto ? ' (auto)' : ''}`);
  }
  return out;
}

function show(v: unknown): string {
  return v === undefined ? '(default)' : typeof v === 'number' ? formatSetting(v) : String(v);
}

function who(c: EntryChange): string {
  return c.by ? `${c.added} by ${c.by}` : c.added;
}

/** Where a change's row is, in words: "row 12, line 13", "row 4 → 5", "stale (was row 7)". */
function whereText(c: EntryChange): string {
  const [b, h] = [c.base?.row, c.head?.row];
  if (c.kinds.includes('turnedStale') || (c.head && !h)) return b ? `stale (was row ${b.row}, line ${b.line})` : 'stale';
  if (c.kinds.includes('rematched') && b && h) return `row ${b.row} → ${h.row}, line ${h.line}`;
  const r = h ?? b;
  return r ? `row ${r.row}, line ${r.line}` : 'stale';
}

function reasonText(c: EntryChange): string {
  return c.previousReason !== undefined ? `“${c.previousReason}” → “${c.reason}”` : `“${c.reason}”`;
}

// ---------------------------------------------------------------- text

export function renderReviewText(review: Review, maxRows = 20): string {
  const out = [`Unlearn diff: base ${plain(review.base)} → head ${plain(review.head)}`];
  for (const d of review.datasets) {
    out.push('');
    if (d.status === 'error') {
      out.push(`${plain(d.forgetList)}: error: ${plain(d.error ?? '')}`);
      continue;
    }
    if (d.status === 'unchanged') {
      out.push(`${plain(d.dataset)}: unchanged`);
      continue;
    }
    const diff = d.diff!;
    out.push(`${plain(d.dataset)} (forget list ${plain(d.forgetList)})${!d.base ? ' — new at head' : !d.head ? ' — gone at head' : ''}`);
    out.push(`  Forget list: ${countsLine(diff)}`);
    const settings = settingsChanges(d);
    if (settings.length) out.push(`  Settings: ${plain(settings.join(', '))}`);
    for (const kind of KINDS) {
      const changes = changesOfKind(diff, kind);
      if (changes.length === 0) continue;
      out.push(`  ${KIND_TITLES[kind]} (${changes.length})`);
      for (const c of changes.slice(0, maxRows)) {
        out.push(`    ${whereText(c)}: ${plain(changeRow(c)?.preview ?? '')} — ${plain(reasonText(c))} (${plain(who(c))})`);
      }
      if (changes.length > maxRows) out.push(`    …and ${changes.length - maxRows} more (see --json or --markdown)`);
    }
    out.push('');
    const rows = [['  Metric', 'base', 'head', 'Δ'], ...METRICS.map((m) => [`  ${m.label}`, cell(m, d.base), cell(m, d.head), delta(m, d.base, d.head)])];
    out.push(textTable(rows));
    if (d.head?.diagnostics.independenceDoubtful) out.push('  warning: at head, unwanted rows overlap wanted ones; Fair R²’s independence assumption is doubtful.');
    out.push('');
    for (const g of d.gates) out.push(`  ${g.ok ? 'ok    ' : 'FAILED'}  ${g.name}: ${g.text}`);
  }
  out.push('', resultLine(review));
  return out.join('\n');
}

function resultLine(review: Review): string {
  const failed = review.datasets.flatMap((d) => d.gates.filter((g) => !g.ok));
  const errors = review.datasets.filter((d) => d.status === 'error').length;
  if (errors) return `Result: ${errors} forget list${errors === 1 ? '' : 's'} could not be reviewed (exit code 1).`;
  if (failed.length) return `Result: ${failed.length} gate${failed.length === 1 ? '' : 's'} failed (exit code 2).`;
  const changed = review.datasets.filter((d) => d.status === 'changed').length;
  return changed ? `Result: all gates passed (${changed} changed forget list${changed === 1 ? '' : 's'}).` : 'Result: no forget list changed.';
}

// ---------------------------------------------------------------- Markdown

const md = inertMarkdown;

/** The PR comment, with as many rows per list as fit under GitHub's limit. */
export function renderReviewMarkdown(review: Review): string {
  for (const maxRows of [50, 20, 5, 0]) {
    const text = markdown(review, maxRows, true);
    if (text.length < GITHUB_COMMENT_LIMIT) return text;
  }
  return markdown(review, 0, false); // the summary table alone
}

function markdown(review: Review, maxRows: number, details: boolean): string {
  const lines: string[] = ['## Unlearn: forget-list review', ''];
  lines.push(`Base **${md(review.base)}** → head **${md(review.head)}**.`, '');
  lines.push(`> ${md(resultLine(review).replace(/^Result: /, ''))}`, '');
  lines.push(
    '| Dataset | Entries | Added | Removed | Reason changed | Turned stale | Re-matched | Fair R² after EMSE | Distance to retraining | Result |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  );
  for (const d of review.datasets) {
    const c = d.diff?.counts;
    const arrow = (f: (r: AuditResult) => number) => `${d.base ? formatNumber(f(d.base)) : '—'} → ${d.head ? formatNumber(f(d.head)) : '—'}`;
    const result = d.status === 'error' ? 'error' : d.status === 'unchanged' ? 'unchanged' : d.gates.every((g) => g.ok) ? 'pass' : '**FAIL**';
    lines.push(
      d.diff && d.status === 'changed'
        ? `| ${md(d.dataset)} | ${d.diff.base.entries} → ${d.diff.head.entries} | ${c!.added} | ${c!.removed} | ${c!.reasonChanged} | ${c!.turnedStale} | ${c!.rematched} | ${arrow((r) => r.after.fairR2)} | ${arrow((r) => r.diagnostics.distanceToRetrain)} | ${result} |`
        : `| ${md(d.dataset)} | | | | | | | | | ${result} |`,
    );
  }
  lines.push('');
  if (!details) {
    lines.push('_The full review is too long for one comment: run `unlearn diff` locally or see the job summary artifact._', '');
    return lines.join('\n');
  }
  for (const d of review.datasets) {
    if (d.status === 'unchanged') continue;
    lines.push(`### ${md(d.dataset)}`, '');
    if (d.status === 'error') {
      lines.push(`Could not be reviewed: ${md(d.error ?? '')}`, '');
      continue;
    }
    const diff = d.diff!;
    lines.push(`Forget list ${md(d.forgetList)}: ${md(countsLine(diff))}.${!d.base ? ' New at head.' : !d.head ? ' Gone at head.' : ''}`, '');
    const settings = settingsChanges(d);
    if (settings.length) lines.push(`Settings changed: ${md(settings.join(', '))}.`, '');
    for (const g of d.gates) lines.push(`- ${g.ok ? '✅' : '❌'} ${md(g.name)}: ${md(g.text)}`);
    if (d.gates.length) lines.push('');
    lines.push('| Metric | Base | Head | Δ |', '|---|---:|---:|---:|');
    for (const m of METRICS) lines.push(`| ${m.label} | ${cell(m, d.base)} | ${cell(m, d.head)} | ${delta(m, d.base, d.head)} |`);
    lines.push('');
    if (d.head?.diagnostics.independenceDoubtful) lines.push('> ⚠️ At head, unwanted rows overlap wanted ones: Fair R²’s independence assumption is doubtful.', '');
    for (const kind of KINDS) {
      const changes = changesOfKind(diff, kind);
      if (changes.length === 0) continue;
      const table = ['| Where | Row content | Reason | Added |', '|---|---|---|---|'];
      for (const c of changes.slice(0, maxRows)) {
        table.push(`| ${md(whereText(c))} | ${md(changeRow(c)?.preview ?? '')} | ${md(reasonText(c))} | ${md(who(c))} |`);
      }
      if (changes.length > maxRows) table.push('', `…and ${changes.length - maxRows} more; \`unlearn diff --json\` lists all.`);
      const title = `${KIND_TITLES[kind]} (${changes.length})`;
      if (changes.length > 10) lines.push('<details>', `<summary>${title}</summary>`, '', ...table, '', '</details>', '');
      else lines.push(`#### ${title}`, '', ...table, '');
    }
  }
  return lines.join('\n');
}
