import { describe, expect, it } from "vitest"
import { type CreateRollingLoggerOptions, createRollingLogger } from "../src/index.js"
import type { ColumnarRows } from "../src/logger/ColumnarRows.js"
import type { LoggerMode } from "../src/logger/index.js"
import { MemoryWriter } from "../src/testing.js"

const T0 = Date.UTC(2024, 8, 1, 12)

/** `count` rows of one route and method, gathered by column; `extra` only in every other row. */
const batch = (route: string, method: string, count: number, timestamp = T0): ColumnarRows => ({
  _tag: "ColumnarRows",
  datasetId: "api",
  timestamp,
  count,
  keys: ["http.route", "http.method", "ms", "extra"],
  columns: [
    Array.from({ length: count }, () => route),
    Array.from({ length: count }, () => method),
    Array.from({ length: count }, (_, i) => i * 0.5),
    Array.from({ length: Math.ceil(count / 2) }, (_, i) => `e${i % 3}`),
  ],
  segment: { on: ["http.route", "http.method"], values: [route, method] },
})

const modes: ReadonlyArray<LoggerMode> = ["in-thread", "worker"]

/** A logger of dataset `api` that writes only to memory and only on close (no schedule, outbox or exit hook). */
const memoryLogger = (mode: LoggerMode, options: CreateRollingLoggerOptions) => {
  const memory = new MemoryWriter()
  const logger = createRollingLogger({
    datasetId: "api",
    mode,
    writers: [memory],
    writeSchedule: null,
    outboxDir: false,
    closeOnExit: false,
    ...options,
  })
  return { memory, logger }
}

describe.each(modes)("rows logged by column (%s)", (mode) => {
  it("land in the profile of their dataset, bucket and segment, every cell counted once", async () => {
    const { memory, logger } = memoryLogger(mode, { segmentOn: ["http.route", "http.method"] })
    void logger.logColumnar(batch("/a", "GET", 300))
    void logger.logColumnar(batch("/a", "POST", 40))
    void logger.logColumnar(batch("/a", "GET", 60, T0 + 3_600_000))
    void logger.log({ "http.route": "/a", "http.method": "GET", ms: 1 }, { timestamp: T0 })
    await logger.close()
    const segmentOf = (w: (typeof memory.writes)[number]) => w.segment?.values.join(" ")
    const get = memory.writes.filter((w) => segmentOf(w) === "/a GET")
    expect(get.map((w) => w.rows).sort((a, b) => a - b)).toEqual([60, 301])
    expect(memory.totalCount("ms", { datasetId: "api" })).toBe(401)
    expect(memory.totalCount("extra", { datasetId: "api" })).toBe(150 + 20 + 30)
    const post = memory.writes.find((w) => segmentOf(w) === "/a POST")
    expect(post?.view.getColumn("http.method")?.counts?.n).toBe(40)
    const status = logger.status()
    expect(status.rows).toMatchObject({ received: 401, accepted: 401, profiled: 401, dropped: 0 })
  })

  it("in a dataset segmented on other columns: one value per segment column is taken, mixed ones are refused and counted", async () => {
    const { memory, logger } = memoryLogger(mode, { segmentOn: ["http.method"] })
    void logger.logColumnar(batch("/a", "GET", 10))
    const mixed = batch("/a", "GET", 10)
    void logger.logColumnar({
      ...mixed,
      columns: [mixed.columns[0]!, ["GET", "POST", ...mixed.columns[1]!.slice(2)], ...mixed.columns.slice(2)],
    })
    await logger.close()
    expect(memory.writes.map((w) => [w.segment?.values.join(" "), w.rows])).toEqual([["GET", 10]])
    expect(logger.status().rows.droppedByReason["invalid-row"]).toBe(10)
  })

  it("in drop mode a batch that does not fit is dropped whole and counted", async () => {
    const { memory, logger } = memoryLogger(mode, {
      overflow: "drop",
      queueCapacity: 100,
      segmentOn: ["http.route", "http.method"],
    })
    // A buffered row first: the batches then wait behind it for the actor (an idle in-thread actor
    // would profile the first batch at once and free its room).
    void logger.log({ "http.route": "/a", "http.method": "GET", ms: 1 }, { timestamp: T0 })
    void logger.logColumnar(batch("/a", "GET", 80))
    void logger.logColumnar(batch("/a", "GET", 30))
    await logger.close()
    expect(memory.totalCount("ms")).toBe(81)
    expect(logger.status().rows).toMatchObject({ received: 111, accepted: 81, profiled: 81, dropped: 30 })
    expect(logger.status().rows.droppedByReason["queue-full"]).toBe(30)
  })
})

describe("rows logged by column to an idle in-thread logger", () => {
  it("are profiled before logColumnar returns, and never overtake rows sent before them", async () => {
    const { memory, logger } = memoryLogger("in-thread", { segmentOn: ["http.route", "http.method"] })
    const row = { "http.route": "/a", "http.method": "GET", ms: 1 }
    // A row buffered before a batch is handed over first, so the batch waits for the actor too.
    void logger.log(row, { timestamp: T0 })
    void logger.logColumnar(batch("/a", "GET", 10))
    expect(logger.status().rows.profiled).toBe(0)
    await logger.settle()
    await new Promise((resolve) => setTimeout(resolve, 20)) // the actor parks on its empty mailbox
    void logger.logColumnar(batch("/a", "GET", 5))
    expect(logger.status().rows.profiled).toBe(16)
    void logger.log(row, { timestamp: T0 })
    void logger.logColumnar(batch("/a", "GET", 7))
    expect(logger.status().rows.profiled).toBe(16)
    await logger.close()
    expect(memory.totalCount("ms")).toBe(24)
    expect(logger.status().rows).toMatchObject({ received: 24, accepted: 24, profiled: 24, dropped: 0 })
  })
})
