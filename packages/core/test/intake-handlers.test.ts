import { Either, Redacted, Schema } from "effect"
import fc from "fast-check"
import { afterEach, describe, expect, it } from "vitest"
import { createRollingLogger, DatasetProfileView, type RollingLoggerHandle } from "../src/index.js"
import {
  BearerToken,
  createIntake,
  decodeLogRequestBody,
  decodePubSubPush,
  IntakeOptionsError,
  type IntakeRejected,
  LogRequestBody,
} from "../src/intake/index.js"
import { MemoryWriter } from "../src/testing.js"

const HOUR = Date.UTC(2024, 5, 1, 10)
const TOKEN = "s3cret-collector-token"
const auth = { authorization: `Bearer ${TOKEN}` }

const open: RollingLoggerHandle[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((l) => l.close()))
})

const setup = (extra: { readonly embeddings?: boolean } = {}) => {
  const memory = new MemoryWriter()
  const logger = createRollingLogger({
    writers: [memory],
    writeSchedule: null,
    closeOnExit: false,
    ...(extra.embeddings
      ? {
          embeddings: {
            emb: {
              references: [
                [1, 0],
                [0, 1],
              ],
              labels: ["x", "y"],
              distance: "euclidean" as const,
            },
          },
        }
      : {}),
  })
  open.push(logger)
  const intake = createIntake({ logger, token: TOKEN })
  return { memory, logger, intake }
}

/** Every profile written, merged. */
const mergedView = (memory: MemoryWriter) =>
  memory.writes.map((w) => DatasetProfileView.deserialize(w.bytes)).reduce((a, b) => a.merge(b))

/** A push body exactly as Google documents it for wrapped delivery. */
const push = (payload: unknown, publishTime = "2024-06-01T10:15:30.123456789Z") => ({
  message: {
    attributes: { source: "test" },
    data: Buffer.from(JSON.stringify(payload)).toString("base64"),
    messageId: "2070443601311540",
    message_id: "2070443601311540",
    publishTime,
    publish_time: publishTime,
  },
  subscription: "projects/myproject/subscriptions/mysubscription",
})

const rejected = (body: unknown) => body as IntakeRejected

describe("intake: log requests", () => {
  it("queues a whylogs log request and answers 200 with the rows", async () => {
    const { intake, logger, memory } = setup()
    const result = await intake.log(
      {
        datasetId: "m1",
        timestamp: HOUR,
        multiple: {
          columns: ["a", "b"],
          data: [
            [1, "x"],
            [2, "y"],
            [3, null],
          ],
        },
      },
      auth,
    )
    expect(result).toEqual({
      status: 200,
      headers: {},
      body: { ok: true, kind: "log", datasetId: "m1", rows: 3 },
    })
    await logger.close()
    const view = mergedView(memory)
    expect(view.getColumn("a")?.counts?.n).toBe(3)
    expect(view.getColumn("b")?.counts?.null).toBe(1)
    expect(memory.writes[0]?.datasetId).toBe("m1")
    expect(view.datasetTimestamp).toBe(HOUR)
  })

  it("accepts the Python container's `data` for `multiple`, and names it in errors", async () => {
    const { intake } = setup()
    const ok = await intake.log({ datasetId: "m1", data: { columns: ["a"], data: [[1]] } }, auth)
    expect(ok.status).toBe(200)
    const bad = await intake.log({ datasetId: "m1", data: { columns: ["a", 7], data: [[1, 2]] } }, auth)
    expect(bad.status).toBe(400)
    expect(rejected(bad.body).issues?.[0]?.path).toBe("data.columns[1]")
  })

  it("says which field is wrong, for every wrong field", async () => {
    const { intake } = setup()
    const cases: Array<[unknown, string, RegExp]> = [
      [{ multiple: { columns: [], data: [] } }, "datasetId", /missing/],
      [{ datasetId: "", multiple: { columns: [], data: [] } }, "datasetId", /must not be empty/],
      [
        { datasetId: "d", timestamp: -5, multiple: { columns: [], data: [] } },
        "timestamp",
        /epoch milliseconds/,
      ],
      [
        { datasetId: "d", timestamp: "2024-01-01", multiple: { columns: [], data: [] } },
        "timestamp",
        /Expected/,
      ],
      [{ datasetId: "d" }, "multiple", /missing/],
      [
        { datasetId: "d", multiple: { columns: ["a", 5], data: [] } },
        "multiple.columns[1]",
        /Expected string/,
      ],
      [{ datasetId: "d", multiple: { columns: ["a"], data: [[1], "row"] } }, "multiple.data[1]", /Expected/],
      [
        { datasetId: "d", multiple: { columns: ["a", "b"], data: [[1, 2], [3]] } },
        "multiple",
        /data\[1\] has 1 values for 2 columns/,
      ],
    ]
    for (const [body, path, message] of cases) {
      const result = await intake.log(body, auth)
      expect(result.status, JSON.stringify(body)).toBe(400)
      const refusal = rejected(result.body)
      expect(refusal.error).toBe("invalid-request")
      expect(refusal.issues?.[0]?.path).toBe(path)
      expect(refusal.issues?.[0]?.message).toMatch(message)
      expect(refusal.message.startsWith(`${path}: `)).toBe(true)
    }
  })

  it("reports every wrong field at once, at most 20", async () => {
    const { intake } = setup()
    const result = await intake.log(
      {
        datasetId: 5,
        timestamp: "x",
        multiple: { columns: Array.from({ length: 40 }, (_, i) => i), data: [] },
      },
      auth,
    )
    const issues = rejected(result.body).issues ?? []
    expect(issues.map((i) => i.path).slice(0, 3)).toEqual(["datasetId", "timestamp", "multiple.columns[0]"])
    expect(issues).toHaveLength(20)
  })

  it("refuses bodies that are not a JSON object, parses raw text and bytes, and limits raw bodies (413)", async () => {
    const { logger } = setup()
    const intake = createIntake({ logger, token: TOKEN, maxBodyBytes: 100 })
    const valid = JSON.stringify({ datasetId: "d", multiple: { columns: ["a"], data: [[1]] } })
    expect((await intake.log(valid, auth)).status).toBe(200)
    expect((await intake.log(Buffer.from(valid), auth)).status).toBe(200)
    expect((await intake.log(new TextEncoder().encode(valid).buffer, auth)).status).toBe(200)
    const huge = JSON.stringify({ datasetId: "d", multiple: { columns: ["a"], data: [["x".repeat(200)]] } })
    const big = await intake.log(huge, auth)
    expect(big.status).toBe(413)
    expect(rejected(big.body).error).toBe("too-large")
    for (const [body, message] of [
      [undefined, /no body/],
      ["", /empty/],
      ["{not json", /not valid JSON/],
      [Buffer.from([0xff, 0xfe]), /not UTF-8/],
      [[1, 2], /JSON object/],
      ["42", /JSON object/],
    ] as Array<[unknown, RegExp]>) {
      const result = await intake.log(body, auth)
      expect(result.status).toBe(400)
      expect(rejected(result.body).error).toBe("invalid-body")
      expect(rejected(result.body).message).toMatch(message)
    }
    expect(intake.stats().rejected).toEqual({ "too-large": 1, "invalid-body": 6 })
    expect(intake.stats().accepted.log).toEqual({ requests: 3, rows: 3 })
  })

  it("answers 503 with Retry-After once the logger is closing", async () => {
    const { intake, logger } = setup()
    await logger.close()
    const result = await intake.log({ datasetId: "d", multiple: { columns: ["a"], data: [[1]] } }, auth)
    expect(result.status).toBe(503)
    expect(result.headers["retry-after"]).toBe("5")
  })

  it("batches requests of one dataset, bucket and columns into one profile per bucket", async () => {
    const { intake, logger, memory } = setup()
    const sends = []
    for (let i = 0; i < 200; i++) {
      const timestamp = HOUR + (i % 2) * 3_600_000 // two hourly buckets
      sends.push(
        intake.log(
          {
            datasetId: "m",
            timestamp,
            multiple: {
              columns: ["a", "b"],
              data: [
                [i, "x"],
                [i + 1, "y"],
              ],
            },
          },
          auth,
        ),
      )
    }
    expect((await Promise.all(sends)).every((r) => r.status === 200)).toBe(true)
    await logger.close()
    expect(memory.writes).toHaveLength(2)
    expect(memory.writes.map((w) => w.rows)).toEqual([200, 200])
    expect(memory.totalCount("a", { datasetId: "m" })).toBe(400)
  })
})

describe("intake: coalescing", () => {
  it("merges the requests of one turn that share dataset, timestamp and columns into one logger call", async () => {
    const { logger, memory } = setup()
    const calls: Array<{ datasetId: string; rows: number }> = []
    const intake = createIntake({
      token: TOKEN,
      logger: {
        logRequest: (request) => {
          calls.push({ datasetId: request.datasetId, rows: request.multiple.data.length })
          return logger.logRequest(request)
        },
      },
    })
    const body = (datasetId: string, columns: string[], timestamp: number, start: number) => ({
      datasetId,
      timestamp,
      multiple: {
        columns,
        data: [
          [start, `${start}`],
          [start + 1, `${start + 1}`],
        ],
      },
    })
    const results = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => intake.log(body("a", ["x", "y"], HOUR, i * 2), auth)),
      intake.log(body("a", ["y", "x"], HOUR, 100), auth), // other column order: its own group
      intake.log(body("a", ["x", "y"], HOUR + 1, 200), auth), // other timestamp
      intake.log(body("b", ["x", "y"], HOUR, 300), auth), // other dataset
    ])
    expect(results.every((r) => r.status === 200 && (r.body as { rows: number }).rows === 2)).toBe(true)
    expect(calls).toEqual([
      { datasetId: "a", rows: 20 },
      { datasetId: "a", rows: 2 },
      { datasetId: "a", rows: 2 },
      { datasetId: "b", rows: 2 },
    ])
    await logger.close()
    const a = memory.writes
      .filter((w) => w.datasetId === "a")
      .map((w) => DatasetProfileView.deserialize(w.bytes))
    const merged = a.reduce((x, y) => x.merge(y))
    expect(merged.getColumn("x")?.counts?.n).toBe(24)
    // Rows stay whole: x and y of one row are never split between requests.
    expect(merged.getColumn("y")?.counts?.n).toBe(24)
    expect(merged.getColumn("x")?.distribution?.max).toBe(201)
  })

  it("starts a new group past 2,048 rows and never merges requests whose keys only look alike", async () => {
    const { logger } = setup()
    const calls: number[] = []
    const intake = createIntake({
      token: TOKEN,
      logger: {
        logRequest: (request) => {
          calls.push(request.multiple.data.length)
          return logger.logRequest(request)
        },
      },
    })
    const rows = (n: number) => Array.from({ length: n }, (_, i) => [i])
    await Promise.all(
      [1000, 1000, 1000, 1000, 10].map((n) =>
        intake.log({ datasetId: "big", multiple: { columns: ["a"], data: rows(n) } }, auth),
      ),
    )
    expect(calls).toEqual([2000, 2010])
    calls.length = 0
    await Promise.all([
      intake.log({ datasetId: "a\u0000b", multiple: { columns: ["c"], data: [[1]] } }, auth),
      intake.log({ datasetId: "a", multiple: { columns: ["b\u0000c"], data: [[1]] } }, auth),
      intake.log({ datasetId: "a", multiple: { columns: ["b", "c"], data: [[1, 2]] } }, auth),
    ])
    expect(calls).toEqual([1, 1, 1])
  })

  it("answers every member of a group with the group's failure", async () => {
    const { logger } = setup()
    const intake = createIntake({ logger, token: TOKEN })
    await logger.close()
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        intake.log({ datasetId: "d", multiple: { columns: ["a"], data: [[1]] } }, auth),
      ),
    )
    expect(results.map((r) => r.status)).toEqual([503, 503, 503, 503, 503])
  })
})

describe("intake: embeddings", () => {
  it("profiles each vector with the dataset's references and says which field is wrong", async () => {
    const { intake, logger, memory } = setup({ embeddings: true })
    const ok = await intake.logEmbeddings(
      {
        datasetId: "v",
        timestamp: HOUR,
        embeddings: {
          emb: [
            [1, 0.1],
            [0.2, 1],
            [0.9, 0],
            [1, 2, 3],
          ],
        },
      },
      auth,
    )
    expect(ok.body).toEqual({ ok: true, kind: "log-embeddings", datasetId: "v", rows: 4 })
    const bad = await intake.logEmbeddings({ datasetId: "v", embeddings: { emb: "[[1, 0]]" } }, auth)
    expect(rejected(bad.body).issues?.[0]?.path).toBe("embeddings.emb")
    const missing = await intake.logEmbeddings({ datasetId: "v", embeddings: [[1, 0]] }, auth)
    expect(rejected(missing.body).issues?.[0]?.path).toBe("embeddings")
    await logger.close()
    const metric = mergedView(memory).getColumn("emb")?.embedding
    expect(metric?.nearestCounts()).toEqual({ x: 2, y: 1 })
    expect(metric?.invalid.wrongDimension).toBe(1)
  })
})

describe("intake: Pub/Sub push", () => {
  it("logs the payload of a wrapped push, at its publish time when the payload has none", async () => {
    const { intake, logger, memory } = setup()
    const result = await intake.publish(
      push({ datasetId: "ps", multiple: { columns: ["a"], data: [[1], [2]] } }),
      auth,
    )
    expect(result.body).toEqual({
      ok: true,
      kind: "publish",
      datasetId: "ps",
      rows: 2,
      messageId: "2070443601311540",
    })
    await logger.close()
    expect(memory.writes[0]?.bucket.start).toBe(Date.UTC(2024, 5, 1, 10))
    expect(mergedView(memory).getColumn("a")?.counts?.n).toBe(2)
  })

  it("logs embeddings inside a push", async () => {
    const { intake, logger, memory } = setup({ embeddings: true })
    const result = await intake.publish(
      push({ datasetId: "v", timestamp: HOUR, embeddings: { emb: [[0, 1]] } }),
      auth,
    )
    expect(result.status).toBe(200)
    await logger.close()
    expect(mergedView(memory).getColumn("emb")?.embedding?.nearestCounts()).toEqual({ x: 0, y: 1 })
  })

  it("names the wrong field inside the push and inside its payload", async () => {
    const { intake } = setup()
    const base = push({ datasetId: "ps", multiple: { columns: ["a"], data: [[1]] } })
    const cases: Array<[unknown, string, RegExp]> = [
      [{ subscription: "s" }, "message", /missing/],
      [{ message: base.message }, "subscription", /missing/],
      [{ ...base, message: { ...base.message, data: "not base64!" } }, "message.data", /not base64/],
      [
        { ...base, message: { ...base.message, data: Buffer.from("{oops").toString("base64") } },
        "message.data",
        /JSON/,
      ],
      [push([1, 2]), "message.data", /JSON object/],
      [
        push({ datasetId: "ps", multiple: { columns: ["a"], data: [[1, 2]] } }),
        "message.data.multiple",
        /has 2 values/,
      ],
      [push({ datasetId: "ps", embeddings: { e: 5 } }), "message.data.embeddings.e", /Expected/],
      [push({ multiple: { columns: [], data: [] } }), "message.data.datasetId", /missing/],
    ]
    for (const [body, path, message] of cases) {
      const result = await intake.publish(body, auth)
      expect(result.status, path).toBe(400)
      expect(rejected(result.body).issues?.[0]?.path).toBe(path)
      expect(rejected(result.body).issues?.[0]?.message).toMatch(message)
    }
  })

  it("takes unwrapped pushes, with the id and publish time from Google's headers", () => {
    const decoded = decodePubSubPush(
      { datasetId: "u", multiple: { columns: ["a"], data: [[1]] } },
      { "x-goog-pubsub-message-id": "42", "x-goog-pubsub-publish-time": "2024-06-01T11:00:00Z" },
    )
    expect(Either.isRight(decoded)).toBe(true)
    if (Either.isRight(decoded)) {
      expect(decoded.right.messageId).toBe("42")
      expect(decoded.right.request.timestamp).toBe(Date.UTC(2024, 5, 1, 11))
    }
  })
})

describe("intake: authentication", () => {
  it("needs the token as a bearer token or an X-API-Key header", async () => {
    const { intake } = setup()
    const body = { datasetId: "d", multiple: { columns: ["a"], data: [[1]] } }
    const missing = await intake.log(body, {})
    expect(missing.status).toBe(401)
    expect(missing.headers["www-authenticate"]).toBe('Bearer realm="sketchlog"')
    const wrong = await intake.log(body, { authorization: "Bearer nope" })
    expect(wrong.status).toBe(401)
    expect(wrong.headers["www-authenticate"]).toMatch(/invalid_token/)
    expect((await intake.log(body, { authorization: `Basic ${TOKEN}` })).status).toBe(401)
    expect((await intake.log(body, { authorization: `Bearer ${TOKEN}x` })).status).toBe(401)
    expect((await intake.log(body, { authorization: `bearer  ${TOKEN} ` })).status).toBe(200)
    expect((await intake.log(body, { "x-api-key": TOKEN })).status).toBe(200)
    expect((await intake.log(body, new Headers({ Authorization: `Bearer ${TOKEN}` }))).status).toBe(200)
    expect((await intake.log(body, { Authorization: [`Bearer ${TOKEN}`] })).status).toBe(200)
    // The refusal never carries the token.
    expect(JSON.stringify(wrong)).not.toContain(TOKEN)
  })

  it("refuses to be made without a token unless told to take anyone", () => {
    const logger = createRollingLogger({ writers: [new MemoryWriter()], closeOnExit: false })
    open.push(logger)
    expect(() => createIntake({ logger })).toThrow(IntakeOptionsError)
    expect(() => createIntake({ logger, token: "" })).toThrow(IntakeOptionsError)
    expect(createIntake({ logger, insecureNoAuth: true }).authorize({})).toBeUndefined()
    expect(createIntake({ logger, token: Redacted.make(TOKEN) }).authorize(auth)).toBeUndefined()
    expect(String(new BearerToken(TOKEN))).not.toContain(TOKEN)
    expect(JSON.stringify({ t: new BearerToken(TOKEN) })).not.toContain(TOKEN)
  })

  it("routes by path for a framework mount, 404 elsewhere", async () => {
    const { intake } = setup()
    expect(intake.kindOf("/api/log-embeddings")).toBe("log-embeddings")
    expect(intake.kindOf("/publish/?x=1")).toBe("publish")
    expect((await intake.handle("/nope", {}, auth)).status).toBe(404)
  })
})

describe("intake: the fast path decides like the Schema", () => {
  it("accepts exactly what LogRequestBody accepts, with the same fields", () => {
    const cell = fc.oneof(fc.integer(), fc.double(), fc.string(), fc.boolean(), fc.constant(null))
    const request = fc.record(
      {
        datasetId: fc.oneof(fc.string(), fc.integer()),
        timestamp: fc.oneof(fc.constant(null), fc.double(), fc.integer(), fc.string()),
        orgId: fc.oneof(fc.constant(null), fc.string(), fc.integer()),
        multiple: fc.oneof(
          fc.record({
            columns: fc.array(fc.oneof(fc.string(), fc.string(), fc.integer()), { maxLength: 4 }),
            data: fc.array(fc.oneof(fc.array(cell, { maxLength: 3 }), fc.string()), { maxLength: 4 }),
          }),
          fc.string(),
        ),
      },
      { requiredKeys: [] },
    )
    fc.assert(
      fc.property(request, (input) => {
        const ours = decodeLogRequestBody(input)
        const reference = Schema.decodeUnknownEither(LogRequestBody)(input)
        expect(Either.isRight(ours)).toBe(Either.isRight(reference))
        if (Either.isRight(ours) && Either.isRight(reference)) {
          expect(ours.right.datasetId).toBe(reference.right.datasetId)
          expect(ours.right.timestamp ?? null).toBe(reference.right.timestamp ?? null)
          expect(ours.right.multiple).toEqual(reference.right.multiple)
        }
      }),
      { numRuns: 3000 },
    )
  })
})
