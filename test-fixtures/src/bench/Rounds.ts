/** The median of `xs` (the mean of the middle two for an even count): how a bench sums up its rounds. */
export const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

/**
 * The order in which the variants run in round `round`: as given, reversed every other round, so a
 * change in machine load during a round hits every variant alike.
 */
export const inRoundOrder = <T>(variants: ReadonlyArray<T>, round: number): ReadonlyArray<T> =>
  round % 2 === 0 ? variants : [...variants].reverse()
