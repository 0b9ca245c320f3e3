// Plain-text tables and exit codes shared by the review commands (audit --all, diff).

/** Columns padded to their widest cell; the first column left-aligned, the rest right-aligned. */
export function textTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? '')].length)));
  return rows
    .map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] + cell.length - [...cell].length) : cell.padStart(widths[c] + cell.length - [...cell].length))).join('   ').trimEnd())
    .join('\n');
}

/**
 * The exit code of several runs: bad input (1) outranks a failed gate (2), because a list that
 * could not be audited has no verdict at all; 0 only when every run passed.
 */
export function worstExitCode(codes: number[]): number {
  if (codes.includes(1)) return 1;
  return codes.find((c) => c !== 0) ?? 0;
}
