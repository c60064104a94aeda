import { Inject, Injectable, type NestMiddleware } from "@nestjs/common"
import type { HttpProfiler } from "@sketchlog/core/adapter"
import { arrivedListened, nestCaptures, nodeRequest, nodeResponse } from "./internal/RequestCapture.js"
import { SKETCHLOG_PROFILER } from "./tokens.js"

/**
 * The middleware `SessionModule` applies to every route. Requests served through the application's
 * HTTP server are already captured when they arrive (before body parsing, so a malformed JSON body's
 * 400 counts too) and pass straight through; this catches the rest, such as an app whose platform
 * instance is handed to a serverless wrapper instead of listening.
 */
@Injectable()
export class ProfilingMiddleware implements NestMiddleware {
  constructor(@Inject(SKETCHLOG_PROFILER) private readonly profiler: HttpProfiler) {}

  use(req: unknown, res: unknown, next: () => void): void {
    const request = nodeRequest(req)
    if (!arrivedListened(request)) nestCaptures.start(request, nodeResponse(res), this.profiler)
    next()
  }
}
