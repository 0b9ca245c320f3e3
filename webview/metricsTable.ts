// The numbers: Fair R² up front with its change from before to after, then every metric for
// before / after EMSE / retrain in one table, and the engine's warnings in plain words.

import type { AuditResult, MetricSet } from '../src/engine/types';
import { verdict } from '../src/engine/verdict';
import { el, formatDelta, formatMetric, formatValue } from './dom';

interface MetricRow {
  label: string;
  help: string;
  value: (m: MetricSet) => number;
  format: (v: number) => string;
  /** Whether a higher value is better (for the arrow's wording). */
  higherIsBetter: boolean;
}

const METRICS: MetricRow[] = [
  { label: 'Fair R²', help: 'R² wanted (clamped to 0..1) × Exponential R² unwanted', value: (m) => m.fairR2, format: formatMetric, higherIsBetter: true },
  { label: 'R² wanted', help: 'fit on the rows that stay', value: (m) => m.r2Wanted, format: formatMetric, higherIsBetter: true },
  { label: 'Exponential R² unwanted', help: '1 − exp(−SS_res/SS_tot) on the unwanted rows; 1 = forgotten', value: (m) => m.expR2Unwanted, format: formatMetric, higherIsBetter: true },
  { label: 'Forget score', help: '1 − mean recall probability of the unwanted rows', value: (m) => m.forgetScore, format: formatMetric, higherIsBetter: true },
  { label: 'MSE wanted', help: 'mean squared error on the rows that stay', value: (m) => m.mseWanted, format: formatValue, higherIsBetter: false },
];

/**
 * The headline: the verdict in words and colour (the rule of src/engine/verdict.ts, judged
 * against exact retraining), with the overlap warning when it applies, then Fair R² before →
 * after with retraining's beside it. Colour never says more than the words.
 */
export function renderSummary(result: AuditResult): HTMLElement {
  const { before, after, retrain } = result;
  const delta = after.fairR2 - before.fairR2;
  const v = verdict(result);
  const icon = v.tone === 'good' ? 'pass' : v.tone === 'bad' ? 'error' : 'info';
  return el(
    'section',
    { class: `summary card tone-${v.tone}`, 'aria-label': 'Verdict', 'data-verdict': v.kind, 'data-tone': v.tone },
    el(
      'div',
      { class: 'verdict', role: 'status', 'data-testid': 'verdict' },
      el('span', { class: `codicon codicon-${icon}`, 'aria-hidden': 'true' }),
      el('strong', { class: 'verdict-headline' }, v.headline),
      v.overlap ? el('span', { class: 'verdict-overlap', 'data-testid': 'verdict-overlap' }, el('span', { class: 'codicon codicon-warning', 'aria-hidden': 'true' }), v.overlap) : null,
    ),
    el(
      'div',
      { class: 'headline' },
      el('span', { class: 'headline-label' }, 'Fair R²'),
      el(
        'span',
        { class: 'headline-values', 'data-testid': 'fair-r2' },
        el('span', { class: 'before', 'data-value': before.fairR2 }, formatMetric(before.fairR2)),
        el('span', { class: 'arrow', 'aria-label': 'to' }, '→'),
        el('span', { class: 'after', 'data-value': after.fairR2 }, formatMetric(after.fairR2)),
        el('span', { class: 'delta' }, formatDelta(delta)),
      ),
      el('span', { class: 'headline-note' }, `exact retraining on wanted rows only: ${formatMetric(retrain.fairR2)}`),
    ),
    el(
      'ul',
      { class: 'facts' },
      el('li', {}, `R² wanted ${formatMetric(before.r2Wanted)} → ${formatMetric(after.r2Wanted)} (retraining ${formatMetric(retrain.r2Wanted)})`),
      el('li', {}, `distance to exact retraining ${formatValue(result.diagnostics.distanceToRetrain)}`),
      el('li', {}, `${result.dataset.unwanted} unwanted of ${result.dataset.valid} valid rows`),
      el('li', { 'data-testid': 'result-settings' }, `${result.model.y} on ${result.model.x}, degree ${result.model.degree}, σ = ${formatValue(result.model.sigma)}${result.model.sigmaAuto ? ' (auto)' : ''}, λ = ${formatValue(result.model.lambda)}`),
      el('li', {}, `${after.iterations} iterations, ${after.converged ? 'converged' : 'not converged (iteration cap)'}`),
    ),
  );
}

export function renderWarnings(result: AuditResult): HTMLElement | null {
  const { warnings } = result.diagnostics;
  if (warnings.length === 0) return null;
  return el(
    'section',
    { class: 'warnings card', role: 'note', 'aria-label': 'Warnings' },
    el('ul', {}, ...warnings.map((w) => el('li', {}, el('span', { class: 'codicon codicon-warning', 'aria-hidden': 'true' }), w))),
  );
}

export function renderMetricsTable(result: AuditResult): HTMLElement {
  const columns: { label: string; set: MetricSet; className: string }[] = [
    { label: 'Before (θ₀)', set: result.before, className: 'before' },
    { label: 'After EMSE', set: result.after, className: 'after' },
    { label: 'Retrain (θ_R)', set: result.retrain, className: 'retrain' },
  ];
  return el(
    'table',
    { class: 'metrics', 'data-testid': 'metrics' },
    el('caption', {}, 'Metrics for the model trained on all rows, after EMSE unlearning, and retrained on the wanted rows only'),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Metric'), ...columns.map((c) => el('th', { scope: 'col', class: c.className }, c.label)))),
    el(
      'tbody',
      {},
      ...METRICS.map((metric) =>
        el(
          'tr',
          { 'data-metric': metric.label },
          el('th', { scope: 'row', title: metric.help }, metric.label, el('span', { class: 'help' }, metric.help)),
          ...columns.map((c) => {
            const value = metric.value(c.set);
            return el('td', { class: c.className, 'data-value': value }, metric.format(value));
          }),
        ),
      ),
    ),
  );
}
