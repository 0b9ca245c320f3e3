// The main chart's data in the shape uPlot wants. No DOM and no uPlot here, so it is
// unit-tested in Node.

import type { AuditResult, ChartPoints } from '../src/engine/types';

export interface MergedData {
  /** [x, wanted y, unwanted y, before, after, retrain], as uPlot.AlignedData. */
  data: [number[], ...(number | null)[][]];
  /** 1-based data-row number at each x index, or 0 where the index is a curve point. */
  rowAt: Int32Array;
}

/** uPlot wants one ascending x array for all series: merge the points and the curve grid, null elsewhere. */
export function mergeSeries(points: ChartPoints, curve: AuditResult['curve']): MergedData {
  const nPoints = points.x.length;
  const total = nPoints + curve.x.length;
  const xOf = (k: number) => (k < nPoints ? points.x[k] : curve.x[k - nPoints]);
  const order = Array.from({ length: total }, (_, k) => k).sort((a, b) => xOf(a) - xOf(b));
  const xs = new Array<number>(total);
  const columns = Array.from({ length: 5 }, () => new Array<number | null>(total).fill(null));
  const [wanted, unwanted, before, after, retrain] = columns;
  const rowAt = new Int32Array(total);
  order.forEach((k, i) => {
    xs[i] = xOf(k);
    if (k < nPoints) {
      (points.unwanted[k] === 1 ? unwanted : wanted)[i] = points.y[k];
      rowAt[i] = points.row[k];
    } else {
      const c = k - nPoints;
      before[i] = curve.before[c];
      after[i] = curve.after[c];
      retrain[i] = curve.retrain[c];
    }
  });
  return { data: [xs, ...columns], rowAt };
}
