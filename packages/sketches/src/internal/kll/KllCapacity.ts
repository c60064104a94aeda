/**
 * Level capacities of a KLL sketch: how many items each level may hold before it must be compacted.
 * Integer arithmetic exactly as Apache DataSketches computes it (byte-exactness depends on it).
 */

/** The smallest level width (DataSketches' `m`); the only value the serial format allows. */
export const KLL_M = 8
/** Smallest `k` the format accepts (k ≥ m). */
export const KLL_MIN_K = KLL_M
/** Largest `k` the format accepts (k is a u16). */
export const KLL_MAX_K = 65_535
/** Deepest level the capacity formula supports (3^30 still fits a double exactly; deeper splits in two). */
export const KLL_MAX_LEVELS = 61

const POWERS_OF_THREE: ReadonlyArray<number> = Array.from({ length: 31 }, (_, i) => 3 ** i)

/** round(k · (2/3)^depth) for depth ≤ 30, as `((2k << depth) / 3^depth + 1) >> 1` on integers. */
const capAuxAux = (k: number, depth: number): number => {
  // 2k · 2^depth < 2^48 and 3^depth < 2^48: the double quotient floors to the exact integer quotient.
  const scaled = Math.floor((2 * k * 2 ** depth) / POWERS_OF_THREE[depth])
  return Math.floor((scaled + 1) / 2)
}

/** round(k · (2/3)^depth); depths above 30 are done in two steps, like the reference. */
const capAux = (k: number, depth: number): number => {
  if (depth <= 30) return capAuxAux(k, depth)
  const half = depth >>> 1
  return capAuxAux(capAuxAux(k, half), depth - half)
}

/**
 * capAux(k, depth) for every depth, per k seen (whylogs uses one k, 1024): decoding a sketch needs its
 * capacities twice and compaction reads them often. A few k values are kept (a reader of hostile input
 * must not grow this without bound).
 */
const capAuxByK = new Map<number, Float64Array>()
const DEPTHS = KLL_MAX_LEVELS + 2

const capAuxOf = (k: number, depth: number): number => {
  if (depth >= DEPTHS) return capAux(k, depth)
  let table = capAuxByK.get(k)
  if (table === undefined) {
    if (capAuxByK.size >= 8) capAuxByK.clear()
    table = new Float64Array(DEPTHS)
    for (let d = 0; d < DEPTHS; d++) table[d] = capAux(k, d)
    capAuxByK.set(k, table)
  }
  return table[depth]
}

/** Nominal capacity of the level at `height` in a sketch with `numLevels` levels. */
export const levelCapacity = (k: number, numLevels: number, height: number, m: number = KLL_M): number =>
  Math.max(m, capAuxOf(k, numLevels - height - 1))

/** Sum of the level capacities: the size of the item buffer of a sketch with `numLevels` levels. */
export const totalCapacity = (k: number, numLevels: number, m: number = KLL_M): number => {
  let total = 0
  for (let h = 0; h < numLevels; h++) total += levelCapacity(k, numLevels, h, m)
  return total
}

/** Upper bound on the number of levels a sketch of `n` items can have: 1 + floor(log2 n). */
export const maxLevelsForN = (n: number): number => {
  if (n <= 0) return 1
  let levels = 1
  let denom = 2
  while (denom <= n) {
    denom *= 2
    levels++
  }
  return levels
}
