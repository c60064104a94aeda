import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Module } from "@nestjs/common"
import { FastifyAdapter, type NestFastifyApplication } from "@nestjs/platform-fastify"
import { Test } from "@nestjs/testing"
import { SessionModule } from "@sketchlog/nest"
import { afterEach, beforeEach, expect, it } from "vitest"
import { type Call, listen, sendAll } from "./support/http.js"
import { frequentItems, readProfiles, rowsBySegment, segmentView } from "./support/profiles.js"
import { FeatureLog, shopControllers } from "./support/shop.js"

let dir: string
let app: NestFastifyApplication | undefined

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sketchlog-nest-fastify-"))
})

afterEach(async () => {
  await app?.close()
  app = undefined
  await rm(dir, { recursive: true, force: true })
})

it("profiles the same traffic the same way on the Fastify platform", async () => {
  @Module({
    imports: [
      SessionModule.forRoot({ datasetId: "shop", profileDir: dir, sessionOptions: { forceLocal: true } }),
    ],
    controllers: shopControllers,
    providers: [FeatureLog],
  })
  class ShopModule {}
  const moduleRef = await Test.createTestingModule({ imports: [ShopModule] }).compile()
  app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false })
  const base = await listen(app)
  const calls: Array<[Call, number]> = [
    [{ method: "GET", path: "/items/1?expand=true" }, 200],
    [{ method: "POST", path: "/items", body: { name: "bolt", quantity: 3 } }, 201],
    [{ method: "POST", path: "/items", body: { name: 7 } }, 400],
    [{ method: "POST", path: "/items", body: "{not json" }, 400],
    [{ method: "GET", path: "/items/1/secret" }, 403],
    [{ method: "GET", path: "/nowhere" }, 404],
    [{ method: "GET", path: "/errors/crash" }, 500],
    [{ method: "GET", path: "/health" }, 200],
    [{ method: "GET", path: "/fraud/audit" }, 200],
  ]
  const statuses = await sendAll(
    base,
    calls.map(([call]) => call),
    2,
  )
  expect(statuses).toEqual([0, 1].flatMap(() => calls.map(([, status]) => status)))
  await app.close()
  app = undefined

  const profiles = await readProfiles(dir)
  expect(rowsBySegment(profiles, "shop")).toEqual({
    "GET /items/:id": 2,
    "POST /items": 6,
    "GET /items/:id/secret": 2,
    "GET (unmatched)": 2,
    "GET /errors/crash": 2,
  })
  expect(rowsBySegment(profiles, "fraud-audit")).toEqual({ "GET /fraud/audit": 2 })
  const posts = segmentView(profiles, "shop", "POST /items")!
  expect(frequentItems(posts, "http.status")).toEqual({ "201": 2, "400": 4 })
  expect(frequentItems(posts, "http.response.content_type")).toEqual({ "application/json": 6 })
  expect(posts.getColumn("request.body.name")?.summary()["counts/n"]).toBe(4)
  const get = segmentView(profiles, "shop", "GET /items/:id")!
  expect(get.getColumn("response.body.price")?.summary()["counts/n"]).toBe(2)
  expect(frequentItems(get, "http.query.keys")).toEqual({ expand: 2 })
})
