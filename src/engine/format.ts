// Numbers, settings and names as people read them, the same in the CLI, reports and the panel.

/**
 * Characters a terminal or a renderer would act on instead of showing: C0 controls (ESC starts
 * terminal sequences), DEL, C1 controls (U+009B is a one-character CSI), line and paragraph
 * separators, and bidirectional overrides/isolates (which reorder what is displayed).
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Text with every control character shown as an escape (\x1b, \n, \u202e), for terminals and reports. */
export function escapeControls(s: string): string {
  return s.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Fixed decimals for metrics in [0, 1]; more for tiny or large values. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2);
  return v.toFixed(a >= 100 ? 1 : 3);
}

/** A setting as the user typed it: no padding zeros (λ 1, σ 0.25). */
export function formatSetting(v: number): string {
  return Number(v.toPrecision(3)).toString();
}

/** How an EMSE start is named to people. */
export const EMSE_START_NAMES = { before: 'the learned model', retrain: 'the retrained model' } as const;

/**
 * "from the retrained model (objective 0.0311; from the learned model 0.0993)": which start
 * EMSE's result came from, with the other start's objective for comparison.
 */
export function describeEmseStart(start: 'before' | 'retrain', objectives: Record<'before' | 'retrain', { objective: number }>): string {
  const other = start === 'before' ? 'retrain' : 'before';
  return `from ${EMSE_START_NAMES[start]} (objective ${formatNumber(objectives[start].objective)}; from ${EMSE_START_NAMES[other]} ${formatNumber(objectives[other].objective)})`;
}

/** "1 iteration", "4 iterations". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
