import type { ErrorRequestHandler } from "express"
import { captureOf } from "./internal/RequestCapture.js"

/**
 * An error handler that records the class of what a handler threw (`http.error`: `TypeError`,
 * `ValidationError`, never the message) and passes the error on unchanged, so your own error
 * handlers still answer. Mount it after your routes and before your error handlers:
 * `app.use(errorHandler())`.
 */
export const errorHandler = (): ErrorRequestHandler =>
  function sketchlogErrorHandler(error, req, _res, next) {
    const capture = captureOf(req)
    if (capture !== undefined && capture.error === undefined) capture.error = error
    next(error)
  }
