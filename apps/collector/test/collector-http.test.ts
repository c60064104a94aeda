import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { request } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  CollectorConfigError,
  type CollectorStatus,
  loadCollectorConfig,
  type RunningCollector,
  startCollector,
} from "../src/index.js"
import { AUTH, logRequest, post, profilesOf, pubSubPush, TOKEN } from "./collectorClient.js"

const HOUR = Date.UTC(2024, 5, 1, 10)
const MAX_BODY = 64 * 1024

let dir: string
let collector: RunningCollector
let url: string

/** Three well separated centroids: each posted vector's nearest label is known. */
const centroids = {
  references: [
    [5, 0, 0],
    [0, 5, 0],
    [0, 0, 5],
  ],
  labels: ["red", "green", "blue"],
  distance: "euclidean",
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sketchlog-collector-"))
  const embeddingsFile = join(dir, "embeddings.json")
  await writeFile(embeddingsFile, JSON.stringify({ vectors: { emb: centroids } }))
  const config = await loadCollectorConfig({
    CONTAINER_PASSWORD: TOKEN,
    HOST: "127.0.0.1",
    PORT: "0",
    SKETCHLOG_PROFILE_DIR: join(dir, "profiles"),
    SKETCHLOG_MAX_BODY_BYTES: String(MAX_BODY),
    SKETCHLOG_EMBEDDINGS_FILE: embeddingsFile,
    SKETCHLOG_LOGGER_MODE: "in-thread",
    DEFAULT_WHYLABS_DATASET_CADENCE: "HOURLY",
  })
  collector = await startCollector(config)
  url = collector.url
})

afterAll(async () => {
  await collector?.close()
  await rm(dir, { recursive: true, force: true })
})

/** A raw request with a chunked body of `size` bytes (no Content-Length). */
const chunkedPost = (path: string, size: number): Promise<number> =>
  new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, {
      method: "POST",
      headers: { ...AUTH, "content-type": "application/json" },
    })
    req.on("response", (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on("error", reject)
    const chunk = Buffer.alloc(16 * 1024, 0x20)
    let sent = 0
    const write = () => {
      while (sent < size) {
        sent += chunk.length
        if (!req.write(chunk)) return void req.once("drain", write)
      }
      req.end()
    }
    write()
  })

describe("collector over HTTP on 127.0.0.1", () => {
  it("queues each message kind and answers 200 with the rows", async () => {
    const log = await post(`${url}/log`, logRequest("tabular", 4, 0, HOUR))
    expect(log).toMatchObject({ status: 200, body: { ok: true, kind: "log", datasetId: "tabular", rows: 4 } })
    const embeddings = await post(`${url}/log-embeddings`, {
      datasetId: "vectors",
      timestamp: HOUR,
      embeddings: { emb: [[4, 1, 0]] },
    })
    expect(embeddings.body).toMatchObject({ ok: true, kind: "log-embeddings", rows: 1 })
    const pushed = await post(`${url}/publish`, pubSubPush(logRequest("tabular", 2, 100, HOUR)))
    expect(pushed.body).toMatchObject({ ok: true, kind: "publish", rows: 2, messageId: "2070443601311540" })
  })

  it("answers 400 with the path of the wrong field", async () => {
    const cases: Array<[string, unknown, string]> = [
      ["/log", { datasetId: "t", multiple: { columns: ["a"], data: [[1, 2]] } }, "multiple"],
      ["/log", { datasetId: 7, multiple: { columns: [], data: [] } }, "datasetId"],
      ["/log-embeddings", { datasetId: "vectors", embeddings: { emb: 3 } }, "embeddings.emb"],
      ["/publish", { message: { data: "%%%" }, subscription: "s" }, "message.data"],
      [
        "/publish",
        pubSubPush({ datasetId: "t", multiple: { columns: ["a", 1], data: [] } }),
        "message.data.multiple.columns[1]",
      ],
    ]
    for (const [path, body, where] of cases) {
      const response = await post(`${url}${path}`, body)
      expect(response.status, `${path} ${where}`).toBe(400)
      expect(response.body.error).toBe("invalid-request")
      expect((response.body.issues as Array<{ path: string }>)[0]?.path).toBe(where)
    }
    const notJson = await post(`${url}/log`, "{oops")
    expect(notJson).toMatchObject({ status: 400, body: { error: "invalid-body" } })
  })

  it("answers 413 for bodies over the limit, declared or streamed", async () => {
    const big = logRequest("tabular", 1)
    big.multiple.data[0]![2] = "x".repeat(MAX_BODY)
    const declared = await post(`${url}/log`, big)
    expect(declared.status).toBe(413)
    expect(declared.body.error).toBe("too-large")
    expect(await chunkedPost("/log-embeddings", 4 * MAX_BODY)).toBe(413)
    // The collector goes on serving.
    expect((await post(`${url}/log`, logRequest("tabular", 1, 200, HOUR))).status).toBe(200)
  })

  it("answers 401 without the token or with a wrong one, before reading the body", async () => {
    for (const headers of [{}, { authorization: "Bearer wrong" }, { authorization: `Basic ${TOKEN}` }]) {
      for (const path of ["/log", "/log-embeddings", "/publish", "/flush"]) {
        const response = await post(`${url}${path}`, logRequest("tabular", 1), headers)
        expect(response.status, `${path} ${JSON.stringify(headers)}`).toBe(401)
        expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/)
        expect(JSON.stringify(response.body)).not.toContain(TOKEN)
      }
    }
    expect((await fetch(`${url}/status`)).status).toBe(401)
    // A Pub/Sub push subscription can only call a URL: /publish takes the token as ?token=, no other route does.
    const push = pubSubPush(logRequest("tabular", 1, 400, HOUR))
    expect((await post(`${url}/publish?token=${TOKEN}`, push, {})).status).toBe(200)
    expect((await post(`${url}/publish?token=wrong`, push, {})).status).toBe(401)
    expect((await post(`${url}/log?token=${TOKEN}`, logRequest("tabular", 1), {})).status).toBe(401)
    // The whylogs container's clients send the password as X-API-Key.
    expect(
      (await post(`${url}/log`, logRequest("tabular", 1, 300, HOUR), { "x-api-key": TOKEN })).status,
    ).toBe(200)
  })

  it("serves /health without a token, /status with it, and 404 / 405 elsewhere", async () => {
    const health = await fetch(`${url}/health`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ ok: true, state: "running" })
    const status = await fetch(`${url}/status`, { headers: AUTH })
    const body = (await status.json()) as CollectorStatus
    expect(body.state).toBe("running")
    expect(body.auth).toBe("bearer-token")
    expect(body.intake.accepted.log.rows).toBeGreaterThan(0)
    expect(body.logger.mode).toBe("in-thread")
    expect(body.process.cpuMicros).toBeGreaterThan(0)
    expect(JSON.stringify(body)).not.toContain(TOKEN)
    expect((await fetch(`${url}/nope`)).status).toBe(404)
    expect((await fetch(`${url}/log`)).status).toBe(405)
    expect((await fetch(`${url}/health`, { method: "POST" })).status).toBe(405)
  })

  it("gives each embedding its nearest centroid, and every written row is counted once", async () => {
    const clusters: Array<[number[], number]> = [
      [[5, 0, 0], 30],
      [[0, 5, 0], 20],
      [[0, 0, 5], 10],
    ]
    let k = 0
    for (const [centre, count] of clusters) {
      // In requests of 5 vectors, each jittered around its centre.
      for (let i = 0; i < count; i += 5) {
        const vectors = Array.from({ length: 5 }, (_, j) =>
          centre.map((x, d) => x + (((k + j + d) % 7) - 3) * 0.2),
        )
        k += 5
        expect(
          (await post(`${url}/log-embeddings`, { datasetId: "clusters", embeddings: { emb: vectors } }))
            .status,
        ).toBe(200)
      }
    }
    const flushed = await post(`${url}/flush`, {})
    expect(flushed.status).toBe(200)
    // "clusters" has no entry in the embeddings file, so no metric: only "vectors" has references.
    const plain = await profilesOf(join(dir, "profiles"), "clusters")
    expect(plain?.getColumn("emb")?.embedding).toBeUndefined()
    expect(plain?.getColumn("emb")?.types?.tensor).toBe(60)
    for (const [centre, count] of clusters) {
      for (let i = 0; i < count; i += 10) {
        const vectors = Array.from({ length: 10 }, () => centre.map((x) => x * 1.1))
        await post(
          `${url}/publish`,
          pubSubPush({ datasetId: "vectors", timestamp: HOUR, embeddings: { emb: vectors } }),
        )
      }
    }
    await post(`${url}/log-embeddings`, {
      datasetId: "vectors",
      timestamp: HOUR,
      embeddings: { emb: [[1, 2]] },
    })
    await post(`${url}/flush`, {})
    const view = await profilesOf(join(dir, "profiles"), "vectors")
    const metric = view?.getColumn("emb")?.embedding
    // One from the first test, 60 from the pushes, and the two-dimensional one counted as invalid.
    expect(metric?.nearestCounts()).toEqual({ blue: 10, green: 20, red: 31 })
    expect(metric?.invalid.wrongDimension).toBe(1)
    expect(view?.getColumn("emb")?.counts?.n).toBe(62)
  })

  it("accounts for every row posted: N rows accepted = Σ counts/n in the written profiles", async () => {
    let sent = 0
    const sends: Array<Promise<{ status: number }>> = []
    for (let i = 0; i < 60; i++) {
      const rows = 1 + ((i * 37) % 50)
      const body = logRequest("ledger", rows, sent, HOUR + (i % 3) * 3_600_000)
      sent += rows
      sends.push(post(`${url}${i % 4 === 0 ? "/publish" : "/log"}`, i % 4 === 0 ? pubSubPush(body) : body))
    }
    expect((await Promise.all(sends)).every((r) => r.status === 200)).toBe(true)
    await post(`${url}/flush`, {})
    const view = await profilesOf(join(dir, "profiles"), "ledger")
    for (const column of ["id", "score", "label"]) expect(view?.getColumn(column)?.counts?.n).toBe(sent)
    expect(view?.getColumn("id")?.distribution?.max).toBe(sent - 1)
  })
})

describe("collector configuration", () => {
  it("refuses to start without a token unless --insecure-no-auth, naming the variable", async () => {
    await expect(loadCollectorConfig({})).rejects.toThrow(
      /CONTAINER_PASSWORD: is not set.*--insecure-no-auth/,
    )
    const open = await loadCollectorConfig({}, ["--insecure-no-auth"])
    expect(open.token).toBeUndefined()
    await expect(loadCollectorConfig({ CONTAINER_PASSWORD: "x" }, ["--no-auth"])).rejects.toThrow(
      /unknown argument/,
    )
  })

  it("reads the whylogs container's names and says which one is wrong", async () => {
    const config = await loadCollectorConfig({
      CONTAINER_PASSWORD: "x",
      DEFAULT_WHYLABS_DATASET_CADENCE: "HOURLY",
      DEFAULT_WHYLABS_UPLOAD_CADENCE: "M",
      DEFAULT_WHYLABS_UPLOAD_INTERVAL: "15",
      WHYLABS_API_KEY: "ABCDEFGHIJ.secret-part:org-1",
      WHYLABS_ORG_ID: "org-1",
    })
    expect(config).toMatchObject({
      aggregateBy: "hour",
      writeSchedule: { cadence: "minute", interval: 15 },
      destination: "whylabs",
      orgId: "org-1",
    })
    expect(String(config.apiKey)).not.toContain("secret-part")
    expect(String(config.token)).not.toContain("x")
    const wrong: Array<[Record<string, string>, RegExp]> = [
      [
        { DEFAULT_WHYLABS_DATASET_CADENCE: "WEEKLY" },
        /DEFAULT_WHYLABS_DATASET_CADENCE: must be one of HOURLY, DAILY/,
      ],
      [{ DEFAULT_WHYLABS_UPLOAD_INTERVAL: "0" }, /DEFAULT_WHYLABS_UPLOAD_INTERVAL/],
      [{ PORT: "http" }, /PORT/],
      [{ UPLOAD_DESTINATION: "WHYLABS" }, /WHYLABS_API_KEY: is needed/],
      [{ SKETCHLOG_EMBEDDINGS_FILE: "/nonexistent/e.json" }, /SKETCHLOG_EMBEDDINGS_FILE: cannot read/],
    ]
    for (const [env, message] of wrong) {
      const attempt = loadCollectorConfig({ CONTAINER_PASSWORD: "x", ...env })
      await expect(attempt).rejects.toBeInstanceOf(CollectorConfigError)
      await expect(attempt).rejects.toThrow(message)
    }
  })

  it("checks the embeddings file at start, naming the dataset and field", async () => {
    const file = join(dir, "bad-embeddings.json")
    await writeFile(file, JSON.stringify({ m: { emb: { references: [[1, 2], [3]] } } }))
    await expect(
      loadCollectorConfig({ CONTAINER_PASSWORD: "x", SKETCHLOG_EMBEDDINGS_FILE: file }),
    ).rejects.toThrow(
      /SKETCHLOG_EMBEDDINGS_FILE "m": embeddings\["emb"\]\.references\[1\]: must hold 2 numbers/,
    )
  })
})
