// The Unlearn panel's webview app: settings and Run on top, then the verdict (Fair R²), the
// curves, the metrics, the σ sweep and the unwanted rows. It trusts nothing it receives:
// every message is checked with isToWebview, and dataset text is only set as textContent.

import '@vscode/codicons/dist/codicon.css';
import 'uplot/dist/uPlot.min.css';
import './style.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import { describeModelSettings, modelSettingsOf, sameModelSettings } from '../src/engine/settings';
import { isToWebview, type ToWebview } from '../src/protocol';
import { CurveChart } from './chart';
import { Controls } from './controls';
import { el, replaceChildren } from './dom';
import { renderMetricsTable, renderSummary, renderWarnings } from './metricsTable';
import { renderRowsTable } from './rowsTable';
import { loadState, post, saveState, type ViewState } from './state';
import { SweepChart } from './sweepChart';
import { onThemeChange } from './theme';

const view: ViewState = loadState();

const controls = new Controls({
  run: (settings) => {
    view.settings = settings;
    saveState(view);
    post({ type: 'run', settings });
  },
  cancel: () => post({ type: 'cancel' }),
  edit: (settings) => {
    renderSettingsBanner();
    if (!settings) return;
    view.settings = settings;
    saveState(view);
  },
});
const curveChart = new CurveChart();
const sweepChart = new SweepChart();

function actionButton(label: string, icon: string, message: 'saveReport' | 'exportWanted' | 'copyModel'): VscodeButton {
  const button = el('vscode-button', { secondary: true, icon, 'data-action': message }, label) as VscodeButton;
  button.addEventListener('click', () => post({ type: message }));
  return button;
}

// The page skeleton is built once; renders fill the parts, so charts keep their size and focus stays put.
const title = el('h1', {});
const counts = el('p', { class: 'counts' });
const errorBanner = el('div', { class: 'banner error', role: 'alert', hidden: true });
const staleBanner = el(
  'div',
  { class: 'banner stale', role: 'status', hidden: true },
  el('span', { class: 'codicon codicon-history', 'aria-hidden': 'true' }),
  'These results may be out of date: the dataset or its forget list changed, or the window was reloaded, since this run. Run again to refresh them.',
);
const settingsBanner = el('div', { class: 'banner settings', role: 'status', 'data-testid': 'settings-differ', hidden: true });
const emptyState = el('section', { class: 'empty card' });
const summarySlot = el('div', {});
const warningsSlot = el('div', {});
const metricsSlot = el('div', { class: 'table-wrap' });
const rowsSlot = el('div', {});
const sweepCard = el('section', { class: 'card', 'aria-labelledby': 'sweep-title' }, el('h2', { id: 'sweep-title' }, 'How the result depends on σ'), sweepChart.element);
const results = el(
  'div',
  { class: 'results', hidden: true },
  summarySlot,
  warningsSlot,
  el(
    'div',
    { class: 'actions', role: 'toolbar', 'aria-label': 'Report actions' },
    actionButton('Save audit report', 'save', 'saveReport'),
    actionButton('Export wanted rows', 'export', 'exportWanted'),
    actionButton('Copy model JSON', 'copy', 'copyModel'),
  ),
  el('section', { class: 'card', 'aria-labelledby': 'chart-title' }, el('h2', { id: 'chart-title' }, 'Data and fitted curves'), curveChart.element),
  el('section', { class: 'card', 'aria-labelledby': 'metrics-title' }, el('h2', { id: 'metrics-title' }, 'Metrics'), metricsSlot),
  sweepCard,
  el('section', { class: 'card', 'aria-labelledby': 'rows-title' }, el('h2', { id: 'rows-title' }, 'Unwanted rows'), rowsSlot),
);

replaceChildren(
  document.getElementById('app') ?? document.body,
  el('header', { class: 'header' }, el('div', { class: 'title' }, el('span', { class: 'codicon codicon-beaker', 'aria-hidden': 'true' }), title), counts),
  controls.element,
  errorBanner,
  staleBanner,
  settingsBanner,
  emptyState,
  results,
);

function renderHeader(): void {
  const panel = view.panel;
  title.textContent = panel ? panel.datasetLabel : 'Unlearn';
  counts.textContent = panel ? `${panel.rowCount} rows · ${panel.unwantedCount} on the forget list` : 'Loading the dataset…';
  replaceChildren(
    emptyState,
    el('h2', {}, 'No run yet'),
    el(
      'p',
      {},
      panel && panel.unwantedCount === 0
        ? 'No row of this dataset is on its forget list yet. Mark rows as unwanted in the editor, then run: with no unwanted rows, unlearning equals retraining.'
        : 'Run fits a polynomial to all rows (θ₀), unlearns the unwanted rows with the EMSE objective, and compares the result with retraining on the wanted rows only (θ_R).',
    ),
  );
}

function renderStatus(): void {
  controls.setRunning(view.running, view.progress);
  errorBanner.hidden = !view.error;
  errorBanner.textContent = view.error ?? '';
  staleBanner.hidden = !view.shown?.stale;
}

/** A result is always shown with its own settings: say so when the form would run others. */
function renderSettingsBanner(): void {
  const shown = view.shown?.result.model;
  const next = controls.read();
  const differ = shown !== undefined && typeof next !== 'string' && !sameModelSettings(modelSettingsOf(shown), next);
  settingsBanner.hidden = !differ;
  if (differ) {
    replaceChildren(
      settingsBanner,
      el('span', { class: 'codicon codicon-info', 'aria-hidden': 'true' }),
      ` The result below is for ${describeModelSettings(modelSettingsOf(shown))}. The next run will use ${describeModelSettings(next)}.`,
    );
  }
}

function renderResult(): void {
  const shown = view.shown;
  results.hidden = !shown;
  emptyState.hidden = !!shown;
  if (!shown) {
    curveChart.clear();
    return;
  }
  const { result, points, sweep } = shown;
  replaceChildren(summarySlot, renderSummary(result));
  replaceChildren(warningsSlot, renderWarnings(result));
  replaceChildren(metricsSlot, renderMetricsTable(result));
  replaceChildren(
    rowsSlot,
    result.unwantedRows.length > 0
      ? renderRowsTable(result.unwantedRows, result.model.x, result.model.y, (r) => post({ type: 'revealRow', row: r.row, line: r.line }))
      : el('p', {}, 'No unwanted rows: the forget list is empty or none of its entries matches a row.'),
  );
  curveChart.show(result, points);
  sweepCard.hidden = !sweepChart.show(sweep, result.model.sigma);
}

function apply(message: ToWebview): void {
  switch (message.type) {
    case 'init': {
      const { state } = message;
      if (view.datasetUri !== state.datasetUri) {
        view.shown = undefined;
        view.settings = undefined;
      }
      view.datasetUri = state.datasetUri;
      view.panel = state;
      // Keep the user's own edits while they still fit the dataset's columns.
      const names = state.columns.map((c) => c.name);
      const mine = view.settings && names.includes(view.settings.x) && names.includes(view.settings.y) ? view.settings : undefined;
      controls.show(state.columns, mine ?? state.settings, !mine && state.columnsGuessed === true);
      // Until the host re-sends its result, what is shown may predate this state.
      if (view.shown) view.shown.stale = true;
      renderHeader();
      break;
    }
    case 'running':
      view.running = true;
      view.progress = undefined;
      view.error = undefined;
      break;
    case 'progress':
      view.progress = { iteration: message.iteration, objective: message.objective };
      break;
    case 'result':
      view.running = false;
      view.progress = undefined;
      view.error = undefined;
      view.shown = { result: message.result, points: message.points, sweep: message.sweep, stale: message.stale === true };
      renderResult();
      break;
    case 'cancelled':
      view.running = false;
      view.progress = undefined;
      break;
    case 'error':
      view.running = false;
      view.progress = undefined;
      view.error = message.message;
      break;
  }
  renderStatus();
  if (message.type === 'init' || message.type === 'result') renderSettingsBanner();
  // Progress arrives many times a second; the saved state needs only the outcome.
  if (message.type !== 'progress') saveState(view);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isToWebview(event.data)) apply(event.data);
  else console.warn('Unlearn panel: ignored an invalid message');
});

onThemeChange(() => {
  curveChart.redraw();
  sweepChart.redraw();
});

// Show what was there before the panel was hidden, then ask the host for the current state.
renderHeader();
if (view.panel && view.settings) controls.show(view.panel.columns, view.settings);
renderStatus();
renderResult();
renderSettingsBanner();
post({ type: 'ready' });
