// The unwanted rows with their recall probability before / after / retrain: the row-level
// evidence. A row is a button: click, Enter or Space reveals it in the dataset editor.

import type { UnwantedRowEvidence } from '../src/engine/types';
import { el, formatMetric, formatValue } from './dom';

/** Enough rows to audit by eye; the saved report has them all. */
const MAX_ROWS_SHOWN = 1000;

export function renderRowsTable(rows: UnwantedRowEvidence[], xLabel: string, yLabel: string, reveal: (row: UnwantedRowEvidence) => void): HTMLElement {
  const shown = rows.slice(0, MAX_ROWS_SHOWN);
  const body = el(
    'tbody',
    {},
    ...shown.map((r) => {
      const tr = el(
        'tr',
        { tabindex: 0, role: 'button', 'aria-label': `Row ${r.row}, line ${r.line}: reveal in the dataset` },
        el('td', {}, String(r.row)),
        el('td', {}, String(r.line)),
        el('td', {}, formatValue(r.x)),
        el('td', {}, formatValue(r.y)),
        el('td', {}, formatMetric(r.recallBefore)),
        el('td', { class: 'after' }, formatMetric(r.recallAfter)),
        el('td', {}, formatMetric(r.recallRetrain)),
      );
      tr.addEventListener('click', () => reveal(r));
      tr.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          reveal(r);
        }
      });
      return tr;
    }),
  );
  return el(
    'div',
    { class: 'rows-wrap' },
    el(
      'table',
      { class: 'rows', 'data-testid': 'unwanted-rows' },
      el(
        'caption',
        {},
        `Unwanted rows and the probability that each model still explains them (recall). ` +
          (rows.length > shown.length ? `Showing the first ${shown.length} of ${rows.length}.` : `${rows.length} rows.`),
      ),
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...['Row', 'Line', xLabel, yLabel, 'Recall before', 'Recall after', 'Recall retrain'].map((h) => el('th', { scope: 'col' }, h)),
        ),
      ),
      body,
    ),
  );
}
