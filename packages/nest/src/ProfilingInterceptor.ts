import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from "@nestjs/common"
import { ApplicationConfig, Reflector } from "@nestjs/core"
import { type Observable, tap } from "rxjs"
import { HandlerProfiles } from "./internal/HandlerProfile.js"
import { nestCaptures, nodeRequest } from "./internal/RequestCapture.js"
import { platformRoute } from "./internal/routeTemplate.js"

/**
 * The global interceptor `SessionModule` installs: for each request that reaches a handler it notes
 * the route template, the handler's `@SkipProfiling` / `@ProfileDataset`, the platform's request and
 * response, and what the handler (or a pipe) throws. It stores references only; the row is built
 * after the response is sent. Requests that never reach a handler are profiled all the same (the
 * capture starts earlier, when the request arrives), and the body sent is taken where Nest sends it.
 */
@Injectable()
export class ProfilingInterceptor implements NestInterceptor {
  readonly #profiles: HandlerProfiles

  constructor(@Inject(Reflector) reflector: Reflector, @Inject(ApplicationConfig) config: ApplicationConfig) {
    this.#profiles = new HandlerProfiles(reflector, () => config.getGlobalPrefix())
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== "http") return next.handle()
    const http = context.switchToHttp()
    const request = http.getRequest<unknown>()
    const slot = nestCaptures.slotOf(nodeRequest(request))
    // No slot: sampled out, or not served through a hook of this module. A second SessionModule's
    // interceptor finds the handler already noted and leaves it to the first.
    if (slot < 0 || nestCaptures.handlerOf(slot) !== undefined) return next.handle()
    const profile = this.#profiles.of(context.getClass(), context.getHandler())
    const route = profile.skip ? undefined : (platformRoute(request) ?? profile.metadataRoute)
    nestCaptures.noteHandler(slot, profile, route, request, http.getResponse<unknown>())
    if (profile.skip) return next.handle()
    return next.handle().pipe(
      tap({
        error: (error: unknown) => {
          if (nestCaptures.slotOf(nodeRequest(request)) === slot) nestCaptures.setError(slot, error)
        },
      }),
    )
  }
}
