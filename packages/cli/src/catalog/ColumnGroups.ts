/**
 * How pages order a profile's columns: what a model sees and answers first (`request.body.*`,
 * `response.body.*`, then `request.query.*` and columns logged by hand), and the HTTP housekeeping
 * that @sketchlog/core adds to every request (`http.*`: route, status, sizes, headers) last, folded.
 */
export type ColumnGroup = "request" | "response" | "other" | "http"

/** The groups in page order, with their headings. */
export const COLUMN_GROUPS: ReadonlyArray<readonly [ColumnGroup, string]> = [
  ["request", "Request body"],
  ["response", "Response body"],
  ["other", "Other columns"],
  ["http", "HTTP housekeeping"],
]

/** The group of a column, by its name. */
export const columnGroup = (name: string): ColumnGroup =>
  name.startsWith("request.body.")
    ? "request"
    : name.startsWith("response.body.")
      ? "response"
      : name.startsWith("http.")
        ? "http"
        : "other"

const RANK: Readonly<Record<ColumnGroup, number>> = { request: 0, response: 1, other: 2, http: 3 }

/** Column names in page order: by group, then by name. */
export const orderColumns = (names: Iterable<string>): string[] =>
  [...names].sort((a, b) => RANK[columnGroup(a)] - RANK[columnGroup(b)] || (a < b ? -1 : a > b ? 1 : 0))
