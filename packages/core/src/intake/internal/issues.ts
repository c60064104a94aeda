import { ParseResult } from "effect"
import type { IntakeIssue } from "../IntakeResult.js"

/** Issues reported at most: a body of 10,000 bad rows must not answer with 10,000 lines. */
export const MAX_ISSUES = 20

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/**
 * A path as a JavaScript accessor: `multiple.data[3]`, `embeddings["my col"]`; `prefix` goes first
 * (`message.data` for the payload of a Pub/Sub push). The root is `(body)` (or the prefix).
 */
export const formatPath = (prefix: string, path: ReadonlyArray<PropertyKey>): string => {
  let out = prefix
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`
    else if (typeof key === "string" && IDENTIFIER.test(key)) out += out === "" ? key : `.${key}`
    else out += `[${JSON.stringify(String(key))}]`
  }
  return out === "" ? "(body)" : out
}

/**
 * The issues of a Schema decoding failure, with their paths (`rename` maps a path's first key). The
 * alternatives of one field (`number | null | undefined`) come as one issue each: they are joined.
 */
export const issuesOf = (
  error: ParseResult.ParseError,
  prefix = "",
  rename?: (first: PropertyKey) => PropertyKey,
): Array<IntakeIssue> => {
  const out: Array<{ path: string; message: string }> = []
  for (const issue of ParseResult.ArrayFormatter.formatErrorSync(error)) {
    const path =
      rename === undefined || issue.path.length === 0
        ? issue.path
        : [rename(issue.path[0] as PropertyKey), ...issue.path.slice(1)]
    const text = formatPath(prefix, path)
    const last = out[out.length - 1]
    if (last !== undefined && last.path === text) {
      last.message = `${last.message}; or ${issue.message}`
      continue
    }
    if (out.length === MAX_ISSUES) break
    out.push({ path: text, message: issue.message })
  }
  return out
}
