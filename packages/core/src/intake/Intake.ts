import { Either, type Redacted } from "effect"
import { causeText } from "../internal/causeText.js"
import { LoggerClosedError } from "../logger/LoggerError.js"
import type { LogRequest } from "../logger/LogRequest.js"
import { BearerToken } from "./BearerToken.js"
import { type IntakeDecodeError, IntakeOptionsError } from "./IntakeError.js"
import type {
  IntakeAccepted,
  IntakeErrorCode,
  IntakeIssue,
  IntakeKind,
  IntakeResult,
} from "./IntakeResult.js"
import { isObject } from "./internal/fields.js"
import type { IntakeHeaders } from "./internal/headers.js"
import { readJson } from "./internal/jsonBody.js"
import { RequestCoalescer } from "./internal/RequestCoalescer.js"
import { decodeLogEmbeddingsBody } from "./LogEmbeddingsBody.js"
import { decodeLogRequestBody } from "./LogRequestBody.js"
import { decodePubSubPush } from "./PubSubPush.js"

/** What an intake needs of a logger: `RollingLoggerHandle` fits. */
export interface IntakeLogger {
  /** Queues a log request; in block mode it waits for room (back-pressure on the sender). */
  readonly logRequest: (request: LogRequest) => Promise<unknown>
}

/** Options of `createIntake`. */
export interface IntakeOptions {
  /** The rolling logger the requests go to. */
  readonly logger: IntakeLogger
  /** The token requests must present (`Authorization: Bearer …` or `X-API-Key: …`). */
  readonly token?: string | Redacted.Redacted<string> | BearerToken | undefined
  /** Take requests without a token. Must be said explicitly: an intake without a token is open to anyone who can reach it. */
  readonly insecureNoAuth?: boolean | undefined
  /** Raw bodies (text or bytes) larger than this are refused with 413 (default 8 MiB). Parsed bodies are the framework's to limit. */
  readonly maxBodyBytes?: number | undefined
  /**
   * Merge the log requests of one event-loop turn that share dataset, timestamp and columns into one
   * call of the logger (default true): a burst of small requests then costs the logger one message
   * per group. Each request is still answered once its own rows are queued.
   */
  readonly coalesce?: boolean | undefined
  /** Told of unexpected failures (500s); default: one line on stderr. */
  readonly onError?: ((error: unknown) => void) | undefined
}

/** Requests and rows by outcome since the intake was made. */
export interface IntakeStats {
  readonly accepted: Readonly<Record<IntakeKind, { readonly requests: number; readonly rows: number }>>
  readonly rejected: Readonly<Partial<Record<IntakeErrorCode, number>>>
}

/**
 * Framework-neutral handlers of the three intake messages. Each takes the body (parsed JSON, or the
 * raw text or bytes) and the request headers, and answers `{ status, headers, body }` without
 * throwing: 200 once the rows are queued in the logger, 4xx with the reason (the Schema path of each
 * wrong field) when the request is refused, 503 when the logger is closing.
 */
export interface Intake {
  /** `POST /log`: a whylogs log request `{ datasetId, timestamp?, multiple: { columns, data } }`. */
  readonly log: (body: unknown, headers?: IntakeHeaders) => Promise<IntakeResult>
  /** `POST /log-embeddings`: `{ datasetId, timestamp?, embeddings: { column: number[][] } }`. */
  readonly logEmbeddings: (body: unknown, headers?: IntakeHeaders) => Promise<IntakeResult>
  /** `POST /publish`: a Pub/Sub push whose base64 `data` holds either of the two. */
  readonly publish: (body: unknown, headers?: IntakeHeaders) => Promise<IntakeResult>
  /** The handler of a kind, or of a path ending in `/log`, `/log-embeddings` or `/publish` (404 otherwise). */
  readonly handle: (
    route: IntakeKind | string,
    body: unknown,
    headers?: IntakeHeaders,
  ) => Promise<IntakeResult>
  /** The refusal for these headers (401), or undefined when they carry the token: check before reading a body. */
  readonly authorize: (headers: IntakeHeaders | undefined) => IntakeResult | undefined
  /** The kind served at `path` (its last segment), if any. */
  readonly kindOf: (path: string) => IntakeKind | undefined
  /** The 413 answer, for a server that counts the bytes itself while reading. */
  readonly tooLarge: () => IntakeResult
  readonly maxBodyBytes: number
  readonly stats: () => IntakeStats
}

/** Default limit of a raw body. */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024

const MAX_MESSAGE = 200

const cut = (text: string): string =>
  text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text

const STATUS: Readonly<Record<IntakeErrorCode, number>> = {
  unauthorized: 401,
  "invalid-body": 400,
  "invalid-request": 400,
  "not-found": 404,
  "too-large": 413,
  unavailable: 503,
  internal: 500,
}

const KINDS: ReadonlyArray<IntakeKind> = ["log", "log-embeddings", "publish"]

/**
 * Makes the intake handlers over a logger. Throws `IntakeOptionsError` without a token unless
 * `insecureNoAuth` is set.
 *
 * ```ts
 * const intake = createIntake({ logger, token: process.env.CONTAINER_PASSWORD })
 * app.post(["/log", "/log-embeddings", "/publish"], express.json({ limit: "8mb" }), async (req, res) => {
 *   const r = await intake.handle(req.path, req.body, req.headers); res.status(r.status).set(r.headers).json(r.body) })
 * ```
 */
export const createIntake = (options: IntakeOptions): Intake => {
  const { logger } = options
  if (typeof logger?.logRequest !== "function")
    throw new IntakeOptionsError({
      option: "logger",
      reason: "must have a logRequest function (a RollingLoggerHandle)",
    })
  const token =
    options.token === undefined || options.token instanceof BearerToken
      ? options.token
      : new BearerToken(options.token)
  if (token === undefined && options.insecureNoAuth !== true)
    throw new IntakeOptionsError({
      option: "token",
      reason: "give the token requests must carry, or insecureNoAuth: true to accept anyone",
    })
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1)
    throw new IntakeOptionsError({
      option: "maxBodyBytes",
      reason: `must be a positive integer, got ${maxBodyBytes}`,
    })
  const onError =
    options.onError ?? ((error: unknown) => process.stderr.write(`sketchlog intake: ${causeText(error)}\n`))

  const coalescer = options.coalesce === false ? undefined : new RequestCoalescer((r) => logger.logRequest(r))
  const send = (request: LogRequest): Promise<unknown> =>
    coalescer === undefined ? logger.logRequest(request) : coalescer.add(request)

  const accepted: Record<IntakeKind, { requests: number; rows: number }> = {
    log: { requests: 0, rows: 0 },
    "log-embeddings": { requests: 0, rows: 0 },
    publish: { requests: 0, rows: 0 },
  }
  const rejected: Partial<Record<IntakeErrorCode, number>> = {}

  const refuse = (
    error: IntakeErrorCode,
    message: string,
    issues?: ReadonlyArray<IntakeIssue>,
    headers: Readonly<Record<string, string>> = {},
  ): IntakeResult => {
    rejected[error] = (rejected[error] ?? 0) + 1
    return {
      status: STATUS[error],
      headers,
      body: {
        ok: false,
        error,
        message: cut(message),
        ...(issues === undefined
          ? {}
          : { issues: issues.map((i) => ({ path: i.path, message: cut(i.message) })) }),
      },
    }
  }

  const invalid = (error: IntakeDecodeError) => refuse("invalid-request", error.message, error.issues)

  const authorize = (headers: IntakeHeaders | undefined): IntakeResult | undefined => {
    if (token === undefined) return undefined
    const check = token.check(headers)
    if (check === "ok") return undefined
    return refuse(
      "unauthorized",
      check === "missing"
        ? "this intake needs a token (Authorization: Bearer <token>)"
        : "the token is not valid",
      undefined,
      {
        "www-authenticate":
          check === "missing"
            ? 'Bearer realm="sketchlog"'
            : 'Bearer realm="sketchlog", error="invalid_token"',
      },
    )
  }

  /** Queues the request and answers 200, or says why it could not be queued. */
  const enqueue = async (
    kind: IntakeKind,
    request: LogRequest,
    rows: number,
    messageId?: string,
  ): Promise<IntakeResult> => {
    if (rows > 0) {
      try {
        await send(request)
      } catch (error) {
        if (error instanceof LoggerClosedError)
          return refuse("unavailable", "the logger is shutting down; send again later", undefined, {
            "retry-after": "5",
          })
        onError(error)
        return refuse("internal", "the request could not be queued")
      }
    }
    accepted[kind].requests++
    accepted[kind].rows += rows
    const body: IntakeAccepted = {
      ok: true,
      kind,
      datasetId: request.datasetId,
      rows,
      ...(messageId === undefined ? {} : { messageId }),
    }
    return { status: 200, headers: {}, body }
  }

  /** Auth, then the JSON object of the body, then `decode` and queue. */
  const handler =
    (kind: IntakeKind) =>
    async (body: unknown, headers?: IntakeHeaders): Promise<IntakeResult> => {
      const denied = authorize(headers)
      if (denied !== undefined) return denied
      const read = readJson(body, maxBodyBytes)
      if (!read.ok) return refuse(read.code, read.message)
      if (!isObject(read.value)) return refuse("invalid-body", "the body must be a JSON object")
      try {
        switch (kind) {
          case "log": {
            const decoded = decodeLogRequestBody(read.value)
            if (Either.isLeft(decoded)) return invalid(decoded.left)
            return await enqueue(kind, decoded.right, decoded.right.multiple.data.length)
          }
          case "log-embeddings": {
            const decoded = decodeLogEmbeddingsBody(read.value)
            if (Either.isLeft(decoded)) return invalid(decoded.left)
            const request = decoded.right.toLogRequest()
            return await enqueue(kind, request, request.multiple.data.length)
          }
          case "publish": {
            const decoded = decodePubSubPush(read.value, headers)
            if (Either.isLeft(decoded)) return invalid(decoded.left)
            return await enqueue(kind, decoded.right.request, decoded.right.rows, decoded.right.messageId)
          }
        }
      } catch (error) {
        onError(error)
        return refuse("internal", "the request could not be handled")
      }
    }

  const handlers: Record<IntakeKind, (body: unknown, headers?: IntakeHeaders) => Promise<IntakeResult>> = {
    log: handler("log"),
    "log-embeddings": handler("log-embeddings"),
    publish: handler("publish"),
  }

  const kindOf = (path: string): IntakeKind | undefined => {
    const clean = path.split("?", 1)[0] as string
    const last = clean.replace(/\/+$/, "").split("/").pop() ?? ""
    return KINDS.find((kind) => kind === last)
  }

  return {
    log: handlers.log,
    logEmbeddings: handlers["log-embeddings"],
    publish: handlers.publish,
    handle: (route, body, headers) => {
      const kind = (KINDS as ReadonlyArray<string>).includes(route) ? (route as IntakeKind) : kindOf(route)
      if (kind === undefined) return Promise.resolve(refuse("not-found", "no intake message is served here"))
      return handlers[kind](body, headers)
    },
    authorize,
    kindOf,
    tooLarge: () => refuse("too-large", `the body is larger than ${maxBodyBytes} bytes`),
    maxBodyBytes,
    stats: () => ({
      accepted: {
        log: { ...accepted.log },
        "log-embeddings": { ...accepted["log-embeddings"] },
        publish: { ...accepted.publish },
      },
      rejected: { ...rejected },
    }),
  }
}
