import { createHash, timingSafeEqual } from "node:crypto"
import { inspect } from "node:util"
import { Redacted } from "effect"
import { IntakeOptionsError } from "./IntakeError.js"
import { headerValue, type IntakeHeaders } from "./internal/headers.js"

/** How a request's credentials compare with the expected token. */
export type TokenCheck = "ok" | "missing" | "invalid"

const sha256 = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest()

const BEARER = /^Bearer[ \t]+(\S.*?)[ \t]*$/i

/**
 * The shared secret intake requests must carry: `Authorization: Bearer <token>`, or `X-API-Key:
 * <token>` as the whylogs container's clients send it. Compared in constant time: both sides are
 * hashed to SHA-256 digests of equal length first, so `timingSafeEqual` applies and neither the
 * token's bytes nor its length show in the timing. Never printed.
 */
export class BearerToken {
  readonly #digest: Buffer

  constructor(token: string | Redacted.Redacted<string>) {
    const value = Redacted.isRedacted(token) ? Redacted.value(token) : token
    if (typeof value !== "string" || value.length === 0)
      throw new IntakeOptionsError({ option: "token", reason: "must be a non-empty string" })
    this.#digest = sha256(value)
  }

  /** `ok` for the right token, `missing` when none is presented, `invalid` otherwise. */
  check(headers: IntakeHeaders | undefined): TokenCheck {
    const authorization = headerValue(headers, "authorization")
    const bearer = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1]
    const presented = bearer ?? headerValue(headers, "x-api-key")
    if (presented === undefined) return authorization === undefined ? "missing" : "invalid"
    return timingSafeEqual(sha256(presented), this.#digest) ? "ok" : "invalid"
  }

  toString(): string {
    return "BearerToken(<redacted>)"
  }

  toJSON(): string {
    return "<redacted>"
  }

  [inspect.custom](): string {
    return this.toString()
  }
}
