import { join } from "node:path"
import * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import { Effect, Either, Option, Schema } from "effect"
import { writeFileAtomic } from "../internal/atomicWrite.js"
import { SessionFileError } from "../SessionError.js"

/** The file name of the token cache inside its directory. */
export const TOKEN_CACHE_FILE = "sketchlog-token.json"

/** How a cached token was obtained. */
export type LoginMethod = "client_credentials" | "authorization_code" | "token"

/**
 * The token cache file: what a later process needs to reuse a sign-in and renew it. It holds
 * secrets (tokens, and for client credentials the client secret, which is what renews them), so it
 * is written with mode 0600 next to the config file, like the API key in `config.ini`.
 */
export const CachedToken = Schema.Struct({
  version: Schema.Literal(1),
  apiUrl: Schema.String,
  clientId: Schema.String,
  method: Schema.Literal("client_credentials", "authorization_code", "token"),
  accessToken: Schema.Redacted(Schema.String),
  refreshToken: Schema.optional(Schema.Redacted(Schema.String)),
  clientSecret: Schema.optional(Schema.Redacted(Schema.String)),
  /** Epoch ms. */
  expiresAt: Schema.optional(Schema.Number),
  orgId: Schema.optional(Schema.String),
  /** Epoch ms. */
  obtainedAt: Schema.Number,
})

/** A cached sign-in. */
export type CachedToken = typeof CachedToken.Type

/** The cache file in `dir`. */
export const tokenCachePath = (dir: string): string => join(dir, TOKEN_CACHE_FILE)

const decode = Schema.decodeUnknownEither(Schema.parseJson(CachedToken))

/**
 * Reads the cache. A missing file is `None`; a corrupt one is discarded with a warning (the user
 * signs in again) rather than failing the session. The warning never quotes the file's content.
 */
export const readTokenCache = (
  path: string,
): Effect.Effect<Option.Option<CachedToken>, never, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const content = yield* Effect.either(fs.readFileString(path))
    if (Either.isLeft(content)) {
      const error = content.left
      if (error._tag === "SystemError" && error.reason === "NotFound") return Option.none()
      yield* Effect.logWarning(`ignoring the token cache at ${path}: it cannot be read (${error.message})`)
      return Option.none()
    }
    const decoded = decode(content.right)
    if (Either.isRight(decoded)) return Option.some(decoded.right)
    yield* Effect.logWarning(
      `discarding the token cache at ${path}: its content is corrupt or from another version; sign in again`,
    )
    yield* Effect.ignore(fs.remove(path))
    return Option.none()
  })

/** Writes the cache atomically with mode 0600. */
export const writeTokenCache = (
  path: string,
  token: CachedToken,
): Effect.Effect<void, SessionFileError, FileSystem.FileSystem | Path.Path> =>
  Effect.flatMap(Schema.encode(CachedToken)(token).pipe(Effect.orDie), (encoded) =>
    writeFileAtomic(path, `${JSON.stringify(encoded, null, 2)}\n`),
  ).pipe(
    Effect.mapError((error) => new SessionFileError({ path, operation: "write", reason: error.message })),
  )

/** Deletes the cache; succeeds with whether there was one. */
export const removeTokenCache = (
  path: string,
): Effect.Effect<boolean, SessionFileError, FileSystem.FileSystem> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) =>
    fs.remove(path).pipe(
      Effect.as(true),
      Effect.catchIf(
        (error) => error._tag === "SystemError" && error.reason === "NotFound",
        () => Effect.succeed(false),
      ),
      Effect.mapError((error) => new SessionFileError({ path, operation: "delete", reason: error.message })),
    ),
  )
