/**
 * The classes of what `SessionModule` injects, under the names Nest users type them by: `Session` is
 * core's `SessionHandle`, `RollingLogger` core's `RollingLoggerHandle` (the Promise faces, not core's
 * Effect tags of the same names). Both are also provided under these classes, so with decorator
 * metadata `constructor(private readonly session: Session)` injects without `@InjectSession()`.
 */
export { RollingLoggerHandle as RollingLogger, SessionHandle as Session } from "@sketchlog/core"
