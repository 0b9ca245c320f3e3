// Numbers and settings as people read them, the same in the CLI, reports and the panel.

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

/** "1 iteration", "4 iterations". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
