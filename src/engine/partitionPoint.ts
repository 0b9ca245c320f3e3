// One binary search for every sorted array and line table in the project.

/**
 * The first index in [0, count) for which `after(i)` holds, or `count` if none does. `after`
 * must be false for a prefix of the indices and true for the rest (a sorted array, say).
 */
export function partitionPoint(count: number, after: (index: number) => boolean): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (after(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
