import { mkdtemp, readdir, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { INestApplication } from "@nestjs/common"
import { DatasetProfileView } from "@sketchlog/core"
import { sampleApplication } from "@sketchlog/loan-model"
import { afterEach, beforeEach, expect, it } from "vitest"
import { createApp } from "../src/app.js"
import { DEMO_DATASET } from "../src/DemoModule.js"

const application = sampleApplication

let dir: string
let app: INestApplication | undefined

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "nest-demo-"))
})

afterEach(async () => {
  await app?.close()
  app = undefined
  await rm(dir, { recursive: true, force: true })
})

const call = async (base: string, method: string, path: string, body?: unknown) => {
  const response = await fetch(base + path, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

it("serves the loan-scoring API, validates applications with the DTO, and profiles every request but /health", async () => {
  app = await createApp({ profiling: { profileDir: dir }, logger: false })
  await app.listen(0, "127.0.0.1")
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`

  const scored = await call(base, "POST", "/v1/score", application)
  expect(scored.status).toBe(200)
  expect(scored.body).toMatchObject({ model_id: "credit-v3", prediction: "approve", risk_band: "A" })
  const invalid = await call(base, "POST", "/v1/score", { ...application, age: 12, purpose: "yacht" })
  expect(invalid.status).toBe(400)
  expect(String(invalid.body.message)).toContain("age must not be less than 18")
  expect((await call(base, "POST", "/v1/models/credit-v4-shadow/score", application)).status).toBe(200)
  expect((await call(base, "POST", "/v1/models/credit-v9/score", application)).status).toBe(404)
  expect((await call(base, "GET", "/v1/models")).status).toBe(200)
  expect((await call(base, "GET", "/v1/models/credit-v3")).status).toBe(200)
  expect((await call(base, "GET", `/v1/applications/${scored.body.application_id}`)).body).toEqual(
    scored.body,
  )
  expect((await call(base, "GET", "/v1/applications/unknown")).status).toBe(404)
  expect((await call(base, "GET", "/health")).status).toBe(200)
  await app.close()
  app = undefined

  const counts: Record<string, number> = {}
  let score: DatasetProfileView | undefined
  for (const name of await readdir(join(dir, DEMO_DATASET))) {
    const view = await DatasetProfileView.read(join(dir, DEMO_DATASET, name))
    const [route, method] = view.segment!.values
    const key = `${method} ${route}`
    counts[key] = (counts[key] ?? 0) + (view.getColumn("http.status")!.summary()["counts/n"] as number)
    if (key === "POST /v1/score") score = score === undefined ? view : score.merge(view)
  }
  expect(counts).toEqual({
    "POST /v1/score": 2,
    "POST /v1/models/:modelId/score": 2,
    "GET /v1/models": 1,
    "GET /v1/models/:modelId": 1,
    "GET /v1/applications/:applicationId": 2,
  })
  // Features in, predictions out: both sides of the model are profiled.
  expect(score!.getColumn("request.body.credit_score")?.summary()["counts/n"]).toBe(2)
  expect(score!.getColumn("response.body.probability")?.summary()["counts/n"]).toBe(1)
})
