import type { IncomingMessage, ServerResponse } from "node:http"
import {
  type DynamicModule,
  Global,
  Inject,
  Logger,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
  type Provider,
} from "@nestjs/common"
import { HttpAdapterHost } from "@nestjs/core"
import { RollingLoggerHandle, SessionHandle } from "@sketchlog/core"
import { type HttpProfiler, type HttpProfilerHold, holdSharedHttpProfiler } from "@sketchlog/core/adapter"
import { watchFastifyRequests } from "./internal/fastifyRequests.js"
import { hookHandlers } from "./internal/handlerHooks.js"
import { listenedServers, nestCaptures } from "./internal/RequestCapture.js"
import { watchReplies } from "./internal/replyHook.js"
import { onceProcessWide, SHUTDOWN_HINT, ShutdownHooksProbe } from "./internal/shutdownHooks.js"
import { ProfilingMiddleware } from "./ProfilingMiddleware.js"
import type { SessionModuleAsyncOptions, SessionModuleOptions } from "./SessionModuleOptions.js"
import {
  SKETCHLOG_OPTIONS,
  SKETCHLOG_PROFILER,
  SKETCHLOG_ROLLING_LOGGER,
  SKETCHLOG_SESSION,
} from "./tokens.js"

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void
interface ServerLike {
  prependListener(event: "request", listener: RequestListener): unknown
  removeListener(event: "request", listener: RequestListener): unknown
}

/** This module instance's hold on the shared profiler (internal: released on shutdown). */
const PROFILER_HOLD = Symbol("@sketchlog/nest:profiler-hold")

/** The profiler that profiles each HTTP server's requests: the first `SessionModule` to claim it. */
const serverOwners = new WeakMap<object, HttpProfiler>()

/**
 * The providers both `forRoot` and `forRootAsync` register beside the options: the shared profiler
 * (started before the application, so the session is resolved when it begins serving), the session
 * and the rolling logger for injection.
 */
const providers: ReadonlyArray<Provider> = [
  {
    provide: PROFILER_HOLD,
    inject: [SKETCHLOG_OPTIONS],
    useFactory: async (options: SessionModuleOptions): Promise<HttpProfilerHold> => {
      // One profiler per configuration, process-wide: a module imported twice, or two applications,
      // share it. Each module instance holds it and releases its hold on shutdown; core closes it when
      // the last hold goes, so one application closing does not cut off another.
      const hold = holdSharedHttpProfiler(options)
      await hold.profiler.ready
      return hold
    },
  },
  { provide: SKETCHLOG_PROFILER, inject: [PROFILER_HOLD], useFactory: (h: HttpProfilerHold) => h.profiler },
  { provide: SKETCHLOG_SESSION, inject: [SKETCHLOG_PROFILER], useFactory: (p: HttpProfiler) => p.session },
  { provide: SessionHandle, useExisting: SKETCHLOG_SESSION },
  {
    provide: SKETCHLOG_ROLLING_LOGGER,
    inject: [SKETCHLOG_PROFILER],
    useFactory: (p: HttpProfiler) => p.logger,
  },
  { provide: RollingLoggerHandle, useExisting: SKETCHLOG_ROLLING_LOGGER },
]

const exported = [
  SKETCHLOG_PROFILER,
  SKETCHLOG_SESSION,
  SessionHandle,
  SKETCHLOG_ROLLING_LOGGER,
  RollingLoggerHandle,
]

/**
 * Profiles every HTTP request and response of a Nest application with sketchlog, and makes the
 * session and the rolling logger injectable. Global: import it once, in the root module —
 * `SessionModule.forRoot({ datasetId: "model-1" })`. Imported more than once, requests are still
 * profiled once (by the first registration).
 *
 * Lifecycle: the session is resolved and the logger started while the application is created; the
 * logger is closed, writing every profile, in `onApplicationShutdown` (on `app.close()`, and on
 * SIGTERM when `app.enableShutdownHooks()` is on; a hint is logged once when it is not).
 */
@Global()
@Module({})
export class SessionModule
  implements NestModule, OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown
{
  /** Profiling with fixed options. */
  static forRoot(options: SessionModuleOptions = {}): DynamicModule {
    return {
      module: SessionModule,
      global: true,
      providers: [{ provide: SKETCHLOG_OPTIONS, useValue: options }, ...providers],
      exports: exported,
    }
  }

  /** Profiling with options built by a factory from injected providers (`ConfigService`, …). */
  static forRootAsync(options: SessionModuleAsyncOptions): DynamicModule {
    return {
      module: SessionModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        { provide: SKETCHLOG_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        ...providers,
      ],
      exports: exported,
    }
  }

  readonly #logger = new Logger("SessionModule")
  readonly #shutdownHooks = new ShutdownHooksProbe()
  #server: ServerLike | undefined
  #listener: RequestListener | undefined
  #unwatchReplies: (() => void) | undefined

  constructor(
    @Inject(SKETCHLOG_PROFILER) private readonly profiler: HttpProfiler,
    @Inject(PROFILER_HOLD) private readonly hold: HttpProfilerHold,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {
    // Before the application registers its routes (that happens in `init()`, after modules are made).
    hookHandlers()
  }

  /** Requests not served through the HTTP server (see `ProfilingMiddleware`) are captured here. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ProfilingMiddleware).forRoutes("*")
  }

  /**
   * Captures each request as the HTTP server receives it, ahead of the platform (body parsers, 404
   * handling, guards), so every request is counted; a second registration finds the server claimed.
   */
  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter
    const server = adapter?.getHttpServer() as Partial<ServerLike> | undefined
    if (typeof server?.prependListener !== "function") return
    const owner = serverOwners.get(server)
    if (owner !== undefined) {
      if (owner !== this.profiler) {
        this.#logger.warn(
          "SessionModule is registered more than once with different options; requests are profiled once, " +
            "with the options of the first registration. Register it once, in the root module.",
        )
      }
      return
    }
    serverOwners.set(server, this.profiler)
    const profiler = this.profiler
    this.#listener = (req, res) => nestCaptures.start(req, res, profiler)
    this.#server = server as ServerLike
    this.#server.prependListener("request", this.#listener)
    listenedServers.add(server)
    this.#unwatchReplies = watchReplies(adapter)
    if (adapter.getType() === "fastify" && !watchFastifyRequests(adapter.getInstance())) {
      this.#logger.warn(
        "the Fastify instance had already started: requests turned away before a handler are profiled without their route",
      )
    }
  }

  onApplicationBootstrap(): void {
    if (!this.#shutdownHooks.enabled()) onceProcessWide(() => this.#logger.log(SHUTDOWN_HINT))
  }

  /**
   * Writes every profile and releases the logger (and the session when the module opened it), unless
   * another application still uses the same profiler; the last one to shut down closes it.
   */
  async onApplicationShutdown(): Promise<void> {
    if (this.#server !== undefined && this.#listener !== undefined) {
      this.#server.removeListener("request", this.#listener)
      serverOwners.delete(this.#server)
      listenedServers.delete(this.#server)
    }
    this.#unwatchReplies?.()
    await this.hold.release()
  }
}
