import type { Row, SessionHandle } from "@sketchlog/core"

/**
 * What the middleware puts on each request as `req.sketchlog`: the session, the request's dataset,
 * and manual logging into it (for values no request or response body carries, such as a model's
 * features after preprocessing).
 */
export interface RequestSketchlog {
  /**
   * The resolved session. The middleware holds the first requests until it is resolved, so it is
   * set in every handler unless the session could not be resolved (then profiling is off and the
   * reason is in `status()`).
   */
  readonly session: SessionHandle | undefined
  /** The dataset this request is profiled into (the `datasetId` option, or the session's default). */
  readonly datasetId: string
  /**
   * Logs one row into this request's dataset, with the current time. Resolves when the logger has
   * accepted it; rejects when the profiler is closed or the logger refuses the row.
   */
  log(row: Row): Promise<void>
}

declare global {
  namespace Express {
    interface Request {
      /**
       * Set by `sketchlog()` on every request it sees: the session, the dataset, manual logging.
       * (Typed as always present, like `req.session` of express-session: mount the middleware app-wide.)
       */
      sketchlog: RequestSketchlog
    }
  }
}
