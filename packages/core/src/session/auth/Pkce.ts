import { createHash, randomBytes } from "node:crypto"
import { Redacted } from "effect"

/** A PKCE pair (RFC 7636): the verifier stays here, the S256 challenge goes in the authorization URL. */
export interface Pkce {
  readonly verifier: Redacted.Redacted<string>
  readonly challenge: string
}

/** A fresh PKCE pair: 32 random bytes as a 43-character base64url verifier, challenge = base64url(SHA-256). */
export const makePkce = (): Pkce => {
  const verifier = randomBytes(32).toString("base64url")
  return {
    verifier: Redacted.make(verifier),
    challenge: createHash("sha256").update(verifier).digest("base64url"),
  }
}

/** An unguessable `state` value that ties the callback to this sign-in (CSRF protection). */
export const makeState = (): string => randomBytes(16).toString("base64url")
