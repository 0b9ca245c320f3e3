// Synthetic datasets shaped like the paper's example: a smooth wanted curve plus unwanted rows.
import type { NumericXY } from '../../src/engine/types';
import { seededGaussian, seededRandom } from './random';

export interface SyntheticOptions {
  seed: number;
  wanted: number;
  unwanted: number;
  /** Standard deviation of the noise on every row. */
  noise?: number;
  /**
   * Where the unwanted rows sit: 'offset' = a cluster `offset` above the curve over x ∈ [6, 10]
   * (separable), 'onCurve' = on the wanted curve over the whole range (indistinguishable).
   */
  placement?: 'offset' | 'onCurve';
  offset?: number;
}

export interface Synthetic {
  xy: NumericXY;
  /** rowIndex values of the unwanted rows (they are spread evenly through the file). */
  unwantedRows: number[];
  /** Per valid row: 1 if unwanted. */
  mask: Uint8Array;
  curve: (x: number) => number;
}

/** A smooth hump over x ∈ [0, 10], well captured by a cubic. */
export const paperCurve = (x: number): number => 1 + 1.5 * x - 0.12 * x * x;

export function synthetic(options: SyntheticOptions): Synthetic {
  const { wanted, unwanted, noise = 0.2, placement = 'offset', offset = 6 } = options;
  const uniform = seededRandom(options.seed);
  const gaussian = seededGaussian(uniform);
  const n = wanted + unwanted;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const mask = new Uint8Array(n);
  const unwantedRows: number[] = [];
  for (let i = 0; i < n; i++) {
    // Exactly `unwanted` rows, evenly interleaved with the wanted ones.
    const isUnwanted = Math.floor(((i + 1) * unwanted) / n) > Math.floor((i * unwanted) / n);
    const offCurve = isUnwanted && placement === 'offset';
    xs[i] = offCurve ? 6 + 4 * uniform() : 10 * uniform();
    ys[i] = paperCurve(xs[i]) + (offCurve ? offset : 0) + noise * gaussian();
    if (isUnwanted) {
      mask[i] = 1;
      unwantedRows.push(i);
    }
  }
  const xy: NumericXY = { xs, ys, rowIndex: Int32Array.from({ length: n }, (_, i) => i), skippedCount: 0, skipped: [] };
  return { xy, unwantedRows, mask, curve: paperCurve };
}
