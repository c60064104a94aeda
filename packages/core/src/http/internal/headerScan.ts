import type { HttpHeaders, HttpHeadersLike } from "../HttpExchange.js"

const MAX_LINES_PER_NAME = 1024

/**
 * One pass over a header map that keeps only what a row may hold: how many header lines, their wire
 * size (`name: value\r\n`), which of the watched names are present, and the raw `content-type` and
 * `content-length` (parsed further by the caller). Values are looked at for their length only.
 */
export class HeaderScan {
  count = 0
  size = 0
  contentType: string | undefined = undefined
  /** As given: Node keeps a `content-length` set by number as a number. */
  contentLength: string | number | undefined = undefined
  readonly present: Array<boolean>
  private readonly visit = (value: unknown, name: string): void => this.line(name, value)

  constructor(private readonly watched: ReadonlyMap<string, number>) {
    this.present = new Array<boolean>(watched.size).fill(false)
  }

  /** Scans `headers`; a map that cannot be read leaves what was counted before the failure. */
  scan(headers: HttpHeaders): void {
    this.count = 0
    this.size = 0
    this.contentType = undefined
    this.contentLength = undefined
    this.present.fill(false)
    try {
      if (typeof (headers as HttpHeadersLike).forEach === "function") {
        ;(headers as HttpHeadersLike).forEach(this.visit)
      } else {
        const record = headers as Readonly<Record<string, unknown>>
        // `for…in`: no key array per header map where V8 has the object's key list cached.
        for (const name in record) if (Object.hasOwn(record, name)) this.line(name, record[name])
      }
    } catch {
      // A hostile or broken header map: keep the partial counts rather than fail the request's row.
    }
  }

  private line(name: string, value: unknown): void {
    if (typeof name !== "string") return
    let lines = 0
    let size = 0
    if (typeof value === "string") {
      lines = 1
      size = name.length + value.length + 4
    } else if (typeof value === "number") {
      lines = 1
      size = name.length + decimalLength(value) + 4
    } else if (Array.isArray(value)) {
      // Node caps header lines per request; a hand-made map might not, so sizes are summed over the
      // first lines only.
      lines = value.length
      const end = Math.min(value.length, MAX_LINES_PER_NAME)
      for (let i = 0; i < end; i++) {
        const item = value[i]
        size += name.length + (typeof item === "string" ? item.length : 0) + 4
      }
    } else {
      return
    }
    this.count += lines
    this.size += size
    const lower = name.toLowerCase()
    const index = this.watched.get(lower)
    if (index !== undefined) this.present[index] = true
    if (lower === "content-type") {
      const first = Array.isArray(value) ? value[0] : value
      if (typeof first === "string") this.contentType = first
    } else if (lower === "content-length") {
      const first = Array.isArray(value) ? value[0] : value
      this.contentLength = typeof first === "number" || typeof first === "string" ? first : undefined
    }
  }
}

/** Characters of `String(value)`, without building the string for the usual case (a byte count). */
const decimalLength = (value: number): number => {
  if (!Number.isSafeInteger(value) || value < 0) return String(value).length
  let length = 1
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) length++
  return length
}
