/** The value put in a content-type column when the header holds something that is not a media type. */
export const InvalidContentType = "(invalid)"

const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]{1,64}\/[a-z0-9!#$&^_.+-]{1,64}$/

// Content types repeat endlessly, so each distinct raw value is parsed once; the cache is cleared when
// full, which bounds it against clients that send a fresh value every time.
const cache = new Map<string, string>()
const CACHE_LIMIT = 256

/**
 * The media type of a `content-type` value, lower-cased and without parameters (`; charset=utf-8`,
 * `; boundary=…` carry nothing worth profiling and could carry anything). A header value that is not a
 * media type becomes `"(invalid)"`, so no free text from a header ever reaches a row.
 */
export const mediaType = (raw: string): string => {
  const hit = cache.get(raw)
  if (hit !== undefined) return hit
  if (raw.length > 1024) return InvalidContentType
  const semicolon = raw.indexOf(";")
  const type = (semicolon === -1 ? raw : raw.slice(0, semicolon)).trim().toLowerCase()
  const result = MEDIA_TYPE.test(type) ? type : InvalidContentType
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(raw, result)
  return result
}

/** True for JSON media types: `application/json`, `text/json` and any `…+json` (`application/problem+json`). */
export const isJsonMediaType = (type: string): boolean =>
  type === "application/json" || type.endsWith("+json") || type === "text/json"
