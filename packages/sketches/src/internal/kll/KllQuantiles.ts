/** The two quantile rules (see `KllQuantileRule`) over a sorted view. */
import type { KllSortedView } from "./KllSortedView.js"

/** DataSketches 3.4 / whylogs: `rank` strictly between 0 and 1 (the caller answers 0 and 1 with min and max). */
export const quantileWhylogs = (view: KllSortedView, rank: number, inclusive: boolean): number => {
  const w = Math.trunc(rank * view.totalWeight)
  if (inclusive) return view.itemAt(view.firstCumAtLeast(w))
  // The exclusive weight of entry i is the inclusive weight of entry i - 1 (0 for the first entry).
  if (w <= 0) return view.itemAt(0)
  return view.itemAt(view.firstCumAtLeast(w) + 1)
}

/** DataSketches 5.x, for any rank in [0, 1]. */
export const quantileV5 = (view: KllSortedView, rank: number, inclusive: boolean): number => {
  if (inclusive) return view.itemAt(view.firstCumAtLeast(Math.ceil(rank * view.totalWeight)))
  return view.itemAt(view.firstCumAbove(Math.trunc(rank * view.totalWeight)))
}
