import { Either, Redacted, Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { createRollingLogger } from "../src/index.js"
import {
  BearerToken,
  createIntake,
  decodeLogRequestBody,
  decodePubSubPush,
  IntakeOptionsError,
  LogRequestBody,
} from "../src/intake/index.js"
import { MemoryWriter } from "../src/testing.js"
import { auth, closeAfterTest, HOUR, mergedView, push, rejected, setup, TOKEN } from "./intakeFixture.js"

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
    closeAfterTest(logger)
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
