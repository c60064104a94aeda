/**
 * Runs `f` with `Math.random` replaced by a fixed xorshift32 sequence from `seed`, then puts it back.
 * KLL compaction flips its coin with `Math.random`: two code paths run under the same seed give
 * profiles that compare byte for byte.
 */
export const withSeededMathRandom = <A>(seed: number, f: () => A): A => {
  const random = Math.random
  let state = seed
  Math.random = () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 2 ** 32
  }
  try {
    return f()
  } finally {
    Math.random = random
  }
}
