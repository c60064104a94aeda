import { join } from "node:path"
import * as FileSystem from "@effect/platform/FileSystem"
import { ConfigProvider, Context, Effect, Layer } from "effect"
import * as NodeFileSystem from "../node/NodeFileSystem.js"
import { nodeSessionPlatform, type SessionPlatform } from "../node/nodePlatform.js"
import { makeLocalSession, makeRemoteSession } from "./internal/makeSession.js"
import { resolveSession } from "./internal/resolution.js"
import type { ApiKeyError, ConfigError, SessionInitError } from "./SessionError.js"
import type { SessionOptions } from "./SessionOptions.js"
import type { SessionService } from "./SessionService.js"

/** Why a session could not be opened. */
export type SessionOpenError = SessionInitError | ConfigError | ApiKeyError

/** Options of `Session.layerTest`: a fake platform to bind to (or none, for a local session). */
export interface SessionTestOptions extends SessionOptions {
  /** A WhyLabs-compatible platform, e.g. `FakePlatform` from `@sketchlog/test-fixtures`. */
  readonly platform?: { readonly url: string; readonly apiKey: string } | undefined
}

/**
 * The session service. `Session.layer(options)` resolves and opens one on Node; the session lives
 * as long as the layer's scope and releases everything (HTTP agent, event followers, running
 * uploads) when it closes.
 *
 * ```ts
 * const program = Effect.gen(function* () {
 *   const session = yield* Session
 *   yield* session.uploadProfile({ datasetId: "model-1", datasetTimestamp: Date.now(), bytes })
 * })
 * program.pipe(Effect.provide(Session.layer({ apiKey })), Effect.runPromise)
 * ```
 */
export class Session extends Context.Tag("@sketchlog/core/Session")<Session, SessionService>() {
  /**
   * Opens a session over the given platform services (file system, paths, HTTP client, terminal),
   * e.g. to test with a scripted terminal. Environment settings come from the ambient ConfigProvider.
   */
  static layerWith(options: SessionOptions = {}): Layer.Layer<Session, SessionOpenError, SessionPlatform> {
    return Layer.scoped(
      Session,
      Effect.flatMap(resolveSession(options), (resolution) =>
        resolution.kind === "local"
          ? makeLocalSession(resolution, options)
          : makeRemoteSession(resolution, options),
      ),
    )
  }

  /** Resolves and opens a session on Node (see the README for the resolution order). */
  static layer(options: SessionOptions = {}): Layer.Layer<Session, SessionOpenError> {
    return Session.layerWith(options).pipe(Layer.provide(nodeSessionPlatform))
  }

  /** A local session: nothing leaves the machine, no file or environment is read. */
  static readonly layerLocal: Layer.Layer<Session> = Layer.scoped(
    Session,
    makeLocalSession(
      {
        kind: "local",
        source: "Session.layerLocal",
        defaultDatasetId: undefined,
        configFile: undefined,
        tokenCacheFile: undefined,
      },
      {},
    ),
  ).pipe(Layer.provide(NodeFileSystem.layer))

  /**
   * For tests: a whylabs session bound to `options.platform` (its URL and API key) that ignores the
   * environment, never prompts and keeps its config file in a temporary directory removed on close;
   * without a platform, `Session.layerLocal`.
   */
  static layerTest(options: SessionTestOptions = {}): Layer.Layer<Session, SessionOpenError> {
    const { platform, ...rest } = options
    if (platform === undefined) return Session.layerLocal
    return Layer.unwrapScoped(
      Effect.gen(function* () {
        const fs = yield* FileSystem.FileSystem
        const configPath =
          rest.configPath ??
          join(
            yield* Effect.orDie(fs.makeTempDirectoryScoped({ prefix: "sketchlog-session-" })),
            "config.ini",
          )
        return Session.layer({
          interactive: false,
          apiKey: platform.apiKey,
          apiEndpoint: platform.url,
          ...rest,
          configPath,
        })
      }),
    ).pipe(
      Layer.provide(NodeFileSystem.layer),
      Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map()))),
    )
  }
}
