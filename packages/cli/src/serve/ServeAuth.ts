import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto"
import type { IncomingMessage } from "node:http"

/** The cookie a signed-in browser holds. */
export const SESSION_COOKIE = "sketchlog_session"

const digest = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest()

/** Equal texts, compared in time that does not depend on where they differ (both hashed to 32 bytes first). */
export const sameSecret = (given: string, expected: string): boolean =>
  timingSafeEqual(digest(given), digest(expected))

/**
 * Access control of `sketchlog serve --token`: a request is let in with `Authorization: Bearer
 * <token>`, or with the session cookie the login form sets (an HMAC of the token under a key made at
 * start, so the cookie is not the token and dies with the process). Without a token every request is
 * let in (the server then only listens on loopback).
 */
export class ServeAuth {
  readonly #token: string | undefined
  readonly #cookieValue: string | undefined

  constructor(token: string | undefined) {
    this.#token = token
    this.#cookieValue =
      token === undefined
        ? undefined
        : createHmac("sha256", randomBytes(32)).update(token, "utf8").digest("base64url")
  }

  /** Whether the server asks for a token at all. */
  get required(): boolean {
    return this.#token !== undefined
  }

  /** Whether the request carries the token (bearer header) or a valid session cookie. */
  allows(request: IncomingMessage): boolean {
    if (this.#token === undefined || this.#cookieValue === undefined) return true
    const header = request.headers.authorization
    if (typeof header === "string") {
      const match = /^Bearer\s+(.+)$/i.exec(header.trim())
      if (match !== null && sameSecret(match[1] as string, this.#token)) return true
    }
    const cookie = cookieValue(request.headers.cookie, SESSION_COOKIE)
    return cookie !== undefined && sameSecret(cookie, this.#cookieValue)
  }

  /** Checks a token typed into the login form. */
  accepts(token: string): boolean {
    return this.#token !== undefined && sameSecret(token, this.#token)
  }

  /** The `Set-Cookie` header of a successful sign-in: HttpOnly, SameSite=Strict, for the whole site. */
  sessionCookie(): string {
    return `${SESSION_COOKIE}=${this.#cookieValue ?? ""}; HttpOnly; SameSite=Strict; Path=/`
  }
}

/** One cookie's value from a `Cookie` header. */
export const cookieValue = (header: string | undefined, name: string): string | undefined => {
  if (header === undefined) return undefined
  for (const part of header.split(";")) {
    const eq = part.indexOf("=")
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

/** Whether `host` only listens on this machine: 127.0.0.0/8, ::1, localhost. */
export const isLoopback = (host: string): boolean => {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase()
  return (
    h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === "::ffff:127.0.0.1"
  )
}
