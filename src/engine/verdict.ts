// The verdict: one sentence, and pass or fail, on what unlearning achieved. The CLI's summary
// line and exit code, the report, the panel's headline and `unlearn diff` all use this one rule.
//
// The yardstick is exact unlearning (retraining on the wanted rows only), never Fair R² alone:
// pushing the curve away from the unwanted rows raises Exponential R² unwanted, and so Fair R²,
// even when the model got worse for the rows that stay.

import { formatNumber, plural } from './format';
import type { AuditResult } from './types';

/** Curves closer than this (RMS over the wanted x range, in units of the wanted y's spread) match retraining. */
export const MATCH_DISTANCE = 0.1;
/** R² on the wanted rows counts as fallen when it drops by more than this. */
export const R2_WANTED_TOLERANCE = 0.005;
/** Fair R² after more than this above retraining's, with R² wanted fallen, is over-forgetting. */
export const OVER_FORGET_MARGIN = 0.05;

/**
 * - `nothing`: no unwanted rows; `matches`: as good as exact retraining;
 * - `partial`: R² wanted kept, but the curve is still far from retraining;
 * - `over-forgot`: Fair R² beats retraining by a margin only because the wanted rows lost fit;
 * - `worse`: R² wanted fell; `invalid`: a metric is not a number, so there is no verdict.
 */
export type VerdictKind = 'nothing' | 'matches' | 'partial' | 'over-forgot' | 'worse' | 'invalid';

export interface Verdict {
  /** False fails the CI gate (exit code 2): a bad or impossible verdict, or Fair R² below --min-fair-r2. */
  ok: boolean;
  kind: VerdictKind;
  /** How the panel colours it: good (as retraining), neutral (short of it), bad. */
  tone: 'good' | 'neutral' | 'bad';
  /** A few words for the panel's headline, e.g. "Over-forgot". */
  headline: string;
  /** The overlap warning when wanted and unwanted rows overlap (it belongs in the headline). */
  overlap?: string;
  /** The whole sentence (CLI summary line, report). */
  text: string;
}

const HEADLINES: Record<VerdictKind, string> = {
  nothing: 'Nothing to forget',
  matches: 'Matches exact retraining',
  partial: 'Short of exact retraining',
  'over-forgot': 'Over-forgot',
  worse: 'Worse for the wanted rows',
  invalid: 'No verdict',
};

function classify(result: AuditResult): VerdictKind {
  const { before, after, retrain, diagnostics } = result;
  const numbers = [before, after, retrain].flatMap((m) => [m.fairR2, m.r2Wanted]).concat(diagnostics.distanceToRetrain);
  if (!numbers.every(Number.isFinite)) return 'invalid';
  if (result.dataset.unwanted === 0) return 'nothing';
  const wantedFell = after.r2Wanted < before.r2Wanted - R2_WANTED_TOLERANCE;
  if (wantedFell && after.fairR2 > retrain.fairR2 + OVER_FORGET_MARGIN) return 'over-forgot';
  if (wantedFell) return 'worse';
  return diagnostics.distanceToRetrain <= MATCH_DISTANCE ? 'matches' : 'partial';
}

function explain(kind: VerdictKind, result: AuditResult): string {
  const { before, after, retrain } = result;
  const f = formatNumber;
  const wanted = `R² wanted ${f(before.r2Wanted)} → ${f(after.r2Wanted)} (retraining ${f(retrain.r2Wanted)})`;
  const fair = `Fair R² ${f(before.fairR2)} → ${f(after.fairR2)} (retraining ${f(retrain.fairR2)})`;
  const distance = `distance to exact retraining ${f(result.diagnostics.distanceToRetrain)}`;
  const n = plural(result.dataset.unwanted, 'row');
  switch (kind) {
    case 'invalid':
      return `No verdict: a metric is not a number (${fair}, ${wanted}, ${distance}).`;
    case 'nothing':
      return `No unwanted rows: nothing to forget (${fair}).`;
    case 'over-forgot':
      return `Over-forgot ${n}: Fair R² after unlearning beats exact retraining only because the model moved away from the unwanted rows at the expense of the wanted rows; ${wanted}; ${fair}; ${distance}.`;
    case 'worse':
      return `Unlearning ${n} made the model worse for the wanted rows: ${wanted}; ${fair}; ${distance}.`;
    case 'partial':
      return `Unlearned ${n}, short of exact retraining (${distance}, above ${f(MATCH_DISTANCE)}): ${fair}; ${wanted}.`;
    case 'matches':
      return `Unlearned ${n} as exact retraining would (${distance}): ${fair}; ${wanted}.`;
  }
}

function overlapWarning(result: AuditResult): string | undefined {
  const { diagnostics, dataset } = result;
  if (!diagnostics.independenceDoubtful || dataset.unwanted === 0) return undefined;
  const share = Math.round(diagnostics.overlapShare * 100);
  return `${share}% of the unwanted rows lie within 2σ of the retrained curve: wanted and unwanted rows overlap, so no model can forget them without losing wanted accuracy.`;
}

/** The verdict on one audit; `minFairR2` adds the CI gate on Fair R² after unlearning. */
export function verdict(result: AuditResult, minFairR2?: number): Verdict {
  const kind = classify(result);
  const tone = kind === 'matches' ? 'good' : kind === 'partial' || kind === 'nothing' ? 'neutral' : 'bad';
  const overlap = overlapWarning(result);
  let text = explain(kind, result);
  if (overlap) text += ` Warning: ${overlap}`;
  let ok = tone !== 'bad';
  const belowGate = minFairR2 !== undefined && !(result.after.fairR2 >= minFairR2);
  if (belowGate) {
    ok = false;
    text = `FAIL: Fair R² after unlearning is ${formatNumber(result.after.fairR2)}, below the required ${formatNumber(minFairR2)}. ${text}`;
  } else if (minFairR2 !== undefined || !ok) {
    text = `${ok ? 'PASS' : 'FAIL'}: ${text}`;
  }
  return { ok, kind, tone: belowGate ? 'bad' : tone, headline: HEADLINES[kind], overlap, text };
}
