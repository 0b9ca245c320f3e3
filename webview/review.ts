// The review panel's webview: what a forget-list change does, base → head. Entries added,
// removed, with a new reason, turned stale or re-matched, each with its row's content; the two
// audits side by side. Every message is checked with isToReview, every dataset text is set as
// textContent, and every row is a button (click, Enter or Space) that reveals it.

import '@vscode/codicons/dist/codicon.css';
import './style.css';
import './review.css';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { EntryChange, EntryChangeKind, RowContent } from '../src/engine/forgetDiff';
import { isToReview, type FromReview, type ReviewAudit, type ReviewSideMetrics, type ReviewState, type ToReview } from '../src/protocol';
import { el, formatDelta, formatMetric, formatValue, replaceChildren } from './dom';

interface VsCodeApi {
  postMessage(message: FromReview): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();
const post = (message: FromReview) => vscode.postMessage(message);

/** Enough to review by eye; more go to `unlearn diff --json`. */
const MAX_ROWS_PER_KIND = 500;

const KINDS: { kind: EntryChangeKind; title: string; side: 'base' | 'head'; help: string }[] = [
  { kind: 'added', title: 'Added', side: 'head', help: 'Entries new in the working tree: these rows become unwanted.' },
  { kind: 'removed', title: 'Removed', side: 'base', help: 'Entries no longer listed: these rows are wanted again (shown as at the base).' },
  { kind: 'reasonChanged', title: 'Reason changed', side: 'head', help: 'Entries in both lists with another reason.' },
  { kind: 'turnedStale', title: 'Turned stale', side: 'base', help: 'Entries whose row was edited or deleted: they match no row now (shown as at the base).' },
  { kind: 'rematched', title: 'Re-matched', side: 'head', help: 'Entries that now match a row with another number (rows inserted or deleted above, or found again).' },
];

const METRICS: { label: string; value: (m: ReviewSideMetrics) => number; format: (v: number) => string }[] = [
  { label: 'Fair R² (after EMSE)', value: (m) => m.fairR2, format: formatMetric },
  { label: 'Fair R² of retraining', value: (m) => m.retrainFairR2, format: formatMetric },
  { label: 'R² wanted', value: (m) => m.r2Wanted, format: formatMetric },
  { label: 'Exponential R² unwanted', value: (m) => m.expR2Unwanted, format: formatMetric },
  { label: 'Forget score', value: (m) => m.forgetScore, format: formatMetric },
  { label: 'Distance to retraining', value: (m) => m.distanceToRetrain, format: formatValue },
  { label: 'Unwanted rows', value: (m) => m.unwanted, format: (v) => String(v) },
  { label: 'Overlap share', value: (m) => m.overlapShare, format: formatMetric },
];

let state: ReviewState | undefined;
let audit: ReviewAudit | undefined;

const title = el('h1', {}, 'Review forget list changes');
const subtitle = el('p', { class: 'counts' }, 'Reading both sides…');
const errorBanner = el('div', { class: 'banner error', role: 'alert', hidden: true });
const staleBanner = el(
  'div',
  { class: 'banner stale', role: 'status', hidden: true },
  el('span', { class: 'codicon codicon-history', 'aria-hidden': 'true' }),
  'The dataset or its forget list changed since this review. Refresh to compare again.',
);
const notesSlot = el('div', {});
const summarySlot = el('div', {});
const metricsSlot = el('section', { class: 'card', 'aria-labelledby': 'metrics-title' });
const changesSlot = el('div', { class: 'changes' });

function button(label: string, icon: string, message: FromReview): HTMLElement {
  const b = el('vscode-button', { secondary: true, icon, 'data-action': message.type }, label);
  b.addEventListener('click', () => post(message));
  return b;
}

replaceChildren(
  document.getElementById('app') ?? document.body,
  el('header', { class: 'header' }, el('div', { class: 'title' }, el('span', { class: 'codicon codicon-git-compare', 'aria-hidden': 'true' }), title), subtitle),
  el(
    'div',
    { class: 'actions', role: 'toolbar', 'aria-label': 'Review actions' },
    button('Compare with another ref…', 'git-commit', { type: 'pickRef' }),
    button('Refresh', 'refresh', { type: 'refresh' }),
  ),
  errorBanner,
  staleBanner,
  notesSlot,
  summarySlot,
  metricsSlot,
  changesSlot,
);

function renderHeader(): void {
  title.textContent = state ? `Review: ${state.datasetLabel}` : 'Review forget list changes';
  subtitle.textContent = state ? `${state.baseLabel} → ${state.headLabel}` : 'Reading both sides…';
  replaceChildren(notesSlot, state && state.notes.length > 0 ? el('section', { class: 'warnings card', role: 'note' }, el('ul', {}, ...state.notes.map((n) => el('li', {}, n)))) : null);
}

function renderSummary(): void {
  if (!state) return replaceChildren(summarySlot);
  const { diff } = state;
  const chips = KINDS.map(({ kind, title }) => el('li', { class: `chip ${kind}`, 'data-kind': kind }, `${diff.counts[kind]} ${title.toLowerCase()}`));
  chips.push(el('li', { class: 'chip', 'data-kind': 'unchanged' }, `${diff.unchanged} unchanged`));
  const model = diff.model.map((m) => el('li', {}, `model.${m.key}: ${m.base ?? '(default)'} → ${m.head ?? '(default)'}`));
  replaceChildren(
    summarySlot,
    el(
      'section',
      { class: 'card', 'aria-label': 'Summary' },
      el('ul', { class: 'chips', 'data-testid': 'change-counts' }, ...chips),
      el('p', {}, `Entries ${diff.base.entries} → ${diff.head.entries}; unwanted rows ${diff.base.unwantedRows} → ${diff.head.unwantedRows}; stale ${diff.base.stale} → ${diff.head.stale}.`),
      model.length > 0 ? el('ul', { class: 'facts' }, ...model) : null,
    ),
  );
}

function renderMetrics(): void {
  const heading = el('h2', { id: 'metrics-title' }, 'What it does to the model');
  metricsSlot.hidden = !state;
  if (!audit || audit.state === 'running') {
    return replaceChildren(metricsSlot, heading, el('p', { role: 'status' }, 'Auditing both sides in the background…'));
  }
  if (audit.state === 'cancelled') {
    return replaceChildren(metricsSlot, heading, el('p', { role: 'status' }, 'The audit was cancelled. Refresh to run it again.'));
  }
  const { base, head, baseError, headError } = audit;
  const cell = (m: ReviewSideMetrics | undefined, format: (v: number) => string, pick: (m: ReviewSideMetrics) => number) =>
    el('td', m ? { 'data-value': pick(m) } : {}, m ? format(pick(m)) : '–');
  const rows = METRICS.map((metric) =>
    el(
      'tr',
      { 'data-metric': metric.label },
      el('th', { scope: 'row' }, metric.label),
      cell(base, metric.format, metric.value),
      cell(head, metric.format, metric.value),
      el('td', { class: 'change' }, base && head ? (metric.label === 'Unwanted rows' ? signed(metric.value(head) - metric.value(base)) : formatDelta(metric.value(head) - metric.value(base))) : '–'),
    ),
  );
  const verdicts = [
    ['Base', base?.verdict ?? baseError],
    ['Head', head?.verdict ?? headError],
  ].map(([side, text]) => el('li', {}, el('strong', {}, `${side}: `), text ?? '–'));
  const overlap = [base, head].some((m) => m?.independenceDoubtful)
    ? el('p', { class: 'warning-line' }, el('span', { class: 'codicon codicon-warning', 'aria-hidden': 'true' }), 'Wanted and unwanted rows overlap: the metrics may overstate how well rows are forgotten.')
    : null;
  replaceChildren(
    metricsSlot,
    heading,
    el(
      'div',
      { class: 'table-wrap' },
      el(
        'table',
        { class: 'metrics', 'data-testid': 'review-metrics' },
        el('caption', {}, 'The audit of each side: the model after EMSE unlearning, with exact retraining as the yardstick'),
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Metric'), el('th', { scope: 'col' }, 'Base'), el('th', { scope: 'col' }, 'Head'), el('th', { scope: 'col' }, 'Change'))),
        el('tbody', {}, ...rows),
      ),
    ),
    el('ul', { class: 'verdicts' }, ...verdicts),
    overlap,
  );
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0';
}

function rowLabel(row: RowContent | undefined): string {
  return row ? `row ${row.row}, line ${row.line}` : 'stale';
}

function changeRowElement(change: EntryChange, kind: EntryChangeKind, side: 'base' | 'head'): HTMLElement {
  // The kind's own side when the entry has a row there, else whichever side has one.
  const preferred = side === 'base' ? change.base?.row : change.head?.row;
  const [shown, shownSide]: [RowContent | undefined, 'base' | 'head'] = preferred
    ? [preferred, side]
    : change.head?.row
      ? [change.head.row, 'head']
      : [change.base?.row, 'base'];
  const where =
    kind === 'rematched' ? `${rowLabel(change.base?.row)} → ${rowLabel(change.head?.row)}` : shown ? `${shown.row}` : 'stale';
  const reason = kind === 'reasonChanged' ? `${change.previousReason ?? ''} → ${change.reason}` : change.reason;
  const content = el('td', { class: 'content' }, shown ? shown.preview : 'No row has this content.');
  if (shown) content.title = shown.cells.map((c) => `${c.column}: ${c.value}`).join('\n');
  const tr = el(
    'tr',
    shown ? { tabindex: 0, role: 'button', 'aria-label': `${kind}: row ${shown.row}, line ${shown.line}. Reveal in the dataset${shownSide === 'base' ? ' as at the base' : ''}` } : {},
    el('td', {}, where),
    el('td', {}, shown ? String(shown.line) : '–'),
    content,
    el('td', {}, reason || '(none given)'),
    el('td', {}, change.by ? `${change.added} · ${change.by}` : change.added),
  );
  if (shown) {
    const reveal = () => post({ type: 'revealRow', side: shownSide, line: shown.line });
    tr.addEventListener('click', reveal);
    tr.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        reveal();
      }
    });
  }
  return tr;
}

function renderChanges(): void {
  if (!state) return replaceChildren(changesSlot);
  const { diff } = state;
  if (diff.changes.length === 0) {
    return replaceChildren(changesSlot, el('section', { class: 'card empty' }, el('p', {}, 'No entry changed: the forget list means the same rows on both sides.')));
  }
  const sections = KINDS.filter(({ kind }) => diff.counts[kind] > 0).map(({ kind, title, side, help }) => {
    const changes = diff.changes.filter((c) => c.kinds.includes(kind));
    const shown = changes.slice(0, MAX_ROWS_PER_KIND);
    return el(
      'section',
      { class: 'card', 'aria-labelledby': `${kind}-title`, 'data-kind': kind },
      el('h2', { id: `${kind}-title` }, `${title} (${changes.length})`),
      el('p', { class: 'hint' }, help),
      el(
        'div',
        { class: 'rows-wrap' },
        el(
          'table',
          { class: 'rows review-rows', 'data-testid': `review-${kind}` },
          el('caption', {}, changes.length > shown.length ? `Showing the first ${shown.length} of ${changes.length}.` : `${changes.length} entries.`),
          el('thead', {}, el('tr', {}, ...['Row', 'Line', 'Content', 'Reason', 'Added'].map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, ...shown.map((c) => changeRowElement(c, kind, side))),
        ),
      ),
    );
  });
  replaceChildren(changesSlot, ...sections);
}

function apply(message: ToReview): void {
  switch (message.type) {
    case 'review':
      state = message.state;
      audit = undefined;
      errorBanner.hidden = true;
      staleBanner.hidden = true;
      renderHeader();
      renderSummary();
      renderChanges();
      renderMetrics();
      break;
    case 'audit':
      audit = message.audit;
      renderMetrics();
      break;
    case 'stale':
      staleBanner.hidden = false;
      break;
    case 'error':
      errorBanner.hidden = false;
      errorBanner.textContent = message.message;
      break;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isToReview(event.data)) apply(event.data);
  else console.warn('Unlearn review: ignored an invalid message');
});

renderMetrics();
post({ type: 'ready' });
