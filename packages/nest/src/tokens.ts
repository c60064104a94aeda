/**
 * Injection tokens of `SessionModule`. They are plain strings, so injection works without decorator
 * metadata (`@Inject(SKETCHLOG_SESSION)`, or the `@InjectSession()` shorthand) and across copies of
 * this package.
 */

/** The options given to `forRoot`, or produced by `forRootAsync`'s factory. */
export const SKETCHLOG_OPTIONS = "@sketchlog/nest:options"

/** The resolved session (`SessionHandle`). */
export const SKETCHLOG_SESSION = "@sketchlog/nest:session"

/** The rolling logger of the module's default dataset (`RollingLogger`). */
export const SKETCHLOG_ROLLING_LOGGER = "@sketchlog/nest:rolling-logger"

/** The shared HTTP profiler behind the module (`HttpProfiler` from `@sketchlog/core`). */
export const SKETCHLOG_PROFILER = "@sketchlog/nest:profiler"
