import { createServer } from "node:http"
import { ClassSerializerInterceptor, Module, VersioningType } from "@nestjs/common"
import { ConfigModule, ConfigService } from "@nestjs/config"
import { APP_INTERCEPTOR, NestFactory } from "@nestjs/core"
import { Test } from "@nestjs/testing"
import { RollingLoggerHandle, SessionHandle } from "@sketchlog/core"
import type { HttpProfiler } from "@sketchlog/core/adapter"
import { SessionModule, type SessionModuleOptions, SKETCHLOG_PROFILER } from "@sketchlog/nest"
import { describe, expect, it } from "vitest"
import { type Call, listen, sendAll } from "./support/http.js"
import { frequentItems, readProfiles, rowsBySegment, segmentView } from "./support/profiles.js"
import { FeatureLog, shopControllers } from "./support/shop.js"
import { shopHarness } from "./support/shopApp.js"

const shop = shopHarness()
const { local, startShop } = shop

const item = { name: "bolt", quantity: 3 }

describe("SessionModule.forRoot", () => {
  it("profiles every request once per route segment: handlers, 404s, guard rejections, validation and parse failures, exceptions", async () => {
    const base = await startShop([SessionModule.forRoot(local())])
    const calls: Array<[Call, number]> = [
      [{ method: "GET", path: "/items/1" }, 200],
      [{ method: "GET", path: "/items/2?expand=true" }, 200],
      [{ method: "POST", path: "/items", body: item }, 201],
      [{ method: "POST", path: "/items", body: { name: 7, quantity: -1 } }, 400],
      [{ method: "POST", path: "/items", body: "{not json" }, 400],
      [{ method: "GET", path: "/items/1/secret" }, 403],
      [{ method: "GET", path: "/items/1/secret", headers: { "x-allow": "yes" } }, 200],
      [{ method: "GET", path: "/nowhere/at/all" }, 404],
      [{ method: "DELETE", path: "/items/1" }, 404],
      [{ method: "GET", path: "/errors/crash" }, 500],
      [{ method: "GET", path: "/errors/teapot" }, 418],
    ]
    const statuses = await sendAll(
      base,
      calls.map(([call]) => call),
      3,
    )
    expect(statuses).toEqual([0, 1, 2].flatMap(() => calls.map(([, status]) => status)))
    await shop.state.app!.close()
    shop.state.app = undefined

    const profiles = await readProfiles(shop.state.dir)
    expect(rowsBySegment(profiles, "shop")).toEqual({
      "GET /items/:id": 6,
      "POST /items": 6,
      "POST (unrouted)": 3,
      "GET /items/:id/secret": 6,
      "GET (unmatched)": 3,
      "DELETE (unmatched)": 3,
      "GET /errors/crash": 3,
      "GET /errors/teapot": 3,
    })

    const posts = segmentView(profiles, "shop", "POST /items")!
    expect(frequentItems(posts, "http.status")).toEqual({ "201": 3, "400": 3 })
    expect(frequentItems(posts, "http.error")).toEqual({ BadRequestException: 3 })
    // The parsed body of each POST, valid or not, and the value the handler returned.
    expect(posts.getColumn("request.body.quantity")?.summary()["counts/n"]).toBe(6)
    expect(posts.getColumn("response.body.created")?.summary()["counts/n"]).toBe(3)

    const secret = segmentView(profiles, "shop", "GET /items/:id/secret")!
    expect(frequentItems(secret, "http.status")).toEqual({ "200": 3, "403": 3 })

    const crash = segmentView(profiles, "shop", "GET /errors/crash")!
    expect(frequentItems(crash, "http.status")).toEqual({ "500": 3 })
    expect(frequentItems(crash, "http.error")).toEqual({ Error: 3 })
    const teapot = segmentView(profiles, "shop", "GET /errors/teapot")!
    expect(frequentItems(teapot, "http.status")).toEqual({ "418": 3 })
    expect(frequentItems(teapot, "http.error")).toEqual({ HttpException: 3 })

    const get = segmentView(profiles, "shop", "GET /items/:id")!
    expect(get.getColumn("response.body.price")?.summary()["counts/n"]).toBe(6)
    expect(frequentItems(get, "http.query.keys")).toEqual({ expand: 3 })
    // No raw path, id or message anywhere in the profile.
    const everything = JSON.stringify(profiles.map((p) => p.view.toJSON()))
    expect(everything).not.toContain("/items/1")
    expect(everything).not.toContain("nowhere")
    expect(everything).not.toContain("must never be profiled")
  })

  it("profiles the body the client got: after a global ClassSerializerInterceptor, and never an error body", async () => {
    @Module({
      imports: [SessionModule.forRoot(local())],
      controllers: shopControllers,
      providers: [FeatureLog, { provide: APP_INTERCEPTOR, useClass: ClassSerializerInterceptor }],
    })
    class SerializingShop {}
    const moduleRef = await Test.createTestingModule({ imports: [SerializingShop] }).compile()
    shop.state.app = moduleRef.createNestApplication({ logger: false })
    const base = await listen(shop.state.app)
    await sendAll(
      base,
      [
        { method: "GET", path: "/accounts/7" },
        { method: "GET", path: "/errors/teapot" },
      ],
      2,
    )
    await shop.state.app.close()
    shop.state.app = undefined
    const profiles = await readProfiles(shop.state.dir)
    const account = segmentView(profiles, "shop", "GET /accounts/:id")!
    expect(account.getColumn("response.body.owner")?.summary()["counts/n"]).toBe(2)
    expect(account.getColumn("response.body.internal_risk_score")).toBeUndefined()
    const teapot = segmentView(profiles, "shop", "GET /errors/teapot")!
    expect(teapot.columnNames.filter((c) => c.startsWith("response.body."))).toEqual([])
    expect(JSON.stringify(teapot.toJSON())).not.toContain("short and stout")
  })

  it("takes the template with the global prefix and the URI version, as the platform registered it", async () => {
    @Module({
      imports: [SessionModule.forRoot(local())],
      controllers: shopControllers,
      providers: [FeatureLog],
    })
    class VersionedShop {}
    const moduleRef = await Test.createTestingModule({ imports: [VersionedShop] }).compile()
    shop.state.app = moduleRef.createNestApplication({ logger: false })
    shop.state.app.setGlobalPrefix("api")
    shop.state.app.enableVersioning({ type: VersioningType.URI, defaultVersion: "2" })
    const base = await listen(shop.state.app)
    const statuses = await sendAll(
      base,
      [
        { method: "GET", path: "/api/v2/items/5" },
        { method: "GET", path: "/items/5" },
      ],
      2,
    )
    expect(statuses).toEqual([200, 404, 200, 404])
    await shop.state.app.close()
    shop.state.app = undefined
    expect(rowsBySegment(await readProfiles(shop.state.dir), "shop")).toEqual({
      "GET /api/v2/items/:id": 2,
      "GET (unmatched)": 2,
    })
  })

  it("leaves out @SkipProfiling() controllers and handlers, and honours a handler's @SkipProfiling(false)", async () => {
    const base = await startShop([SessionModule.forRoot(local())])
    await sendAll(
      base,
      [
        { method: "GET", path: "/health" },
        { method: "GET", path: "/health/deep" },
        { method: "GET", path: "/metrics" },
        { method: "GET", path: "/metrics/summary" },
      ],
      4,
    )
    const profiler = shop.state.app!.get<HttpProfiler>(SKETCHLOG_PROFILER)
    await shop.state.app!.close()
    shop.state.app = undefined
    expect(rowsBySegment(await readProfiles(shop.state.dir), "shop")).toEqual({
      "GET /health/deep": 4,
      "GET /metrics/summary": 4,
    })
    // Every admitted request is accounted for: the skipped handlers' requests as `excluded`.
    expect((await profiler.status()).exchanges).toMatchObject({
      admitted: 16,
      recorded: 16,
      profiled: 8,
      skipped: { excluded: 8 },
      waiting: 0,
    })
  })

  it("routes @ProfileDataset() controllers and handlers to their own datasets", async () => {
    const base = await startShop([SessionModule.forRoot(local())])
    await sendAll(
      base,
      [
        { method: "POST", path: "/fraud/score", body: { amount: 1500 } },
        { method: "GET", path: "/fraud/audit" },
        { method: "GET", path: "/items/9" },
      ],
      5,
    )
    await shop.state.app!.close()
    shop.state.app = undefined
    const profiles = await readProfiles(shop.state.dir)
    expect(rowsBySegment(profiles, "fraud-model")).toEqual({ "POST /fraud/score": 5 })
    expect(rowsBySegment(profiles, "fraud-audit")).toEqual({ "GET /fraud/audit": 5 })
    expect(rowsBySegment(profiles, "shop")).toEqual({ "GET /items/:id": 5 })
    const score = segmentView(profiles, "fraud-model", "POST /fraud/score")!
    expect(score.getColumn("response.body.fraud_probability")?.summary()["distribution/mean"]).toBeCloseTo(
      0.9,
    )
  })

  it("injects the session and the rolling logger into a service, by token and by class", async () => {
    const base = await startShop([SessionModule.forRoot(local())])
    const features = shop.state.app!.get(FeatureLog)
    const profiler = shop.state.app!.get<HttpProfiler>(SKETCHLOG_PROFILER)
    expect(features.session).toBeInstanceOf(SessionHandle)
    expect(features.session).toBe(profiler.session)
    expect(features.session?.kind).toBe("local")
    expect(features.logger).toBeInstanceOf(RollingLoggerHandle)
    expect(features.logger).toBe(profiler.logger)
    expect(shop.state.app!.get(SessionHandle)).toBe(features.session)
    expect(shop.state.app!.get(RollingLoggerHandle)).toBe(features.logger)

    const statuses = await sendAll(
      base,
      [{ method: "POST", path: "/features", body: { income: 52000, segment: "retail" } }],
      4,
    )
    expect(statuses).toEqual([202, 202, 202, 202])
    await shop.state.app!.close()
    shop.state.app = undefined
    const profiles = await readProfiles(shop.state.dir)
    const manual = profiles.filter((p) => p.dataset === "item-features")
    expect(
      manual.reduce((n, p) => n + (p.view.getColumn("income_log")?.summary()["counts/n"] as number), 0),
    ).toBe(4)
    expect(rowsBySegment(profiles, "shop")).toEqual({ "POST /features": 4 })
  })

  it("profiles each request once when the module is imported by several modules", async () => {
    @Module({ imports: [SessionModule.forRoot(local())] })
    class OrdersModule {}
    @Module({ imports: [SessionModule.forRoot(local())] })
    class BillingModule {}
    const base = await startShop([SessionModule.forRoot(local()), OrdersModule, BillingModule])
    await sendAll(
      base,
      [
        { method: "GET", path: "/items/1" },
        { method: "GET", path: "/missing" },
      ],
      7,
    )
    await shop.state.app!.close()
    shop.state.app = undefined
    expect(rowsBySegment(await readProfiles(shop.state.dir), "shop")).toEqual({
      "GET /items/:id": 7,
      "GET (unmatched)": 7,
    })
  })

  it("profiles each request once, with the first registration's options, when a second registration differs", async () => {
    @Module({ imports: [SessionModule.forRoot(local({ datasetId: "second" }))] })
    class OtherModule {}
    const base = await startShop([SessionModule.forRoot(local()), OtherModule])
    await sendAll(base, [{ method: "GET", path: "/items/1" }], 5)
    await shop.state.app!.close()
    shop.state.app = undefined
    const profiles = await readProfiles(shop.state.dir)
    expect(rowsBySegment(profiles, "shop")).toEqual({ "GET /items/:id": 5 })
    expect(profiles.filter((p) => p.dataset === "second")).toEqual([])
  })
})

describe("several applications and failures", () => {
  it("lets two applications with equal options share the profiler: closing one leaves the other profiling", async () => {
    const first = await startShop([SessionModule.forRoot(local())])
    const firstApp = shop.state.app!
    const second = await startShop([SessionModule.forRoot(local())])
    const secondApp = shop.state.app!
    expect(firstApp.get(SKETCHLOG_PROFILER)).toBe(secondApp.get(SKETCHLOG_PROFILER))
    await sendAll(first, [{ method: "GET", path: "/items/1" }], 2)
    await sendAll(second, [{ method: "GET", path: "/items/1" }], 3)
    await firstApp.close()
    expect(secondApp.get<HttpProfiler>(SKETCHLOG_PROFILER).state).toBe("running")
    await sendAll(second, [{ method: "GET", path: "/items/1" }], 4)
    await secondApp.close()
    shop.state.app = undefined
    expect(rowsBySegment(await readProfiles(shop.state.dir), "shop")).toEqual({ "GET /items/:id": 9 })
  })

  it("refuses to start on a mistyped option, naming it and the one meant", async () => {
    @Module({ imports: [SessionModule.forRoot({ datasetID: "shop" } as SessionModuleOptions)] })
    class Mistyped {}
    await expect(Test.createTestingModule({ imports: [Mistyped] }).compile()).rejects.toMatchObject({
      _tag: "HttpOptionsError",
      option: "datasetID",
      message: 'unknown option; did you mean "datasetId"?',
    })
  })

  it("serves requests when profiling cannot start, reports why, and injects no session", async () => {
    const errors: Array<string> = []
    const base = await startShop([
      SessionModule.forRoot(
        local({
          session: Promise.reject(new Error("the platform is down")),
          onError: (error) => errors.push(error.message),
        }),
      ),
    ])
    expect(await sendAll(base, [{ method: "GET", path: "/items/1" }], 3)).toEqual([200, 200, 200])
    expect(shop.state.app!.get(FeatureLog).session).toBeUndefined()
    const profiler = shop.state.app!.get<HttpProfiler>(SKETCHLOG_PROFILER)
    expect(profiler.state).toBe("failed")
    expect((await profiler.status()).exchanges.dropped).toEqual({ "not-running": 3 })
    expect(errors).toEqual([expect.stringContaining("the platform is down")])
    await shop.state.app!.close()
    shop.state.app = undefined
    expect(await readProfiles(shop.state.dir)).toEqual([])
  })
})

describe("served without the application's server", () => {
  it("captures through the middleware when the platform instance is mounted elsewhere (serverless wrappers)", async () => {
    @Module({
      imports: [SessionModule.forRoot(local())],
      controllers: shopControllers,
      providers: [FeatureLog],
    })
    class ShopModule {}
    const moduleRef = await Test.createTestingModule({ imports: [ShopModule] }).compile()
    shop.state.app = moduleRef.createNestApplication({ logger: false })
    await shop.state.app.init()
    // Another server around the Express instance, as a serverless wrapper would call it.
    const server = createServer(shop.state.app.getHttpAdapter().getInstance())
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
    const statuses = await sendAll(
      base,
      [
        { method: "GET", path: "/items/1" },
        { method: "POST", path: "/items", body: { name: 3 } },
        { method: "GET", path: "/items/1/secret" },
        { method: "GET", path: "/missing" },
      ],
      2,
    )
    expect(statuses).toEqual([200, 400, 403, 404, 200, 400, 403, 404])
    await new Promise((resolve) => server.close(resolve))
    await shop.state.app.close()
    shop.state.app = undefined
    expect(rowsBySegment(await readProfiles(shop.state.dir), "shop")).toEqual({
      "GET /items/:id": 2,
      "POST /items": 2,
      "GET /items/:id/secret": 2,
      "GET (unmatched)": 2,
    })
  })
})

describe("without HTTP", () => {
  it("injects the session and the logger into a standalone application context, whose close writes the rows", async () => {
    @Module({ imports: [SessionModule.forRoot(local())], providers: [FeatureLog] })
    class WorkerModule {}
    const context = await NestFactory.createApplicationContext(WorkerModule, { logger: false })
    const features = context.get(FeatureLog)
    expect(features.session?.kind).toBe("local")
    for (const income of [30000, 45000, 61000])
      await features.record({ income_log: Math.log(income), segment: "batch" })
    await context.close()
    const rows = (await readProfiles(shop.state.dir))
      .filter((p) => p.dataset === "item-features")
      .reduce((n, p) => n + (p.view.getColumn("income_log")?.summary()["counts/n"] as number), 0)
    expect(rows).toBe(3)
  })
})

describe("SessionModule.forRootAsync", () => {
  it("builds its options with ConfigService injected into the factory", async () => {
    const base = await startShop([
      ConfigModule.forRoot({
        ignoreEnvFile: true,
        load: [() => ({ profiling: { dataset: "shop-from-config", dir: shop.state.dir } })],
      }),
      SessionModule.forRootAsync({
        imports: [ConfigModule],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({
          datasetId: config.getOrThrow<string>("profiling.dataset"),
          profileDir: config.getOrThrow<string>("profiling.dir"),
          sessionOptions: { forceLocal: true },
        }),
      }),
    ])
    await sendAll(
      base,
      [
        { method: "GET", path: "/items/3" },
        { method: "POST", path: "/items", body: item },
      ],
      3,
    )
    expect(shop.state.app!.get(FeatureLog).session?.kind).toBe("local")
    await shop.state.app!.close()
    shop.state.app = undefined
    expect(rowsBySegment(await readProfiles(shop.state.dir), "shop-from-config")).toEqual({
      "GET /items/:id": 3,
      "POST /items": 3,
    })
  })
})
