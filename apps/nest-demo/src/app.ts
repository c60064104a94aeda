import "reflect-metadata"
import type { INestApplication } from "@nestjs/common"
import { NestFactory } from "@nestjs/core"
import type { NestExpressApplication } from "@nestjs/platform-express"
import { DemoModule, type DemoModuleOptions } from "./DemoModule.js"

/** Options of `createApp`. */
export interface DemoAppOptions extends DemoModuleOptions {
  /** Nest's own log output (default: warnings and errors only). */
  readonly logger?: false | Array<"log" | "error" | "warn" | "debug" | "verbose" | "fatal">
}

/**
 * The loan-scoring API as a Nest application on the Express platform, not yet listening. Shutdown
 * hooks are on, so SIGTERM and Ctrl-C write every profile before the process ends.
 */
export const createApp = async (options: DemoAppOptions = {}): Promise<INestApplication> => {
  const app = await NestFactory.create<NestExpressApplication>(DemoModule.register(options), {
    logger: options.logger ?? ["error", "warn"],
  })
  app.disable("x-powered-by")
  app.enableShutdownHooks()
  return app
}
