/**
 * Exact ranks in an ascending array, the truth a quantile sketch's answers are measured against:
 * a value `q` has the exact rank interval [`countBelow(q)`, `countAtOrBelow(q)`] / n.
 */

/** How many items of the ascending `sorted` are `< x` (binary search). */
export const countBelow = (sorted: ArrayLike<number>, x: number): number => {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** How many items of the ascending `sorted` are `<= x` (binary search). */
export const countAtOrBelow = (sorted: ArrayLike<number>, x: number): number => {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! <= x) lo = mid + 1
    else hi = mid
  }
  return lo
}
