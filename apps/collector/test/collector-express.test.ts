import type { Server } from "node:http"
import type { AddressInfo } from "node:net"
import { createRollingLogger, DatasetProfileView } from "@sketchlog/core"
import { createIntake } from "@sketchlog/core/intake"
import { MemoryWriter } from "@sketchlog/core/testing"
import express from "express"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { logRequest, post, pubSubPush, TOKEN } from "./collectorClient.js"

const memory = new MemoryWriter()
const logger = createRollingLogger({ writers: [memory], writeSchedule: null, closeOnExit: false })
let server: Server
let url: string

beforeAll(async () => {
  const app = express()
  // The README's mount, as written there.
  const intake = createIntake({ logger, token: TOKEN })
  app.post(["/log", "/log-embeddings", "/publish"], express.json({ limit: "8mb" }), async (req, res) => {
    const r = await intake.handle(req.path, req.body, req.headers)
    res.status(r.status).set(r.headers).json(r.body)
  })
  server = app.listen(0, "127.0.0.1")
  await new Promise<void>((resolve) => server.once("listening", () => resolve()))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await logger.close()
})

describe("core's intake handlers mounted in an Express app", () => {
  it("take the same messages and answer the same way as the collector", async () => {
    expect((await post(`${url}/log`, logRequest("express", 3))).body).toMatchObject({ ok: true, rows: 3 })
    expect((await post(`${url}/publish`, pubSubPush(logRequest("express", 2, 3)))).status).toBe(200)
    const bad = await post(`${url}/log`, { datasetId: "express", multiple: { columns: [1], data: [] } })
    expect(bad.status).toBe(400)
    expect((bad.body.issues as Array<{ path: string }>)[0]?.path).toBe("multiple.columns[0]")
    const denied = await post(`${url}/log`, logRequest("express", 1), {})
    expect(denied.status).toBe(401)
    expect(denied.headers.get("www-authenticate")).toBe('Bearer realm="sketchlog"')
    // express.json() leaves the body unparsed for another content type: the intake says so.
    const text = await fetch(`${url}/log`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/plain" },
      body: JSON.stringify(logRequest("express", 1)),
    })
    expect(text.status).toBe(400)
    await logger.flush()
    const view = memory.writes
      .map((w) => DatasetProfileView.deserialize(w.bytes))
      .reduce((a, b) => a.merge(b))
    expect(view.getColumn("id")?.counts?.n).toBe(5)
  })
})
