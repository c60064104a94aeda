import type { HttpMessage } from "../HttpExchange.js"
import { isJsonMediaType, mediaType } from "../MediaType.js"
import { isStreamLike } from "./bodyWalk.js"
import { HeaderScan } from "./headerScan.js"

const DIGITS = /^\d{1,15}$/
/** The largest count `DIGITS` admits, for a `content-length` given as a number. */
const MAX_DIGITS_VALUE = 999_999_999_999_999

/**
 * What becomes of a message's body: `none`, no parsed JSON body (it counts by size and content type
 * only); `walk`, flatten it into columns; `too-large`, a JSON body whose known size is over
 * `maxBodyBytes` (flagged as truncated, not walked).
 */
export type BodyPlan = "none" | "walk" | "too-large"

/**
 * The row-safe facts of one side of an exchange, read once into reused fields: header count and size,
 * watched-header presence, media type, byte size, and what to do with the body.
 */
export class MessageSummary {
  headerCount: number | null = null
  headersSize: number | null = null
  contentType: string | null = null
  size: number | null = null
  /** Whether headers were given at all (presence is unknown, null, when not). */
  scanned = false
  plan: BodyPlan = "none"
  readonly scan: HeaderScan

  constructor(
    watched: ReadonlyMap<string, number>,
    private readonly maxBodyBytes: number,
  ) {
    this.scan = new HeaderScan(watched)
  }

  read(message: HttpMessage | undefined): void {
    const scan = this.scan
    const headers = message?.headers
    this.scanned = typeof headers === "object" && headers !== null
    if (this.scanned) scan.scan(headers!)
    this.headerCount = this.scanned ? scan.count : null
    this.headersSize = this.scanned ? scan.size : null

    const declared = message?.contentType
    const rawType = typeof declared === "string" ? declared : this.scanned ? scan.contentType : undefined
    this.contentType = rawType === undefined ? null : mediaType(rawType)

    const size = message?.size
    this.size = typeof size === "number" && Number.isSafeInteger(size) && size >= 0 ? size : null
    const length = scan.contentLength
    if (this.size === null && this.scanned && length !== undefined) {
      if (typeof length === "number") {
        this.size = Number.isSafeInteger(length) && length >= 0 && length <= MAX_DIGITS_VALUE ? length : null
      } else if (DIGITS.test(length)) {
        this.size = Number(length)
      }
    }

    const body = message?.body
    this.plan =
      body === undefined ||
      body === null ||
      !isParsedJson(body) ||
      (this.contentType !== null && !isJsonMediaType(this.contentType))
        ? "none"
        : this.size !== null && this.size > this.maxBodyBytes
          ? "too-large"
          : "walk"
  }
}

/**
 * Whether a body value is something a framework parsed from JSON, as opposed to raw text, bytes or a
 * stream. A top-level string is not walked: it is as likely the raw text of a body as a parsed JSON
 * string, and raw text could hold anything.
 */
const isParsedJson = (body: unknown): boolean => {
  switch (typeof body) {
    case "number":
    case "boolean":
      return true
    case "object":
      try {
        return !(ArrayBuffer.isView(body) || body instanceof ArrayBuffer || isStreamLike(body as object))
      } catch {
        return false
      }
    default:
      return false
  }
}
