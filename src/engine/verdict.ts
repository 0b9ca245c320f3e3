// The verdict: one sentence, and pass or fail, on what unlearning achieved. The CLI's summary
// line and exit code, the report, the panel's headline and `unlearn diff` all use this one rule.

import { formatNumber } from './format';
import type { AuditResult } from './types';

/** One sentence on what unlearning achieved, used by the CLI and the report. */
export function verdict(result: AuditResult, minFairR2?: number): { ok: boolean; text: string } {
  const { before, after } = result;
  const change = `Fair R² ${formatNumber(before.fairR2)} → ${formatNumber(after.fairR2)}, R² wanted ${formatNumber(before.r2Wanted)} → ${formatNumber(after.r2Wanted)}`;
  const distance = `distance to exact retraining ${formatNumber(result.diagnostics.distanceToRetrain)}`;
  if (result.dataset.unwanted === 0) {
    return { ok: minFairR2 === undefined || after.fairR2 >= minFairR2, text: `No unwanted rows: nothing to forget (${change}).` };
  }
  if (minFairR2 !== undefined && !(after.fairR2 >= minFairR2)) {
    return { ok: false, text: `FAIL: Fair R² after unlearning is ${formatNumber(after.fairR2)}, below the required ${formatNumber(minFairR2)} (${change}; ${distance}).` };
  }
  const prefix = minFairR2 !== undefined ? 'PASS: ' : '';
  return { ok: true, text: `${prefix}Unlearned ${result.dataset.unwanted} rows: ${change}; ${distance}.` };
}

