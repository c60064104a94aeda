/** Dynamic route parameters as Next.js hands them to a handler: one value, several (catch-all), or none. */
export type RouteParams = Readonly<Record<string, string | ReadonlyArray<string> | undefined>>

/**
 * The file-system route template of a request (`/api/models/[id]`, `/docs/[...slug]`), rebuilt from
 * its path and the dynamic parameters Next.js matched: each parameter's value, found among the path's
 * (decoded) segments, is put back as `[name]`, and a catch-all's run of segments as `[...name]`.
 * Parameters are placed from the right, each before the one after it, so a value that also spells a
 * static segment further left (`/api/models/models`) still lands where the parameter is.
 *
 * What cannot be told from a request: an optional catch-all (`[[...slug]]`) reads as `[...slug]`, or
 * as nothing when empty, and a value equal to a static segment to its right can take that place. The
 * result is bounded either way (never a client-chosen value), and `withSketchlog`'s `route` option
 * names the template exactly where that matters. A trailing slash is dropped; the empty path is `/`.
 */
export const deriveRouteTemplate = (pathname: string, params?: RouteParams | undefined): string => {
  const raw = pathname.split("/")
  // raw[0] is the empty text before the leading slash; a trailing slash leaves one more empty item.
  if (raw.length > 1 && raw[raw.length - 1] === "") raw.pop()
  const segments = raw.map(decodeSegment)
  const template = raw.slice()
  if (params !== undefined) {
    const taken = new Array<boolean>(segments.length).fill(false)
    taken[0] = true
    let limit = segments.length
    const entries = Object.entries(params)
    for (let p = entries.length - 1; p >= 0; p--) {
      const [name, value] = entries[p]!
      if (value === undefined) continue
      const values = typeof value === "string" ? [value] : value
      if (values.length === 0) continue
      const at = findRun(segments, taken, values, limit) ?? findRun(segments, taken, values, segments.length)
      if (at === undefined) continue
      for (let i = at; i < at + values.length; i++) taken[i] = true
      template[at] = typeof value === "string" ? `[${name}]` : `[...${name}]`
      template.fill("", at + 1, at + values.length)
      limit = at
    }
  }
  const path = template.filter((segment, i) => i === 0 || segment !== "").join("/")
  return path === "" ? "/" : path
}

/** The rightmost start, below `limit`, of a run of free segments spelling `values`. */
const findRun = (
  segments: ReadonlyArray<string>,
  taken: ReadonlyArray<boolean>,
  values: ReadonlyArray<string>,
  limit: number,
): number | undefined => {
  for (let start = Math.min(limit, segments.length) - values.length; start >= 1; start--) {
    let match = true
    for (let k = 0; k < values.length; k++) {
      if (taken[start + k] || segments[start + k] !== values[k]) {
        match = false
        break
      }
    }
    if (match) return start
  }
  return undefined
}

/** A path segment as Next.js decodes it into a parameter; a malformed escape stays as it is. */
const decodeSegment = (segment: string): string => {
  if (!segment.includes("%")) return segment
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
