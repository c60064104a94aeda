import { dirname } from "node:path"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Path from "@effect/platform/Path"
import { Clock, type Duration, Effect, Either, Option, Redacted } from "effect"
import { causeText } from "../../internal/causeText.js"
import { makeOAuthClient, type OAuthClient, type TokenSet } from "../../platform/OAuthClient.js"
import type { PlatformClientConfig } from "../../platform/PlatformClient.js"
import { checkEndpoint, DEFAULT_API_ENDPOINT } from "../../platform/PlatformEndpoint.js"
import { AuthError, type PlatformError, type TimeoutError } from "../../platform/PlatformError.js"
import { RetryPolicy } from "../../platform/RetryPolicy.js"
import { ConfigError, type SessionFileError } from "../SessionError.js"
import { SessionDefaults } from "../SessionOptions.js"
import { configFilePath, readConfigFile, readEnvironment } from "../WhylogsConfig.js"
import { startLoopbackCallback } from "./LoopbackCallbackServer.js"
import { makePkce, makeState } from "./Pkce.js"
import {
  type CachedToken,
  type LoginMethod,
  readTokenCache,
  removeTokenCache,
  tokenCachePath,
  writeTokenCache,
} from "./TokenCache.js"

/** The public OAuth client of sketchlog, used by the browser and headless flows unless `clientId` is given. */
export const DEFAULT_PUBLIC_CLIENT_ID = "sketchlog-cli"

/** The redirect URI of headless sign-in: the platform shows the code for the user to paste. */
export const OUT_OF_BAND_REDIRECT = "urn:ietf:wg:oauth:2.0:oob"

/** Where a sign-in goes and where its token is kept. */
export interface LoginTarget {
  /** The platform (default: `WHYLABS_API_ENDPOINT`, the config file's endpoint, or the public API). */
  readonly apiUrl?: string | undefined
  /** The token cache directory (default: the config file's directory). */
  readonly baseDir?: string | undefined
  /** The whylogs config file, whose directory holds the cache by default. */
  readonly configPath?: string | undefined
  /** Permit plain http:// to a non-loopback host. */
  readonly allowInsecure?: boolean | undefined
  /** Timeout of each call to the platform (default 60 s). */
  readonly timeout?: Duration.DurationInput | undefined
  readonly retry?: Partial<RetryPolicy> | undefined
}

/** Sign in as a service with OAuth client credentials (the secret is kept in the cache to renew tokens). */
export interface ClientCredentialsLogin extends LoginTarget {
  readonly clientId: string
  readonly clientSecret: string | Redacted.Redacted<string>
}

/**
 * Sign in in a browser: authorization code with PKCE and a callback on 127.0.0.1. `showBrowser`
 * gets the URL to open (e.g. with the `open` package, or print it).
 */
export interface BrowserLogin extends LoginTarget {
  readonly clientId?: string | undefined
  readonly showBrowser: (url: string) => void | Promise<void>
  /** How long to wait for the browser to come back (default 5 minutes). */
  readonly callbackTimeout?: Duration.DurationInput | undefined
  readonly scope?: string | undefined
}

/**
 * Sign in on a machine without a browser: `getAuthCode` gets the URL to show the user (who opens it
 * elsewhere) and returns the code the platform displayed. PKCE protects the code.
 */
export interface HeadlessLogin extends LoginTarget {
  readonly clientId?: string | undefined
  readonly getAuthCode: (url: string) => string | Promise<string>
  readonly scope?: string | undefined
}

/** Options of `login()`: which flow runs follows from the fields given. */
export type LoginOptions = ClientCredentialsLogin | BrowserLogin | HeadlessLogin

/** Options of `loginWithToken()`. */
export interface TokenLoginOptions extends LoginTarget {
  readonly orgId?: string | undefined
  /** When the token expires, if known; without a refresh token it cannot be renewed. */
  readonly expiresAt?: Date | number | undefined
  readonly clientId?: string | undefined
}

/** What a sign-in stored, without secrets. */
export interface LoginResult {
  readonly method: LoginMethod
  readonly apiUrl: string
  readonly orgId: string | undefined
  readonly expiresAt: Date | undefined
  /** The cache file now holding the token (mode 0600). */
  readonly tokenCacheFile: string
}

/** What `logout()` did. */
export interface LogoutResult {
  /** Whether the platform confirmed the revocation of the stored tokens. */
  readonly revoked: boolean
  /** Whether a cache file was deleted. */
  readonly removed: boolean
}

/** Errors of the sign-in functions. */
export type LoginError = AuthError | PlatformError | TimeoutError | ConfigError | SessionFileError

type LoginRequirements = FileSystem.FileSystem | Path.Path | HttpClient.HttpClient

/** The platform URL and cache file of a sign-in, and an OAuth client for it. */
const target = (options: LoginTarget) =>
  Effect.gen(function* () {
    const env = yield* readEnvironment
    const configFile = configFilePath(options.configPath, env)
    const cacheFile = tokenCachePath(options.baseDir ?? dirname(configFile))
    const file = yield* readConfigFile(configFile)
    const raw = options.apiUrl ?? env.apiEndpoint ?? file.apiEndpoint ?? DEFAULT_API_ENDPOINT
    const checked = checkEndpoint(raw, options.allowInsecure === true)
    if (Either.isLeft(checked)) {
      return yield* Effect.fail(
        new ConfigError({
          source: "the sign-in endpoint",
          line: undefined,
          reason: `the endpoint ${checked.left}`,
        }),
      )
    }
    const config: PlatformClientConfig = {
      endpoint: checked.right,
      timeout: options.timeout ?? SessionDefaults.timeout,
      retry: RetryPolicy.merge(RetryPolicy.default, options.retry),
      allowInsecure: options.allowInsecure === true,
      semaphore: yield* Effect.makeSemaphore(SessionDefaults.maxConcurrency),
    }
    const apiUrl = checked.right.toString().replace(/\/$/, "")
    return { apiUrl, cacheFile, config }
  })

const store = (
  cacheFile: string,
  apiUrl: string,
  clientId: string,
  method: LoginMethod,
  granted: TokenSet,
  clientSecret: Redacted.Redacted<string> | undefined,
) =>
  Effect.gen(function* () {
    const token: CachedToken = {
      version: 1,
      apiUrl,
      clientId,
      method,
      accessToken: granted.accessToken,
      refreshToken: granted.refreshToken,
      clientSecret,
      expiresAt: granted.expiresAt,
      orgId: granted.orgId,
      obtainedAt: yield* Clock.currentTimeMillis,
    }
    yield* writeTokenCache(cacheFile, token)
    const result: LoginResult = {
      method,
      apiUrl,
      orgId: token.orgId,
      expiresAt: token.expiresAt === undefined ? undefined : new Date(token.expiresAt),
      tokenCacheFile: cacheFile,
    }
    return result
  })

const callUser = <A>(what: string, call: () => A | Promise<A>) =>
  Effect.tryPromise({
    try: async () => await call(),
    catch: (error) => new AuthError({ reason: `${what} failed: ${causeText(error)}` }),
  })

const browserCode = (oauth: OAuthClient, options: BrowserLogin, clientId: string, challenge: string) =>
  Effect.scoped(
    Effect.gen(function* () {
      const state = makeState()
      const callback = yield* startLoopbackCallback(state)
      const url = oauth.authorizeUrl({
        clientId,
        redirectUri: callback.redirectUri,
        codeChallenge: challenge,
        state,
        scope: options.scope,
      })
      // The browser may never "finish" from our point of view; only its failure matters.
      const shown = Effect.zipRight(
        callUser("showBrowser", () => options.showBrowser(url)),
        Effect.never,
      )
      const code = yield* callback.code.pipe(
        Effect.raceFirst(shown),
        Effect.timeoutFail({
          duration: options.callbackTimeout ?? "5 minutes",
          onTimeout: () => new AuthError({ reason: "no sign-in arrived from the browser in time" }),
        }),
      )
      return { code, redirectUri: callback.redirectUri }
    }),
  )

/**
 * Signs in and caches the token: client credentials when `clientSecret` is given, the browser flow
 * when `showBrowser` is, the headless flow when `getAuthCode` is. A session opened afterwards (in
 * this process or another) finds the cached token.
 */
export const loginEffect = (
  options: LoginOptions,
): Effect.Effect<LoginResult, LoginError, LoginRequirements> =>
  Effect.gen(function* () {
    const { apiUrl, cacheFile, config } = yield* target(options)
    const oauth = yield* makeOAuthClient(config)
    if ("clientSecret" in options) {
      const clientSecret =
        typeof options.clientSecret === "string" ? Redacted.make(options.clientSecret) : options.clientSecret
      const granted = yield* oauth.requestToken({
        type: "client_credentials",
        clientId: options.clientId,
        clientSecret,
      })
      return yield* store(cacheFile, apiUrl, options.clientId, "client_credentials", granted, clientSecret)
    }
    const clientId = options.clientId ?? DEFAULT_PUBLIC_CLIENT_ID
    const pkce = makePkce()
    const { code, redirectUri } =
      "showBrowser" in options
        ? yield* browserCode(oauth, options, clientId, pkce.challenge)
        : yield* Effect.gen(function* () {
            const url = oauth.authorizeUrl({
              clientId,
              redirectUri: OUT_OF_BAND_REDIRECT,
              codeChallenge: pkce.challenge,
              state: makeState(),
              scope: options.scope,
            })
            const pasted = (yield* callUser("getAuthCode", () => options.getAuthCode(url))).trim()
            if (pasted.length === 0)
              return yield* Effect.fail(new AuthError({ reason: "no authorization code was given" }))
            return { code: Redacted.make(pasted), redirectUri: OUT_OF_BAND_REDIRECT }
          })
    const granted = yield* oauth.requestToken({
      type: "authorization_code",
      clientId,
      code,
      redirectUri,
      codeVerifier: pkce.verifier,
    })
    return yield* store(cacheFile, apiUrl, clientId, "authorization_code", granted, undefined)
  })

/**
 * Stores an access token obtained elsewhere. Deprecated: such a token cannot be renewed, so the
 * session stops working when it expires; use `login()` instead. Logs a warning saying so.
 */
export const loginWithTokenEffect = (
  token: string | Redacted.Redacted<string>,
  options: TokenLoginOptions = {},
): Effect.Effect<LoginResult, LoginError, LoginRequirements> =>
  Effect.gen(function* () {
    yield* Effect.logWarning(
      "loginWithToken() is deprecated: the token cannot be renewed when it expires; use login() instead",
    )
    const { apiUrl, cacheFile } = yield* target(options)
    const expiresAt = options.expiresAt instanceof Date ? options.expiresAt.getTime() : options.expiresAt
    const granted: TokenSet = {
      accessToken: typeof token === "string" ? Redacted.make(token.trim()) : token,
      refreshToken: undefined,
      tokenType: "Bearer",
      expiresAt,
      orgId: options.orgId,
    }
    return yield* store(
      cacheFile,
      apiUrl,
      options.clientId ?? DEFAULT_PUBLIC_CLIENT_ID,
      "token",
      granted,
      undefined,
    )
  })

/**
 * Signs out: revokes the cached tokens on the platform that issued them (best effort: a platform
 * that cannot be reached does not keep the local copy alive) and deletes the cache file.
 */
export const logoutEffect = (
  options: LoginTarget = {},
): Effect.Effect<LogoutResult, ConfigError | SessionFileError, LoginRequirements> =>
  Effect.gen(function* () {
    const { cacheFile, config } = yield* target(options)
    const cached = yield* readTokenCache(cacheFile)
    if (Option.isNone(cached)) return { revoked: false, removed: false }
    const token = cached.value
    const issuer = checkEndpoint(token.apiUrl, options.allowInsecure === true)
    let revoked = false
    if (Either.isRight(issuer)) {
      const oauth = yield* makeOAuthClient({ ...config, endpoint: issuer.right, retry: RetryPolicy.none })
      const revocations = [
        ...(token.refreshToken === undefined ? [] : [oauth.revokeToken(token.refreshToken, "refresh_token")]),
        oauth.revokeToken(token.accessToken, "access_token"),
      ]
      revoked = yield* Effect.all(revocations, { discard: true }).pipe(
        Effect.as(true),
        Effect.catchAll((error) =>
          Effect.as(Effect.logWarning(`the platform did not confirm the sign-out: ${error.message}`), false),
        ),
      )
    }
    const removed = yield* removeTokenCache(cacheFile)
    return { revoked, removed }
  })
