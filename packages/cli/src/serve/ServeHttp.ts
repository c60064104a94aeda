import type { IncomingMessage } from "node:http"

/**
 * The HTTP details of `sketchlog serve`: the security headers of every answer, path segments, the
 * login form's body and where to go after signing in.
 */

/** Sent with every answer: only the server's own assets, no framing, no referrer. */
export const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
} as const

/** Path segments, percent-decoded; undefined when one does not decode. */
export const segmentsOf = (pathname: string): string[] | undefined => {
  try {
    return pathname
      .split("/")
      .filter((s) => s !== "")
      .map((s) => decodeURIComponent(s))
  } catch {
    return undefined
  }
}

export const readForm = (request: IncomingMessage, limit = 4096): Promise<URLSearchParams | undefined> =>
  new Promise((resolve) => {
    let body = ""
    let tooLarge = false
    request.setEncoding("utf8")
    request.on("data", (chunk: string) => {
      body += chunk
      if (body.length > limit) {
        tooLarge = true
        request.destroy()
      }
    })
    request.on("end", () => resolve(tooLarge ? undefined : new URLSearchParams(body)))
    request.on("error", () => resolve(undefined))
  })

/** A local path to go to after signing in (never another site). */
export const safeNext = (next: string | null): string =>
  next?.startsWith("/") && !next.startsWith("//") && !next.includes("\\") ? next : "/"
