/**
 * @sketchlog/nest — `SessionModule.forRoot()` profiles every request and response of a NestJS
 * application with sketchlog and makes the session and the rolling logger injectable.
 */
export { InjectRollingLogger, InjectSession } from "./InjectSession.js"
export { RollingLogger, Session } from "./injectables.js"
export { PROFILE_DATASET, ProfileDataset } from "./ProfileDataset.js"
export { SessionModule } from "./SessionModule.js"
export type { SessionModuleAsyncOptions, SessionModuleOptions } from "./SessionModuleOptions.js"
export { SKIP_PROFILING, SkipProfiling } from "./SkipProfiling.js"
export {
  SKETCHLOG_OPTIONS,
  SKETCHLOG_PROFILER,
  SKETCHLOG_ROLLING_LOGGER,
  SKETCHLOG_SESSION,
} from "./tokens.js"
