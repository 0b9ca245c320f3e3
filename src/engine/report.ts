// The audit report: Markdown a reviewer reads in a pull request, with the chart of the three
// curves over the data embedded as inline SVG (no external files, nothing to fetch).
// Every string that comes from the dataset (column names, the path) is escaped: inertMarkdown
// in Markdown, escapeXml in the SVG.

import { escapeXml, inertMarkdown } from './markdown';
import { describeEmseStart, formatNumber, formatSetting, plural } from './format';
import type { AuditResult, ChartPoints, MetricSet } from './types';
import { verdict } from './verdict';

/** Round tick values ("nice numbers") spanning [lo, hi]. */
function ticks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= count) ?? 10 * mag;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

const CURVES = [
  { key: 'before', label: 'Before (trained on all rows)', color: '#b26b00', dash: '7 4' },
  { key: 'after', label: 'After EMSE unlearning', color: '#1f6fd1', dash: '' },
  { key: 'retrain', label: 'Retrained without unwanted rows', color: '#2e8b57', dash: '2 3' },
] as const;

/** The data and the three fitted curves as a self-contained SVG (white background: readable in dark mode too). */
export function renderChartSvg(result: AuditResult, points?: ChartPoints, maxPoints = 3000): string {
  const W = 720, H = 420, left = 64, right = 16, top = 28, bottom = 78;
  const { curve } = result;
  const step = points ? Math.max(1, Math.ceil(points.x.length / maxPoints)) : 1;
  const shown: number[] = [];
  if (points) for (let i = 0; i < points.x.length; i++) if (points.unwanted[i] || i % step === 0) shown.push(i);

  const xs = [...curve.x, ...shown.map((i) => points!.x[i])];
  const ys = [...curve.before, ...curve.after, ...curve.retrain, ...shown.map((i) => points!.y[i])];
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const pad = (y1 - y0) * 0.05 || 1;
  y0 -= pad;
  y1 += pad;
  const sx = (x: number) => left + ((x - x0) / (x1 - x0 || 1)) * (W - left - right);
  const sy = (y: number) => top + (1 - (y - y0) / (y1 - y0)) * (H - top - bottom);
  const f = (v: number) => v.toFixed(1);

  const parts: string[] = [];
  parts.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  for (const t of ticks(x0, x1)) {
    parts.push(`<line x1="${f(sx(t))}" y1="${top}" x2="${f(sx(t))}" y2="${H - bottom}" stroke="#e4e4e4"/>`);
    parts.push(`<text x="${f(sx(t))}" y="${H - bottom + 16}" text-anchor="middle">${formatNumber(t)}</text>`);
  }
  for (const t of ticks(y0, y1)) {
    parts.push(`<line x1="${left}" y1="${f(sy(t))}" x2="${W - right}" y2="${f(sy(t))}" stroke="#e4e4e4"/>`);
    parts.push(`<text x="${left - 6}" y="${f(sy(t) + 4)}" text-anchor="end">${formatNumber(t)}</text>`);
  }
  parts.push(`<rect x="${left}" y="${top}" width="${W - left - right}" height="${H - top - bottom}" fill="none" stroke="#888"/>`);
  for (const i of shown) {
    const px = f(sx(points!.x[i])), py = f(sy(points!.y[i]));
    parts.push(
      points!.unwanted[i]
        ? `<path d="M${px} ${py}m-3.5 -3.5l7 7m0 -7l-7 7" stroke="#c62828" stroke-width="1.6"/>`
        : `<circle cx="${px}" cy="${py}" r="2.4" fill="#5f6b7a" fill-opacity="0.7"/>`,
    );
  }
  for (const c of CURVES) {
    const d = curve.x.map((x, i) => `${i ? 'L' : 'M'}${f(sx(x))} ${f(sy(curve[c.key][i]))}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${c.color}" stroke-width="2.2"${c.dash ? ` stroke-dasharray="${c.dash}"` : ''}/>`);
  }
  parts.push(`<text x="${(left + W - right) / 2}" y="${H - bottom + 34}" text-anchor="middle">${escapeXml(result.model.x)}</text>`);
  parts.push(`<text transform="translate(16 ${(top + H - bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(result.model.y)}</text>`);
  parts.push(`<text x="${left}" y="18" font-weight="bold">${escapeXml(result.model.y)} on ${escapeXml(result.model.x)}, degree ${result.model.degree}</text>`);

  const legend = [
    ...CURVES.map((c) => ({ label: c.label, mark: `<line x1="0" y1="0" x2="22" y2="0" stroke="${c.color}" stroke-width="2.2"${c.dash ? ` stroke-dasharray="${c.dash}"` : ''}/>` })),
    ...(points
      ? [
          { label: 'Wanted rows', mark: `<circle cx="11" cy="0" r="2.6" fill="#5f6b7a"/>` },
          { label: 'Unwanted rows', mark: `<path d="M7.5 -3.5l7 7m0 -7l-7 7" stroke="#c62828" stroke-width="1.6"/>` },
        ]
      : []),
  ];
  legend.forEach((item, i) => {
    const lx = left + (i % 3) * 220, ly = H - 24 + Math.floor(i / 3) * 16 - 8;
    parts.push(`<g transform="translate(${lx} ${ly})">${item.mark}<text x="28" y="4">${escapeXml(item.label)}</text></g>`);
  });

  const title = `Fitted curves before, after EMSE unlearning and after retraining, over the data of ${result.dataset.path}`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeXml(title)}" font-family="sans-serif" font-size="11" fill="#222">` +
    `<title>${escapeXml(title)}</title>${parts.join('')}</svg>`
  );
}

const METRIC_ROWS: { key: keyof MetricSet; label: string }[] = [
  { key: 'fairR2', label: '**Fair R²**' },
  { key: 'r2Wanted', label: 'R² on wanted rows' },
  { key: 'expR2Unwanted', label: 'Exponential R² on unwanted rows' },
  { key: 'forgetScore', label: 'Forget score (1 − mean recall)' },
  { key: 'mseWanted', label: 'MSE on wanted rows' },
];

/** The whole Markdown report. `points` adds the data to the chart; without it only curves are drawn. */
export function renderReport(result: AuditResult, points?: ChartPoints, options: { minFairR2?: number; maxRows?: number } = {}): string {
  const { dataset: d, model: m, before, after, retrain, diagnostics } = result;
  const maxRows = options.maxRows ?? 200;
  const lines: string[] = [];
  lines.push(`# Unlearn audit: ${inertMarkdown(d.path)}`, '');
  lines.push(`> ${inertMarkdown(verdict(result, options.minFairR2).text)}`, '');
  lines.push('| Metric | Before | After EMSE | Retrain |', '|---|---:|---:|---:|');
  for (const r of METRIC_ROWS) {
    lines.push(`| ${r.label} | ${formatNumber(before[r.key])} | ${formatNumber(after[r.key])} | ${formatNumber(retrain[r.key])} |`);
  }
  lines.push('');
  lines.push(
    `- **Dataset**: ${d.format.toUpperCase()}, ${d.rows} rows (${d.valid} valid, ${d.skipped} skipped), ${d.wanted} wanted, ${d.unwanted} unwanted, ${d.staleForgetEntries} stale forget-list entries.`,
    `- **Model**: polynomial of degree ${m.degree}, ${inertMarkdown(m.y)} on ${inertMarkdown(m.x)}, σ = ${formatSetting(m.sigma)}${m.sigmaAuto ? ' (auto: RMS residual of the original model on wanted rows)' : ''}, λ = ${formatSetting(m.lambda)}, EMSE variant ${m.variant}.`,
    `- **EMSE**: ${plural(after.iterations, 'iteration')} ${describeEmseStart(after.start, diagnostics.emseStarts)}, ${after.converged ? 'converged' : 'did not converge'}; the lower objective is kept.`,
    `- **Distance to exact retraining**: ${formatNumber(diagnostics.distanceToRetrain)} (RMS gap between the unlearned and retrained curves, in standard deviations of y over wanted rows).`,
    `- **Overlap**: ${formatNumber(diagnostics.overlapShare * 100)}% of unwanted rows lie within 2σ of the retrained curve${diagnostics.independenceDoubtful ? ' — Fair R²’s independence assumption is doubtful.' : '.'}`,
    '',
  );
  if (diagnostics.warnings.length) {
    lines.push('## Warnings', '', ...diagnostics.warnings.map((w) => `- ${inertMarkdown(w)}`), '');
  }
  // A <div> line starts an HTML block, so no Markdown applies inside the SVG (its text is
  // escapeXml'd, line breaks folded, so nothing ends the block early).
  lines.push('## Chart', '', '<div>', renderChartSvg(result, points), '</div>', '');
  lines.push('## Unwanted rows', '');
  if (result.unwantedRows.length === 0) {
    lines.push('None.', '');
  } else {
    lines.push(
      'Recall is the probability that a model still explains the row: exp(−r²/2σ²). Forgetting drives it towards 0.',
      '',
      '| Row | Line | x | y | Recall before | Recall after | Recall retrain |',
      '|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const r of result.unwantedRows.slice(0, maxRows)) {
      lines.push(`| ${r.row} | ${r.line} | ${formatNumber(r.x)} | ${formatNumber(r.y)} | ${formatNumber(r.recallBefore)} | ${formatNumber(r.recallAfter)} | ${formatNumber(r.recallRetrain)} |`);
    }
    if (result.unwantedRows.length > maxRows) lines.push('', `…and ${result.unwantedRows.length - maxRows} more rows (see \`unlearn audit --json\`).`);
    lines.push('');
  }
  lines.push(
    '## How to read this',
    '',
    '- *R² on wanted rows*: how well the model fits the rows we keep (1 is perfect).',
    '- *Exponential R² on unwanted rows*: 1 − exp(−SS_res/SS_tot) on the unwanted rows; near 1 when the model no longer represents them.',
    '- *Fair R²*: R² on wanted rows (clamped to [0, 1]) × Exponential R² on unwanted rows: the probability that the model represents the wanted data and not the unwanted, if the two are independent.',
    '- *Retrain* is exact unlearning (refitting without the unwanted rows): the yardstick for EMSE.',
    '',
  );
  return lines.join('\n');
}
