import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import { Clock, Duration, Effect, Option, Redacted, SynchronizedRef } from "effect"
import type { OAuthClient, OAuthGrant } from "../../platform/OAuthClient.js"
import type { AuthHeaders, PlatformAuth } from "../../platform/PlatformAuth.js"
import { AuthError, type PlatformError, type TimeoutError } from "../../platform/PlatformError.js"
import { TokenRefreshed } from "../SessionEvent.js"
import { type CachedToken, readTokenCache, writeTokenCache } from "./TokenCache.js"

/** What the bearer strategy needs. */
export interface TokenAuthConfig {
  readonly token: CachedToken
  readonly cachePath: string
  readonly oauth: OAuthClient
  /** Renew this long before expiry (at most half the token's lifetime, so short tokens do not loop). */
  readonly refreshMargin: Duration.DurationInput
  readonly onRefreshed: (event: TokenRefreshed) => Effect.Effect<void>
}

/** A bearer-token strategy that renews its token before expiry and after a 401, and shows it. */
export interface TokenAuth extends PlatformAuth {
  /** The token in use now. */
  readonly current: Effect.Effect<CachedToken>
}

type RefreshError = AuthError | PlatformError | TimeoutError

const bearer = (token: CachedToken) => `Bearer ${Redacted.value(token.accessToken)}`

/**
 * Makes the strategy. Renewals are serialised (concurrent calls wait for one renewal instead of
 * starting their own), written back to the cache so other processes reuse them, and announced as
 * `TokenRefreshed`. Before renewing, the cache is read again: when another process has already
 * renewed (which, with rotating refresh tokens, spends ours), its token is adopted instead.
 */
export const makeTokenAuth = (
  config: TokenAuthConfig,
): Effect.Effect<TokenAuth, never, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function* () {
    const context = yield* Effect.context<FileSystem.FileSystem | Path.Path>()
    const ref = yield* SynchronizedRef.make(config.token)
    const marginMillis = Duration.toMillis(config.refreshMargin)

    const expiring = (token: CachedToken, now: number) => {
      if (token.expiresAt === undefined) return false
      const lifetime = Math.max(0, token.expiresAt - token.obtainedAt)
      return now >= token.expiresAt - Math.min(marginMillis, lifetime / 2)
    }

    const grantFor = (token: CachedToken): OAuthGrant | undefined => {
      if (token.refreshToken !== undefined) {
        return {
          type: "refresh_token",
          clientId: token.clientId,
          refreshToken: token.refreshToken,
          clientSecret: token.clientSecret,
        }
      }
      if (token.clientSecret !== undefined) {
        return { type: "client_credentials", clientId: token.clientId, clientSecret: token.clientSecret }
      }
      return undefined
    }

    const renew = (
      token: CachedToken,
      reason: "expiry" | "unauthorized",
    ): Effect.Effect<CachedToken, RefreshError> =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const onDisk = yield* readTokenCache(config.cachePath)
        if (Option.isSome(onDisk)) {
          const other = onDisk.value
          const sameLogin = other.apiUrl === token.apiUrl && other.clientId === token.clientId
          const newer = Redacted.value(other.accessToken) !== Redacted.value(token.accessToken)
          if (sameLogin && newer && !expiring(other, now)) {
            yield* config.onRefreshed(
              new TokenRefreshed({ reason: "other-process", expiresAt: other.expiresAt }),
            )
            return other
          }
        }
        const grant = grantFor(token)
        if (grant === undefined) {
          return yield* Effect.fail(
            new AuthError({
              reason:
                "the access token has expired and cannot be renewed (it was given without a refresh token); sign in again",
            }),
          )
        }
        const granted = yield* config.oauth.requestToken(grant)
        const renewed: CachedToken = {
          ...token,
          accessToken: granted.accessToken,
          refreshToken: granted.refreshToken ?? token.refreshToken,
          expiresAt: granted.expiresAt,
          orgId: granted.orgId ?? token.orgId,
          obtainedAt: yield* Clock.currentTimeMillis,
        }
        yield* writeTokenCache(config.cachePath, renewed).pipe(
          Effect.catchAll((error) => Effect.logWarning(`the renewed token is not cached: ${error.message}`)),
        )
        yield* config.onRefreshed(new TokenRefreshed({ reason, expiresAt: renewed.expiresAt }))
        return renewed
      }).pipe(Effect.provide(context))

    const headers: Effect.Effect<AuthHeaders, RefreshError> = SynchronizedRef.modifyEffect(ref, (token) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        expiring(token, now)
          ? Effect.map(renew(token, "expiry"), (fresh) => [{ authorization: bearer(fresh) }, fresh] as const)
          : Effect.succeed([{ authorization: bearer(token) }, token] as const),
      ),
    )

    const onUnauthorized = (refused: AuthHeaders): Effect.Effect<boolean, RefreshError> =>
      SynchronizedRef.updateEffect(ref, (token) =>
        // Another call may have renewed already; then the refused token is not the current one.
        refused.authorization === bearer(token) ? renew(token, "unauthorized") : Effect.succeed(token),
      ).pipe(Effect.as(true))

    return {
      headers,
      onUnauthorized,
      current: SynchronizedRef.get(ref),
      description: `the sign-in token of client ${config.token.clientId}`,
    }
  })
