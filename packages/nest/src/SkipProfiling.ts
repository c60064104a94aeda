import { type CustomDecorator, SetMetadata } from "@nestjs/common"

/** The metadata key `@SkipProfiling()` sets. */
export const SKIP_PROFILING = "@sketchlog/nest:skip-profiling"

/**
 * Leaves a controller's or a handler's requests out of the profiles (health checks, metrics scrapes).
 * A handler's own decorator wins over its controller's: `@SkipProfiling(false)` profiles one handler
 * of a skipped controller.
 */
export const SkipProfiling = (skip = true): CustomDecorator<string> => SetMetadata(SKIP_PROFILING, skip)
