import type { HttpFieldPattern } from "../HttpRowOptions.js"

const escapeRegExp = (text: string): string => text.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&")

/**
 * Compiles a column glob to an anchored RegExp: `*` stays inside one dot-separated segment, a `**`
 * segment spans zero or more segments, so `request.body.**` also matches `request.body` itself.
 */
export const globToRegExp = (glob: string): RegExp => {
  const segments = glob.split(".")
  if (segments.length === 1 && segments[0] === "**") return /^.*$/s
  let source = ""
  let leadingAny = false
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!
    if (segment === "**") {
      if (i === 0) {
        source += "(?:.*\\.)?"
        leadingAny = true
      } else {
        source += "(?:\\..*)?"
      }
      continue
    }
    if (i > 0 && !(i === 1 && leadingAny)) source += "\\."
    source += segment.split("*").map(escapeRegExp).join("[^.]*")
  }
  return new RegExp(`^${source}$`, "s")
}

/**
 * A RegExp safe to call `test` on repeatedly: `g` and `y` make `test` stateful (`lastIndex`), which
 * would make the same column match on one request and not on the next.
 */
export const statelessRegExp = (re: RegExp): RegExp =>
  re.global || re.sticky ? new RegExp(re.source, re.flags.replace(/[gy]/g, "")) : re

/** A pattern list compiled to RegExps. */
export const compileFieldPatterns = (patterns: ReadonlyArray<HttpFieldPattern>): ReadonlyArray<RegExp> =>
  patterns.map((p) => (typeof p === "string" ? globToRegExp(p) : statelessRegExp(p)))

/** True when any pattern matches the column name. */
export const matchesAny = (patterns: ReadonlyArray<RegExp>, name: string): boolean => {
  for (let i = 0; i < patterns.length; i++) if (patterns[i]!.test(name)) return true
  return false
}
