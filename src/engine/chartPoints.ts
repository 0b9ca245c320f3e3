// Downsampling for the chart: a webview stays fluid with ~20k points, a dataset may have
// millions. Every unwanted row is kept when possible (they are what the user audits); the
// wanted rows are sampled evenly within x-bins so every part of the curve stays visible.
// Deterministic (no Math.random): the same data always give the same picture.

import type { ChartPoints, NumericXY } from './types';

export const DEFAULT_MAX_POINTS = 20000;
/** x-bins for the stratified sample. */
const STRATA = 256;

/**
 * Bin quotas proportional to the bin counts, by cumulative rounding so they add up to
 * exactly `quota`.
 */
function binQuotas(counts: Int32Array, quota: number): Int32Array {
  let total = 0;
  for (const c of counts) total += c;
  const quotas = new Int32Array(counts.length);
  let cumulative = 0;
  let assigned = 0;
  for (let bin = 0; bin < counts.length && total > 0; bin++) {
    cumulative += counts[bin];
    const upTo = Math.round((cumulative * quota) / total);
    quotas[bin] = upTo - assigned;
    assigned = upTo;
  }
  return quotas;
}

/**
 * At most maxPoints points: all unwanted rows up to half the budget (more if the wanted rows
 * need less), the wanted rows filling the rest. Points come out in data order.
 */
export function chartPoints(xy: NumericXY, unwanted: Uint8Array, maxPoints = DEFAULT_MAX_POINTS): ChartPoints {
  const { xs, ys, rowIndex } = xy;
  let totalUnwanted = 0;
  let xMin = Infinity;
  let xMax = -Infinity;
  for (let k = 0; k < xs.length; k++) {
    if (unwanted[k] !== 0) totalUnwanted++;
    if (xs[k] < xMin) xMin = xs[k];
    if (xs[k] > xMax) xMax = xs[k];
  }
  const totalWanted = xs.length - totalUnwanted;
  const unwantedQuota = Math.min(totalUnwanted, Math.max(Math.floor(maxPoints / 2), maxPoints - totalWanted));
  const wantedQuota = Math.min(totalWanted, maxPoints - unwantedQuota);

  // Strata are (group, x-bin) pairs; slot = group·STRATA + bin, group 1 = unwanted.
  const span = xMax - xMin;
  const slots = new Int16Array(xs.length);
  const counts = new Int32Array(2 * STRATA);
  for (let k = 0; k < xs.length; k++) {
    const bin = span > 0 ? Math.min(STRATA - 1, Math.floor(((xs[k] - xMin) / span) * STRATA)) : 0;
    const slot = (unwanted[k] !== 0 ? STRATA : 0) + bin;
    slots[k] = slot;
    counts[slot]++;
  }
  const quotas = new Int32Array(2 * STRATA);
  quotas.set(binQuotas(counts.subarray(0, STRATA), wantedQuota), 0);
  quotas.set(binQuotas(counts.subarray(STRATA), unwantedQuota), STRATA);

  // The i-th of a stratum's n rows is taken when floor((i+1)·q/n) steps up: exactly q, evenly spaced.
  const seen = new Int32Array(2 * STRATA);
  const points: ChartPoints = { x: [], y: [], unwanted: [], row: [], totalWanted, totalUnwanted };
  for (let k = 0; k < xs.length; k++) {
    const slot = slots[k];
    const i = seen[slot]++;
    const n = counts[slot];
    const q = quotas[slot];
    if (Math.floor(((i + 1) * q) / n) === Math.floor((i * q) / n)) continue;
    points.x.push(xs[k]);
    points.y.push(ys[k]);
    points.unwanted.push(slot >= STRATA ? 1 : 0);
    points.row.push(rowIndex[k] + 1);
  }
  return points;
}
