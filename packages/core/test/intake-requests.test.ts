import { describe, expect, it } from "vitest"
import { DatasetProfileView } from "../src/index.js"
import { createIntake } from "../src/intake/index.js"
import { auth, HOUR, mergedView, rejected, setup, TOKEN } from "./intakeFixture.js"

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
