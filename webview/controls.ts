// The settings form (x, y, degree, σ, λ) with Run and Cancel, built from vscode-elements so
// it looks and behaves like VS Code's own settings UI, keyboard included.

import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type { AuditSettings, ColumnInfo } from '../src/engine/types';
import { el, formatValue, replaceChildren } from './dom';
import { MAX_DEGREE, parseSettings } from './settingsForm';

export interface ControlsEvents {
  run(settings: AuditSettings): void;
  cancel(): void;
  /** Any edit, with the settings if they are valid. */
  edit(settings: AuditSettings | undefined): void;
}

function field(id: string, label: string, control: HTMLElement, hint: string): HTMLElement {
  control.id = id;
  return el('div', { class: 'field' }, el('vscode-label', { for: id }, label), control, el('span', { class: 'hint' }, hint));
}

export class Controls {
  readonly element: HTMLElement;
  private readonly x = el('vscode-single-select', { 'aria-label': 'x column' }) as VscodeSingleSelect;
  private readonly y = el('vscode-single-select', { 'aria-label': 'y column' }) as VscodeSingleSelect;
  private readonly degree = el('vscode-textfield', { type: 'number', min: 1, max: MAX_DEGREE, step: 1 }) as VscodeTextfield;
  private readonly sigma = el('vscode-textfield', { placeholder: 'auto' }) as VscodeTextfield;
  private readonly lambda = el('vscode-textfield', { type: 'number', min: 0, step: 0.1 }) as VscodeTextfield;
  private readonly runButton = el('vscode-button', { icon: 'play', id: 'run' }, 'Run EMSE unlearning') as VscodeButton;
  private readonly cancelButton = el('vscode-button', { icon: 'debug-stop', secondary: true, id: 'cancel', hidden: true }, 'Cancel') as VscodeButton;
  private readonly progress = el('span', { class: 'progress', role: 'status', 'aria-live': 'polite' });
  private readonly problem = el('p', { class: 'problem', role: 'alert' });
  private readonly guess = el(
    'p',
    { class: 'guess', role: 'note', 'data-testid': 'columns-guessed', hidden: true },
    el('span', { class: 'codicon codicon-question', 'aria-hidden': 'true' }),
    ' x and y are a guess: nothing says which columns this model is about yet. Check them before you run; the run saves them in the forget list.',
  );
  /** The settings last shown, so fields the form does not edit (variant, iteration cap) survive. */
  private base?: AuditSettings;

  constructor(private readonly events: ControlsEvents) {
    this.element = el(
      'section',
      { class: 'controls card', 'aria-label': 'Model settings' },
      this.guess,
      el(
        'div',
        { class: 'fields' },
        field('x-column', 'x', this.x, 'feature column'),
        field('y-column', 'y', this.y, 'target column'),
        field('degree', 'Degree', this.degree, `polynomial, 1–${MAX_DEGREE}`),
        field('sigma', 'σ (noise)', this.sigma, '"auto" = RMS residual of θ₀'),
        field('lambda', 'λ (forgetting weight)', this.lambda, '0 = plain retraining on wanted rows'),
      ),
      el('div', { class: 'run-row' }, this.runButton, this.cancelButton, this.progress),
      this.problem,
    );
    this.runButton.addEventListener('click', () => this.requestRun());
    this.cancelButton.addEventListener('click', () => events.cancel());
    for (const input of [this.x, this.y, this.degree, this.sigma, this.lambda]) {
      input.addEventListener('change', () => this.edited());
      input.addEventListener('input', () => this.edited());
    }
    // Enter in a text field runs, like submitting a form.
    for (const input of [this.degree, this.sigma, this.lambda]) {
      input.addEventListener('keydown', (e: KeyboardEvent) => {
        if (e.key === 'Enter') this.requestRun();
      });
    }
  }

  /**
   * Shows the columns and settings; a column the dataset no longer has falls back to the first.
   * `guessed`: x and y are the default pick's guess, so the pickers get the attention (and focus).
   */
  show(columns: ColumnInfo[], settings: AuditSettings, guessed = false): void {
    this.base = settings;
    const wasGuessed = this.element.classList.contains('guessed');
    this.element.classList.toggle('guessed', guessed);
    this.guess.hidden = !guessed;
    if (guessed && !wasGuessed) queueMicrotask(() => this.x.focus());
    const names = columns.map((c) => c.name);
    const x = names.includes(settings.x) ? settings.x : (names[0] ?? '');
    const y = names.includes(settings.y) ? settings.y : (names[1] ?? names[0] ?? '');
    // The select picks up its options on slotchange, after this call: mark the choice on the
    // option itself, since setting .value now would look for options it does not have yet.
    for (const [select, chosen] of [
      [this.x, x],
      [this.y, y],
    ] as const) {
      replaceChildren(select, ...columns.map((c) => el('vscode-option', { value: c.name, description: c.kind, selected: c.name === chosen }, c.name)));
    }
    this.degree.value = String(settings.degree);
    this.sigma.value = settings.sigma === 'auto' ? 'auto' : String(settings.sigma);
    this.lambda.value = String(settings.lambda);
    this.problem.textContent = columns.length < 2 ? 'This dataset has fewer than two numeric or date columns to plot.' : '';
  }

  setRunning(running: boolean, progress?: { iteration: number; objective: number }): void {
    this.runButton.disabled = running;
    this.cancelButton.hidden = !running;
    replaceChildren(
      this.progress,
      running ? el('vscode-progress-ring', { 'aria-hidden': 'true' }) : null,
      running ? (progress ? `Iteration ${progress.iteration} · objective ${formatValue(progress.objective)}` : 'Fitting…') : '',
    );
  }

  read(): AuditSettings | string {
    const parsed = parseSettings({ x: this.x.value, y: this.y.value, degree: this.degree.value, sigma: this.sigma.value, lambda: this.lambda.value });
    return typeof parsed === 'string' ? parsed : { ...this.base, ...parsed };
  }

  private edited(): void {
    const parsed = this.read();
    this.problem.textContent = typeof parsed === 'string' ? parsed : '';
    this.events.edit(typeof parsed === 'string' ? undefined : parsed);
  }

  private requestRun(): void {
    if (this.runButton.disabled) return;
    const parsed = this.read();
    this.problem.textContent = typeof parsed === 'string' ? parsed : '';
    if (typeof parsed !== 'string') this.events.run(parsed);
  }
}
