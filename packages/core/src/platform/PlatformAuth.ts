import { Effect, Redacted } from "effect"
import type { AuthError, PlatformError, TimeoutError } from "./PlatformError.js"

/** Headers that prove who is calling. */
export type AuthHeaders = Readonly<Record<string, string>>

/**
 * How platform calls prove who they are: an API key, a bearer token that refreshes itself, or
 * nothing (anonymous sessions). The client asks for headers before each call and reports a 401.
 */
export interface PlatformAuth {
  /** Headers for the next call; a token strategy refreshes an expiring token first. */
  readonly headers: Effect.Effect<AuthHeaders, AuthError | PlatformError | TimeoutError>
  /**
   * Told that the platform answered 401 to `refused`; succeeds with `true` when fresh credentials
   * are now available and the call is worth one more try.
   */
  readonly onUnauthorized: (
    refused: AuthHeaders,
  ) => Effect.Effect<boolean, AuthError | PlatformError | TimeoutError>
  /** What is presented, without secrets, e.g. `API key AB12CD34EF`. */
  readonly description: string
}

/** The built-in strategies; the token strategy lives with the token cache (session/auth). */
export const PlatformAuth = {
  /** No credentials (anonymous sessions and presigned uploads). */
  none: {
    headers: Effect.succeed({}),
    onUnauthorized: () => Effect.succeed(false),
    description: "no credentials",
  } satisfies PlatformAuth as PlatformAuth,

  /** `X-API-Key: <key>`; `keyId` (the public part) names it in messages. */
  apiKey: (key: Redacted.Redacted<string>, keyId: string): PlatformAuth => ({
    headers: Effect.sync(() => ({ "x-api-key": Redacted.value(key) })),
    onUnauthorized: () => Effect.succeed(false),
    description: `API key ${keyId}`,
  }),
}
