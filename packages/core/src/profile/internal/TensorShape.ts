/**
 * Whether a value is what whylogs counts as a tensor: a non-empty typed array (not a DataView), or a
 * non-empty array that numpy would turn into a numeric ndarray (numbers or bigints, nested arrays of
 * equal non-zero length, no holes, no booleans). Bounded cost for hostile input: at most
 * `MAX_TENSOR_DEPTH` levels (so self-containing arrays end) and `MAX_TENSOR_SCAN` elements are
 * looked at (a larger array is judged by the elements visited); a read that throws (a Proxy, a getter
 * on an index) makes it an object.
 */
export const isTensor = (value: object): boolean => {
  try {
    if (ArrayBuffer.isView(value)) {
      return !(value instanceof DataView) && (value as unknown as { length: number }).length > 0
    }
    // Array.isArray throws on a revoked Proxy; element reads may throw on Proxies and getters.
    if (!Array.isArray(value)) return false
    return numericBlock(value, 0, { left: MAX_TENSOR_SCAN })
  } catch {
    return false
  }
}

/** Nesting levels followed before giving up (whylogs never sees deeper data from JSON in practice). */
export const MAX_TENSOR_DEPTH = 32
/** Elements inspected at most per value. */
export const MAX_TENSOR_SCAN = 10_000

const numericBlock = (array: ReadonlyArray<unknown>, depth: number, budget: { left: number }): boolean => {
  const length = array.length
  if (length === 0 || depth >= MAX_TENSOR_DEPTH) return false
  const first = array[0]
  if (Array.isArray(first)) {
    const inner = first.length
    for (let i = 0; i < length; i++) {
      if (budget.left <= 0) return true
      budget.left--
      const row = array[i]
      if (!Array.isArray(row) || row.length !== inner || !numericBlock(row, depth + 1, budget)) return false
    }
    return true
  }
  for (let i = 0; i < length; i++) {
    if (budget.left <= 0) return true
    budget.left--
    const item = array[i]
    const kind = typeof item
    if (kind !== "number" && kind !== "bigint") return false
  }
  return true
}
