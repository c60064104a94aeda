import type { Reflector } from "@nestjs/core"
import type { RecordOptions } from "@sketchlog/core/adapter"
import { PROFILE_DATASET } from "../ProfileDataset.js"
import { SKIP_PROFILING } from "../SkipProfiling.js"
import { metadataRoute } from "./routeTemplate.js"

/** What the decorators of one controller method say about profiling its requests. */
export interface HandlerProfile {
  /** `@SkipProfiling()` on the handler, else on its controller. */
  readonly skip: boolean
  /** `@ProfileDataset()` on the handler, else on its controller; `undefined`: the module's dataset. */
  readonly datasetId: string | undefined
  /** What `HttpProfiler.record` is given for this handler's requests (made once, not per request). */
  readonly recordOptions: RecordOptions | undefined
  /** The template from Nest's path metadata, for platforms that report none themselves. */
  readonly metadataRoute: string | undefined
}

/**
 * The `HandlerProfile` of each (controller, handler) pair, read from metadata once and then cached,
 * so a request costs two map lookups. Keyed by the class too: a handler inherited by two controllers
 * can be profiled differently in each.
 */
export class HandlerProfiles {
  readonly #byClass = new WeakMap<Function, WeakMap<Function, HandlerProfile>>()

  constructor(
    private readonly reflector: Reflector,
    private readonly globalPrefix: () => string,
  ) {}

  of(controller: Function, handler: Function): HandlerProfile {
    let byHandler = this.#byClass.get(controller)
    if (byHandler === undefined) {
      byHandler = new WeakMap()
      this.#byClass.set(controller, byHandler)
    }
    let profile = byHandler.get(handler)
    if (profile === undefined) {
      const targets = [handler, controller]
      const skip = this.reflector.getAllAndOverride<boolean | undefined>(SKIP_PROFILING, targets)
      const datasetId = this.reflector.getAllAndOverride<string | undefined>(PROFILE_DATASET, targets)
      profile = {
        skip: skip === true,
        datasetId,
        recordOptions: datasetId === undefined ? undefined : { datasetId },
        metadataRoute: metadataRoute(this.globalPrefix(), controller, handler),
      }
      byHandler.set(handler, profile)
    }
    return profile
  }
}
