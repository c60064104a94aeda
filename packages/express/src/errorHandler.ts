import type { ErrorRequestHandler } from "express"
import { expressCaptures } from "./internal/ExpressCaptures.js"

/**
 * An error handler that records the class of what a handler threw (`http.error`: `TypeError`,
 * `ValidationError`, never the message) and passes the error on unchanged, so your own error
 * handlers still answer. Mount it after your routes and before your error handlers:
 * `app.use(errorHandler())`.
 */
export const errorHandler = (): ErrorRequestHandler =>
  function sketchlogErrorHandler(error, req, _res, next) {
    const slot = expressCaptures.slotOf(req)
    if (slot >= 0) expressCaptures.setError(slot, error)
    next(error)
  }
