import { createHash } from "node:crypto"
import type { ProfileSegment } from "../../profile/Segment.js"

const UNSAFE = /[^A-Za-z0-9._=,+@-]/g
const MAX_PART = 80

const shortHash = (text: string): string =>
  createHash("sha256").update(text, "utf8").digest("hex").slice(0, 8)

/**
 * A name that is safe as one path component on Linux, macOS and Windows: characters outside
 * `[A-Za-z0-9._=,+@-]` become `_`, at most 80 characters, never `.`/`..` or a leading dot. When the
 * text had to change, a short hash of the original is appended, so two different texts that clean up
 * the same (`/users` and `_users`) still get different names.
 */
export const safeName = (text: string): string => {
  let clean = text.replace(UNSAFE, "_")
  if (clean.startsWith(".")) clean = `_${clean.slice(1)}`
  if (clean === text && clean.length > 0 && clean.length <= MAX_PART) return clean
  return `${clean.slice(0, MAX_PART)}~${shortHash(text)}`
}

/** The segment part of a file name: `http.route=_users_id,http.method=GET~1a2b3c4d`. */
export const segmentName = (segment: ProfileSegment): string =>
  safeName(segment.columns.map((column, i) => `${column}=${segment.values[i] ?? ""}`).join(","))
