/**
 * Unknown option names: every entry point (the adapters, the rolling logger, `init`, the writers,
 * the collector) rejects a name it does not know, and says which known name was probably meant, so a
 * typo (`overload` for `overflow`) fails where it is written instead of doing nothing.
 */

/** Edits (insert, delete, substitute, swap two neighbours) between `a` and `b`. */
const editDistance = (a: string, b: string): number => {
  if (a === b) return 0
  let before = new Array<number>(b.length + 1).fill(0)
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  let current = new Array<number>(b.length + 1).fill(0)
  for (let i = 1; i <= a.length; i++) {
    current[0] = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, before[j - 2]! + 1)
      current[j] = d
    }
    ;[before, previous, current] = [previous, current, before]
  }
  return previous[b.length]!
}

/**
 * The known name nearest to `name`, if one is near enough to be a typo of it: letter case ignored,
 * at most about two edits in five letters (never fewer than two). Ties go to the earlier known name.
 */
export const nearestName = (name: string, known: Iterable<string>): string | undefined => {
  const wanted = name.toLowerCase()
  const limit = Math.max(2, Math.ceil(wanted.length * 0.4))
  let best: string | undefined
  let bestDistance = limit + 1
  for (const candidate of known) {
    const distance = editDistance(wanted, candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

/** Why `name` is refused: "unknown option; did you mean \"overflow\"?", or the names there are. */
export const unknownOptionReason = (name: string, known: ReadonlyArray<string>, what = "option"): string => {
  const nearest = nearestName(name, known)
  return nearest !== undefined
    ? `unknown ${what}; did you mean ${JSON.stringify(nearest)}?`
    : `unknown ${what} (known: ${known.join(", ")})`
}

/**
 * The first own key of `options` not among `known`, with the reason to give; undefined when every
 * key is known. A value that is not a plain object has no names to check.
 */
export const firstUnknownOption = (
  options: unknown,
  known: ReadonlyArray<string>,
): { readonly option: string; readonly reason: string } | undefined => {
  if (typeof options !== "object" || options === null || Array.isArray(options)) return undefined
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) return { option: key, reason: unknownOptionReason(key, known) }
  }
  return undefined
}

/**
 * Every key of `T`, as a list the compiler checks is complete: `optionNamesOf<Options>()([…])` fails
 * to type-check naming the key a new option forgot to add, so no option is ever refused as unknown.
 */
export const optionNamesOf =
  <T>() =>
  <const N extends ReadonlyArray<keyof T & string>>(
    names: N &
      ([Exclude<keyof T, N[number]>] extends [never]
        ? unknown
        : { readonly missing: Exclude<keyof T, N[number]> }),
  ): ReadonlyArray<keyof T & string> =>
    names
