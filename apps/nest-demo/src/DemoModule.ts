import { type DynamicModule, Module } from "@nestjs/common"
import { ConfigModule, ConfigService } from "@nestjs/config"
import { SessionModule, type SessionModuleOptions } from "@sketchlog/nest"
import { HealthController } from "./HealthController.js"
import { ScoringController } from "./ScoringController.js"
import { ScoringService } from "./ScoringService.js"

/** The demo's dataset: every request of the API is profiled into it, segmented by route and method. */
export const DEMO_DATASET = "loan-scoring"

/** How the demo app is put together. */
export interface DemoModuleOptions {
  /**
   * Overrides of the profiling options (the demo reads `SKETCHLOG_PROFILE_DIR` and
   * `SKETCHLOG_DATASET` through `ConfigService`, and forces a local session); `false` leaves
   * `SessionModule` out entirely (the benchmark's bare variant).
   */
  readonly profiling?: SessionModuleOptions | false
}

/** The loan-scoring API, profiled by `SessionModule.forRootAsync` with its options from `ConfigService`. */
@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest module is a class; register() builds its dynamic form
export class DemoModule {
  static register(options: DemoModuleOptions = {}): DynamicModule {
    const profiling = options.profiling
    return {
      module: DemoModule,
      imports:
        profiling === false
          ? []
          : [
              ConfigModule.forRoot({ ignoreEnvFile: true }),
              SessionModule.forRootAsync({
                imports: [ConfigModule],
                inject: [ConfigService],
                useFactory: (config: ConfigService): SessionModuleOptions => ({
                  datasetId: config.get<string>("SKETCHLOG_DATASET") ?? DEMO_DATASET,
                  profileDir: config.get<string>("SKETCHLOG_PROFILE_DIR"),
                  sessionOptions: { forceLocal: true },
                  ...profiling,
                }),
              }),
            ],
      controllers: [ScoringController, HealthController],
      providers: [ScoringService],
    }
  }
}
