import type { KllCoin } from "./KllCoin.js"
import type { KllQuantileRule } from "./KllQuantileRule.js"
import type { KllSerialLayout } from "./KllSerialLayout.js"

/** Options of a new (or decoded) {@link KllDoublesSketch}. */
export interface KllDoublesSketchOptions {
  /** Source of the compaction bits; default {@link KllCoin.random}. */
  readonly coin?: KllCoin
  /** Default quantile rule of queries; default `"whylogs"` (see {@link KllQuantileRule}). */
  readonly rule?: KllQuantileRule
}

/** Options of {@link KllDoublesSketch.toBytes}. */
export interface KllToBytesOptions {
  /** Default `"standard"` (Apache DataSketches); pass `"whylogs"` for whylogs v1 profiles. */
  readonly layout?: KllSerialLayout
}
