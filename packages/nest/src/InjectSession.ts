import { Inject } from "@nestjs/common"
import { SKETCHLOG_ROLLING_LOGGER, SKETCHLOG_SESSION } from "./tokens.js"

/**
 * Injects the session `SessionModule` resolved (a `SessionHandle`): `constructor(@InjectSession()
 * private readonly session: SessionHandle)`. An explicit token, so it works without
 * `emitDecoratorMetadata`.
 */
export const InjectSession = (): PropertyDecorator & ParameterDecorator => Inject(SKETCHLOG_SESSION)

/**
 * Injects the rolling logger of the module's default dataset, for rows no request carries (a model's
 * features after preprocessing): `constructor(@InjectRollingLogger() private readonly logger:
 * RollingLogger)`.
 */
export const InjectRollingLogger = (): PropertyDecorator & ParameterDecorator =>
  Inject(SKETCHLOG_ROLLING_LOGGER)
