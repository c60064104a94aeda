import { Data, Either, Redacted } from "effect"
import { ApiKeyError } from "./SessionError.js"

/**
 * A parsed WhyLabs API key: `<10-char key id>.<secret>`, optionally followed by `:<org id>`.
 * The whole key stays `Redacted`; only the key id (public, shown by the platform's UI) is plain.
 */
export class ApiKey extends Data.Class<{
  /** The first 10 characters: identifies the key, grants nothing. */
  readonly keyId: string
  /** The org from the key's `:org-…` suffix, if it has one. */
  readonly orgId: string | undefined
  /** The full key as sent in `X-API-Key`. */
  readonly value: Redacted.Redacted<string>
}> {
  override toString(): string {
    return `ApiKey(${this.keyId})`
  }
}

const ORG_ID = /^org-[A-Za-z0-9_-]+$/

/**
 * Parses and validates a key (FORMATS.md: key part 12–80 characters with a `.` at index 10, an
 * optional `:org-…` suffix). `source` names where it came from, for the error; the error never
 * quotes the key.
 */
export const parseApiKey = (
  raw: string | Redacted.Redacted<string>,
  source: string,
): Either.Either<ApiKey, ApiKeyError> => {
  const text = (typeof raw === "string" ? raw : Redacted.value(raw)).trim()
  const fail = (reason: string) => Either.left(new ApiKeyError({ source, reason }))
  if (text.length === 0) return fail("it is empty")
  if (/\s/.test(text)) return fail("it contains whitespace")
  const colon = text.indexOf(":")
  const keyPart = colon < 0 ? text : text.slice(0, colon)
  const orgPart = colon < 0 ? undefined : text.slice(colon + 1)
  if (keyPart.length < 12 || keyPart.length > 80) {
    return fail(`the key part must be 12 to 80 characters long, it has ${keyPart.length}`)
  }
  if (keyPart[10] !== ".") return fail("expected <10-character key id>.<secret> (a '.' at index 10)")
  if (orgPart !== undefined && !ORG_ID.test(orgPart)) {
    return fail("the part after ':' must be an org id such as org-abc123")
  }
  return Either.right(new ApiKey({ keyId: keyPart.slice(0, 10), orgId: orgPart, value: Redacted.make(text) }))
}

/** Whether `orgId` looks like a WhyLabs org id (`org-…`). */
export const isOrgId = (orgId: string): boolean => ORG_ID.test(orgId)
