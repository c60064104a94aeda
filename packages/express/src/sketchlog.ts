import { type HttpProfiler, type HttpProfilerStatus, holdSharedHttpProfiler } from "@sketchlog/core/adapter"
import type { NextFunction, Request, RequestHandler, Response } from "express"
import { expressCaptures } from "./internal/ExpressCaptures.js"
import { faceRequests } from "./internal/requestFace.js"
import type { SketchlogOptions } from "./SketchlogOptions.js"

/** The middleware `sketchlog()` returns: an Express handler with the profiler's controls. */
export interface SketchlogMiddleware extends RequestHandler {
  /** The shared profiler behind it (one per configuration in the process). */
  readonly profiler: HttpProfiler
  /** Counts, state and the logger's status; never a secret. */
  status(): Promise<HttpProfilerStatus>
  /** Writes every open profile now. */
  flush(): Promise<void>
  /**
   * Writes every profile and stops profiling (the session too, when the middleware opened it), unless
   * another `sketchlog()` middleware with equal options still uses the shared profiler: then it only
   * lets go of it, and the last one to close writes everything. Idempotent. Requests still arriving
   * pass through unprofiled once the profiler is closed.
   */
  close(): Promise<void>
  /** Same as `close()`. */
  shutdown(): Promise<void>
}

/** Profilers made by `sketchlog()`, for the package-level `shutdown()`. */
export const expressProfilers = new Set<HttpProfiler>()

/** The profiler `req.sketchlog` speaks for on a request no profiler captured: the first open one. */
const firstOpenProfiler = (): HttpProfiler | undefined => {
  for (const profiler of expressProfilers) if (profiler.state !== "closed") return profiler
  return undefined
}

/**
 * Express middleware that profiles every request and response: one line, `app.use(sketchlog())`.
 * The session is resolved once (the first requests wait for it, a few milliseconds at start-up);
 * each request gets `req.sketchlog` (`session`, `datasetId`, `log(row)`); when its response ends
 * (or the client goes away) the exchange is handed to the profiler, which maps and logs it on a later
 * turn of the event loop. Nothing but a few field reads happens on the response path, into a slot
 * of preallocated arrays: no object or property per request. Mounting it twice with equal options
 * (app and router, or twice by mistake) profiles each request once.
 * Throws `HttpOptionsError` for a bad option.
 */
export const sketchlog = (options: SketchlogOptions = {}): SketchlogMiddleware => {
  // Held, not owned: two middlewares with equal options (in one app, or in two apps of one process)
  // share the profiler, and it is closed when the last of them closes.
  const hold = holdSharedHttpProfiler(options)
  const profiler = hold.profiler
  expressProfilers.add(profiler)

  const handle = (req: Request, res: Response, next: NextFunction): void => {
    faceRequests(req, firstOpenProfiler)
    const seen = expressCaptures.slotOf(req)
    if (seen >= 0) {
      // Mounted again on this request's way: one slot per request; a second, different
      // configuration records it too, but the same profiler never sees a request twice.
      if (!expressCaptures.recordedBy(seen, profiler) && profiler.state !== "closed" && profiler.admit()) {
        expressCaptures.recordWith(seen, profiler)
      }
      next()
      return
    }
    if (profiler.state !== "closed" && profiler.admit()) expressCaptures.start(req, res, profiler)
    if (profiler.state === "starting") {
      // Only while the session resolves (start-up): then `req.sketchlog.session` is set in handlers.
      void profiler.ready.then(() => next())
      return
    }
    next()
  }

  const close = async () => {
    await hold.release()
    if (profiler.state === "closed") expressProfilers.delete(profiler)
  }
  return Object.assign(handle, {
    profiler,
    status: () => profiler.status(),
    flush: () => profiler.flush(),
    close,
    shutdown: close,
  })
}
