/**
 * A Zipf(`exponent`) sampler over the ranks 0 … `size` − 1: maps a uniform draw in [0, 1) to rank r
 * with probability ∝ 1 / (r + 1)^exponent (binary search in the cumulative weights), the skewed
 * streams frequent-items sketches are measured on.
 */
export const zipfRanks = (size: number, exponent: number): ((u01: number) => number) => {
  const cdf = new Float64Array(size)
  let acc = 0
  for (let i = 0; i < size; i++) cdf[i] = acc += 1 / (i + 1) ** exponent
  return (u01) => {
    const u = u01 * acc
    let lo = 0
    let hi = size - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cdf[mid]! < u) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}
