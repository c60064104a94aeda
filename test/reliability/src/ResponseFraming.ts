/**
 * How much of one HTTP/1.x response the bytes received so far hold: the raw-socket client reads until
 * the response is complete by its own framing, so it never has to half-close to learn where it ends.
 */
export type ResponseProgress =
  /** The status line and headers are not all here yet. */
  | { readonly state: "head" }
  /** Headers read; the body is still coming (or ends when the server closes). */
  | { readonly state: "body"; readonly status: number }
  /** The whole response is here. */
  | { readonly state: "complete"; readonly status: number }
  /** Not an HTTP/1.x response (or a broken chunked body): only the server's close ends it. */
  | { readonly state: "malformed"; readonly status?: number }

const statusLine = /^HTTP\/1\.[01] (\d{3})/
const crlf = Buffer.from("\r\n")
const headEnd = Buffer.from("\r\n\r\n")

/**
 * Reads `received` as the answer to a request of `method`. Interim answers (`100 Continue` after an
 * `expect` header) are skipped; the final one is framed by `transfer-encoding: chunked`, else by
 * `content-length`, else by the server closing (RFC 9112 §6.3). HEAD, 1xx, 204 and 304 have no body.
 */
export const responseProgress = (received: Buffer, method: string): ResponseProgress => {
  let start = 0
  for (;;) {
    const end = received.indexOf(headEnd, start)
    if (end < 0) return { state: "head" }
    const head = received.subarray(start, end).toString("latin1")
    const match = statusLine.exec(head)
    if (match === null) return { state: "malformed" }
    const status = Number(match[1])
    const bodyStart = end + headEnd.length
    // An interim answer is followed by the final one (101 switches protocols: nothing follows).
    if (status >= 100 && status < 200 && status !== 101) {
      start = bodyStart
      continue
    }
    if (method === "HEAD" || status < 200 || status === 204 || status === 304)
      return { state: "complete", status }
    const headers = headerValues(head)
    const codings = headers.get("transfer-encoding")
    if (codings !== undefined) {
      const last = codings.split(",").at(-1)?.trim().toLowerCase()
      if (last !== "chunked") return { state: "body", status }
      const chunked = chunkedEnd(received, bodyStart)
      return chunked === "malformed" ? { state: "malformed", status } : { state: chunked, status }
    }
    const length = headers.get("content-length")
    if (length !== undefined) {
      if (!/^\d+$/.test(length.trim())) return { state: "malformed", status }
      return received.length - bodyStart >= Number(length.trim())
        ? { state: "complete", status }
        : { state: "body", status }
    }
    return { state: "body", status }
  }
}

/** Header values by lowercased name; repeated headers are joined with commas, as RFC 9110 allows. */
const headerValues = (head: string): Map<string, string> => {
  const headers = new Map<string, string>()
  for (const line of head.split("\r\n").slice(1)) {
    const colon = line.indexOf(":")
    if (colon <= 0) continue
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    const before = headers.get(name)
    headers.set(name, before === undefined ? value : `${before}, ${value}`)
  }
  return headers
}

/** Whether a chunked body starting at `at` has ended (last chunk and trailer section included). */
const chunkedEnd = (received: Buffer, at: number): "complete" | "body" | "malformed" => {
  let pos = at
  for (;;) {
    const lineEnd = received.indexOf(crlf, pos)
    if (lineEnd < 0) return "body"
    const sizeText = received.subarray(pos, lineEnd).toString("latin1").split(";")[0]?.trim() ?? ""
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) return "malformed"
    const size = Number.parseInt(sizeText, 16)
    if (size === 0) {
      // Trailer fields, if any, then an empty line.
      const trailers = lineEnd + crlf.length
      if (received.length < trailers + crlf.length) return "body"
      if (received.subarray(trailers, trailers + crlf.length).equals(crlf)) return "complete"
      return received.indexOf(headEnd, trailers) >= 0 ? "complete" : "body"
    }
    pos = lineEnd + crlf.length + size + crlf.length
    if (pos > received.length) return "body"
  }
}
