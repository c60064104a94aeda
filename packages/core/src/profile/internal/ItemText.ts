/**
 * The text whylogs' frequent-items sketch stores for a value. whylogs-sketching formats numbers with
 * C++ `std::to_string`: integers as `%lld`, doubles as `%f` (six decimals, round-half-even on exact
 * ties, `inf`/`-inf`); booleans as Python's `True`/`False`; strings are cut to 128 code points
 * (Python slicing counts code points, not UTF-16 units).
 */

/** whylogs' `max_frequent_item_size`. */
export const MAX_FREQUENT_ITEM_CODE_POINTS = 128

/**
 * `%lld` of an integer held in a double (|value| < 2^63). `String` prints the shortest round-trip form,
 * which past 2^53 is not the exact value (2^62 → "4611686018427388000"), so those go through BigInt.
 */
export const integerText = (value: number): string => {
  if (value >= SMALL_MIN && value < SMALL_MAX) {
    // Small integers (status codes, ages, counts) repeat: keep their text instead of a new string per value.
    const index = value - SMALL_MIN
    let text = smallIntegers[index]
    if (text === undefined) {
      text = String(value === 0 ? 0 : value)
      smallIntegers[index] = text
    }
    return text
  }
  return Math.abs(value) <= Number.MAX_SAFE_INTEGER ? String(value) : BigInt(value).toString()
}

const SMALL_MIN = -1024
const SMALL_MAX = 16_384
const smallIntegers: Array<string | undefined> = new Array(SMALL_MAX - SMALL_MIN)

/** `%f` of a double. */
export const doubleText = (value: number): string => {
  if (value === Number.POSITIVE_INFINITY) return "inf"
  if (value === Number.NEGATIVE_INFINITY) return "-inf"
  if (Number.isNaN(value)) return "nan"
  const magnitude = Math.abs(value)
  // toFixed switches to exponent notation from 1e21 on; such doubles are integers, exact as bigints.
  if (magnitude >= 1e21) return `${value < 0 ? "-" : ""}${BigInt(magnitude).toString()}.000000`
  const scaled = value * 128
  // An exact tie at the sixth decimal needs a value with exactly seven binary fraction digits
  // (odd multiple of 1/128): toFixed rounds those away from zero, C rounds them to even.
  if (Number.isInteger(scaled) && !Number.isInteger(value * 64)) return tieText(scaled)
  if (Object.is(value, -0)) return "-0.000000"
  return value.toFixed(6)
}

/** `%f` of odd/128: 10^6 · odd/128 = odd · 15625/2, so the two candidates are (odd·15625 ± 1)/2. */
const tieText = (scaled: number): string => {
  const negative = scaled < 0
  const odd = BigInt(Math.abs(scaled))
  const down = (odd * 15625n - 1n) / 2n
  const even = down % 2n === 0n ? down : down + 1n
  const integer = even / 1000000n
  const fraction = (even % 1000000n).toString().padStart(6, "0")
  return `${negative ? "-" : ""}${integer}.${fraction}`
}

/** A string cut to whylogs' 128 code points (unchanged when shorter). */
export const cutItem = (value: string): string => {
  if (value.length <= MAX_FREQUENT_ITEM_CODE_POINTS) return value
  let index = 0
  for (let points = 0; points < MAX_FREQUENT_ITEM_CODE_POINTS; points++) {
    const unit = value.charCodeAt(index)
    const next = value.charCodeAt(index + 1)
    index += unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1
  }
  return value.slice(0, index)
}
