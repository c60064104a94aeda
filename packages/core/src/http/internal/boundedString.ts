// `isWellFormed` / `toWellFormed` are ES2024 (Node 20 has them); the project's lib is ES2023.
interface WellFormedString {
  isWellFormed(): boolean
  toWellFormed(): string
}

/**
 * A string fit for a row: at most `max` UTF-16 units, never cut between the halves of a surrogate pair,
 * and lone surrogates (JavaScript's form of invalid UTF-8) replaced with U+FFFD so the profile's UTF-8
 * encoding is lossless and stable.
 */
export const boundedString = (text: string, max: number): string => {
  let out = text
  if (text.length > max) {
    let end = max
    const last = text.charCodeAt(end - 1)
    if (last >= 0xd800 && last <= 0xdbff) end--
    // A plain slice would keep the whole (possibly megabytes long) original alive inside the row while
    // it waits in the logger's queue; prefixing and slicing again forces a copy of just the kept part.
    out = `\u0000${text.slice(0, end)}`.slice(1)
  }
  return (out as unknown as WellFormedString).isWellFormed()
    ? out
    : (out as unknown as WellFormedString).toWellFormed()
}
