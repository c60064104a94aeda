import { errorHandler, type SketchlogMiddleware, type SketchlogOptions, sketchlog } from "@sketchlog/express"
import {
  DecisionLog,
  defaultModelId,
  type LoanModel,
  models,
  parseLoanApplication,
} from "@sketchlog/loan-model"
import express, { type ErrorRequestHandler, type Express } from "express"

/** The demo's dataset: every request of the API is profiled into it, segmented by route and method. */
export const DEMO_DATASET = "loan-scoring"

/** Options of the demo app. */
export interface DemoAppOptions {
  /** Overrides of the middleware's options (the demo forces a local session and its dataset). */
  readonly sketchlog?: SketchlogOptions
  /**
   * The same app without the middleware mounted (its profiler stays idle): a baseline that tells the
   * app's and Express's own behaviour from sketchlog's.
   */
  readonly unprofiled?: boolean
}

/** The app and the middleware instance, so its owner can flush and close the profiles. */
export interface DemoApp {
  readonly app: Express
  readonly profiling: SketchlogMiddleware
}

const floatColumns = Object.fromEntries(
  [
    "request.body.annual_income",
    "request.body.loan_amount",
    "request.body.years_employed",
    "request.body.debt_to_income",
    "response.body.probability",
    "response.body.confidence",
    "response.body.latency_ms",
  ].map((column) => [column, "fractional" as const]),
)

/**
 * A small loan-scoring API, profiled by `@sketchlog/express` in local mode:
 * `POST /v1/score`, `POST /v1/models/:modelId/score`, `GET /v1/models`, `GET /v1/models/:modelId`,
 * `GET /v1/applications/:applicationId`, and `GET /health` (not profiled).
 */
export const createApp = (options: DemoAppOptions = {}): DemoApp => {
  const app = express()
  app.disable("x-powered-by")
  const profiling = sketchlog({
    datasetId: DEMO_DATASET,
    sessionOptions: { forceLocal: true },
    ignore: (exchange) => exchange.path === "/health",
    // JSON has one number type: a float field whose first value happens to be whole (an income of
    // 52000) would be typed integral. Declaring the float fields keeps their profiles whylogs-typed.
    logger: { schema: floatColumns },
    ...options.sketchlog,
  })
  // Mounted first: it then also sees what the body parser rejects (400, 413) and times the parsing.
  if (options.unprofiled !== true) app.use(profiling)
  app.use(express.json({ limit: "1mb" }))

  app.get("/health", (_req, res) => {
    res.json({ status: "ok" })
  })

  // Kept for `GET /v1/applications/:applicationId`.
  const decisions = new DecisionLog()

  const scoreWith =
    (model: LoanModel): express.RequestHandler =>
    (req, res) => {
      const parsed = parseLoanApplication(req.body)
      if (!parsed.ok) {
        res.status(422).json({ error: "invalid application", problems: parsed.problems })
        return
      }
      res.json(decisions.score(model, parsed.value))
    }

  const v1 = express.Router()
  v1.post("/score", scoreWith(models.get(defaultModelId)!))
  v1.get("/models", (_req, res) => {
    res.json({ models: [...models.values()].map((m) => m.card) })
  })

  const model = express.Router({ mergeParams: true })
  model.get("/", (req, res) => {
    const found = models.get((req.params as { modelId: string }).modelId)
    if (found === undefined) res.status(404).json({ error: "unknown model" })
    else res.json(found.card)
  })
  model.post("/score", (req, res, next) => {
    const found = models.get((req.params as { modelId: string }).modelId)
    if (found === undefined) res.status(404).json({ error: "unknown model" })
    else scoreWith(found)(req, res, next)
  })
  v1.use("/models/:modelId", model)

  v1.get("/applications/:applicationId", (req, res) => {
    const decision = decisions.find(req.params.applicationId)
    if (decision === undefined) res.status(404).json({ error: "unknown application" })
    else res.json(decision)
  })
  app.use("/v1", v1)

  // Records the error's class in the profile, then lets the next handler answer.
  app.use(errorHandler())
  const answerError: ErrorRequestHandler = (err, _req, res, _next) => {
    const status = typeof err?.status === "number" && err.status >= 400 && err.status < 600 ? err.status : 500
    res.status(status).json({ error: status === 500 ? "internal error" : String(err.type ?? "bad request") })
  }
  app.use(answerError)
  return { app, profiling }
}
