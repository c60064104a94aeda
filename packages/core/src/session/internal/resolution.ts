import { dirname } from "node:path"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import * as Terminal from "@effect/platform/Terminal"
import { Effect, Either, Option, Redacted } from "effect"
import { firstUnknownOption } from "../../internal/optionNames.js"
import { checkEndpoint, DEFAULT_API_ENDPOINT } from "../../platform/PlatformEndpoint.js"
import { retryPolicyNames } from "../../platform/RetryPolicy.js"
import { type ApiKey, parseApiKey } from "../ApiKey.js"
import { type CachedToken, readTokenCache, tokenCachePath } from "../auth/TokenCache.js"
import { type ApiKeyError, ConfigError, SessionInitError } from "../SessionError.js"
import { type SessionOptions, sessionOptionNames } from "../SessionOptions.js"
import {
  configFilePath,
  type EnvironmentSettings,
  type FileSettings,
  readConfigFile,
  readEnvironment,
  updateConfigFile,
} from "../WhylogsConfig.js"
import { promptForApiKey } from "./prompt.js"

/** The credential a whylabs session presents. */
export type ResolvedCredential =
  | { readonly type: "api-key"; readonly key: ApiKey }
  | { readonly type: "token"; readonly token: CachedToken }

/** Settings every resolved session carries, whatever its kind. */
interface ResolvedCommon {
  /** Which branch chose the kind. */
  readonly source: string
  readonly defaultDatasetId: string | undefined
  readonly configFile: string | undefined
  readonly tokenCacheFile: string | undefined
}

/** The outcome of the resolution order. */
export type Resolution =
  | (ResolvedCommon & { readonly kind: "local" })
  | (ResolvedCommon & {
      readonly kind: "whylabs"
      readonly credential: ResolvedCredential
      readonly orgId: string
      readonly apiEndpoint: URL
    })
  | (ResolvedCommon & {
      readonly kind: "anonymous"
      /** A stored guest session id; absent means one is created on the first upload. */
      readonly sessionId: string | undefined
      /** The user guid stored in the config file, sent when a guest session is created. */
      readonly userGuid: string | undefined
      readonly apiEndpoint: URL
    })

type ResolutionError = SessionInitError | ConfigError | ApiKeyError

const sameEndpoint = (a: string, b: string) => a.replace(/\/+$/, "") === b.replace(/\/+$/, "")

/**
 * Resolves what kind of session to open, in whylogs' order: `forceLocal`; the `apiKey` option;
 * `WHYLABS_API_KEY`; a cached sign-in token (from `login()`); the config file's `api_key`; a stored
 * anonymous session id (when anonymous is allowed); a prompt on a TTY; anonymous if allowed; local
 * if allowed; else `SessionInitError` listing what was tried. No network call is made.
 */
export const resolveSession = (
  options: SessionOptions,
): Effect.Effect<Resolution, ResolutionError, FileSystem.FileSystem | Path.Path | Terminal.Terminal> =>
  Effect.gen(function* () {
    const unknown = firstUnknownOption(options, sessionOptionNames)
    const unknownRetry = firstUnknownOption(options.retry, retryPolicyNames)
    if (unknown !== undefined || unknownRetry !== undefined) {
      const [name, reason] =
        unknown !== undefined
          ? [unknown.option, unknown.reason]
          : [`retry.${unknownRetry!.option}`, unknownRetry!.reason]
      return yield* Effect.fail(new ConfigError({ source: `the ${name} option`, line: undefined, reason }))
    }
    const kind = options.kind
    if (options.forceLocal === true || kind === "local") {
      const source = options.forceLocal === true ? "forceLocal" : "kind option"
      return {
        kind: "local",
        source,
        defaultDatasetId: options.defaultDatasetId,
        configFile: undefined,
        tokenCacheFile: undefined,
      }
    }
    const env = yield* readEnvironment
    const configFile = configFilePath(options.configPath, env)
    const tokenCacheFile = tokenCachePath(options.baseDir ?? dirname(configFile))
    const file = yield* readConfigFile(configFile)
    const tried: string[] = ["forceLocal: not set"]
    const allowAnonymous = (options.allowAnonymous ?? false) || kind === "anonymous"
    const allowLocal = (options.allowLocal ?? true) && kind === undefined
    const credentialsWanted = kind !== "anonymous"
    const common = {
      defaultDatasetId: options.defaultDatasetId ?? env.defaultDatasetId ?? file.defaultDatasetId,
      configFile,
      tokenCacheFile,
    }

    const explicitEndpoint = endpointSetting(options, env, file)
    const endpoint = (fallback: string | undefined) =>
      checkedEndpoint(
        explicitEndpoint ?? {
          value: fallback ?? DEFAULT_API_ENDPOINT,
          source: "the default endpoint",
          line: undefined,
        },
        options,
      )

    const withKey = (raw: string | Redacted.Redacted<string>, source: string, promptedOrg?: string) =>
      Effect.gen(function* () {
        const key = yield* Either.match(parseApiKey(raw, source), {
          onLeft: Effect.fail,
          onRight: Effect.succeed,
        })
        const orgId = key.orgId ?? promptedOrg ?? options.orgId ?? env.orgId ?? file.orgId
        if (orgId === undefined) {
          return yield* Effect.fail(
            new ConfigError({
              source,
              line: undefined,
              reason: `API key ${key.keyId} carries no org id; add :org-… to it, or set orgId, WHYLABS_DEFAULT_ORG_ID or org_id in ${configFile}`,
            }),
          )
        }
        return {
          kind: "whylabs" as const,
          source,
          credential: { type: "api-key" as const, key },
          orgId,
          apiEndpoint: yield* endpoint(undefined),
          ...common,
        }
      })

    if (credentialsWanted) {
      if (options.apiKey !== undefined) return yield* withKey(options.apiKey, "the apiKey option")
      tried.push("apiKey option: not given")
      if (env.apiKey !== undefined) return yield* withKey(env.apiKey, "WHYLABS_API_KEY")
      tried.push("WHYLABS_API_KEY: not set")

      const cached = yield* readTokenCache(tokenCacheFile)
      if (Option.isSome(cached)) {
        const token = cached.value
        if (explicitEndpoint !== undefined && !sameEndpoint(explicitEndpoint.value, token.apiUrl)) {
          tried.push(
            `token cache ${tokenCacheFile}: issued by another endpoint than ${explicitEndpoint.source}`,
          )
        } else {
          const orgId = options.orgId ?? token.orgId ?? env.orgId ?? file.orgId
          if (orgId === undefined) {
            return yield* Effect.fail(
              new ConfigError({
                source: tokenCacheFile,
                line: undefined,
                reason: "the cached sign-in names no org; set orgId or WHYLABS_DEFAULT_ORG_ID",
              }),
            )
          }
          return {
            kind: "whylabs" as const,
            source: "token cache",
            credential: { type: "token" as const, token },
            orgId,
            apiEndpoint: yield* endpoint(token.apiUrl),
            ...common,
          }
        }
      } else {
        tried.push(`token cache ${tokenCacheFile}: none`)
      }

      if (file.apiKey !== undefined) {
        const line = file.lineOf("api_key")
        return yield* withKey(file.apiKey, line === undefined ? configFile : `${configFile}:${line}`)
      }
      tried.push(`${configFile}: no api_key`)
    }

    const storedId = env.sessionId ?? file.sessionId
    if (storedId !== undefined && allowAnonymous) {
      return {
        kind: "anonymous" as const,
        source: env.sessionId !== undefined ? "WHYLABS_SESSION_ID" : `${configFile} session_id`,
        sessionId: storedId,
        userGuid: file.userGuid,
        apiEndpoint: yield* endpoint(undefined),
        ...common,
      }
    }
    tried.push(
      storedId === undefined
        ? "stored anonymous session id: none"
        : "stored anonymous session id: allowAnonymous is false",
    )

    if (credentialsWanted && options.interactive !== false) {
      const terminal = yield* Terminal.Terminal
      if (yield* terminal.isTTY) {
        const orgConfigured = (options.orgId ?? env.orgId ?? file.orgId) !== undefined
        const answer = yield* promptForApiKey(configFile, orgConfigured)
        if (Option.isSome(answer)) {
          const { key, orgId } = answer.value
          // whylogs keeps a prompted key in its config file; so do we (mode 0600).
          yield* updateConfigFile(configFile, {
            api_key: Redacted.value(key.value),
            org_id: orgId ?? file.orgId,
          })
          return yield* withKey(key.value, "the prompt", orgId)
        }
        tried.push("prompt: skipped")
      } else {
        tried.push("prompt: stdin/stdout are not a TTY")
      }
    } else {
      tried.push(credentialsWanted ? "prompt: interactive is false" : "prompt: kind is anonymous")
    }

    if (allowAnonymous) {
      return {
        kind: "anonymous" as const,
        source: kind === "anonymous" ? "kind option" : "allowAnonymous",
        sessionId: undefined,
        userGuid: file.userGuid,
        apiEndpoint: yield* endpoint(undefined),
        ...common,
      }
    }
    tried.push("anonymous: allowAnonymous is false")
    if (allowLocal) return { kind: "local" as const, source: "allowLocal", ...common }
    tried.push(kind === undefined ? "local: allowLocal is false" : `local: kind is ${kind}`)
    return yield* Effect.fail(new SessionInitError({ tried }))
  })

interface EndpointSetting {
  readonly value: string
  readonly source: string
  readonly line: number | undefined
}

const endpointSetting = (
  options: SessionOptions,
  env: EnvironmentSettings,
  file: FileSettings,
): EndpointSetting | undefined => {
  if (options.apiEndpoint !== undefined)
    return { value: options.apiEndpoint, source: "the apiEndpoint option", line: undefined }
  if (env.apiEndpoint !== undefined)
    return { value: env.apiEndpoint, source: "WHYLABS_API_ENDPOINT", line: undefined }
  if (file.apiEndpoint !== undefined) {
    return { value: file.apiEndpoint, source: file.path, line: file.lineOf("whylabs_api_endpoint") }
  }
  return undefined
}

const checkedEndpoint = (
  setting: EndpointSetting,
  options: SessionOptions,
): Effect.Effect<URL, ConfigError> =>
  Either.match(checkEndpoint(setting.value, options.allowInsecure === true), {
    onLeft: (reason) =>
      Effect.fail(
        new ConfigError({ source: setting.source, line: setting.line, reason: `the endpoint ${reason}` }),
      ),
    onRight: Effect.succeed,
  })
