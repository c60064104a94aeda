import type { InjectionToken, ModuleMetadata, OptionalFactoryDependency } from "@nestjs/common"
import type { HttpProfilerOptions } from "@sketchlog/core/adapter"

/**
 * Options of `SessionModule.forRoot`: those of core's HTTP profiler, the same the Express middleware
 * takes — `datasetId`, `session` / `sessionOptions`, `profileDir`, `logger` (time buckets, write
 * schedule, writers, worker mode), and core/http's mapping options (`include`, `exclude`, `redact`,
 * `ignore`, `sampleRate`, `segmentOn`, …).
 */
export type SessionModuleOptions = HttpProfilerOptions

/**
 * Options of `SessionModule.forRootAsync`: a factory for the options, with the providers it needs
 * (`inject`) and the modules that export them (`imports`), as with any Nest async module.
 */
export interface SessionModuleAsyncOptions extends Pick<ModuleMetadata, "imports"> {
  /** Builds the options; may be async (read a secret, wait for configuration). */
  // biome-ignore lint/suspicious/noExplicitAny: as Nest types factories, so `(config: ConfigService) => …` fits
  readonly useFactory: (...args: Array<any>) => SessionModuleOptions | Promise<SessionModuleOptions>
  /** Providers passed to `useFactory`, in order (`ConfigService`, …). */
  readonly inject?: Array<InjectionToken | OptionalFactoryDependency>
}
