import { mkdtemp, readdir, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { usePlatformSandbox } from "@sketchlog/test-fixtures/vitest"
import { afterEach, describe, expect, it } from "vitest"
import {
  createHttpProfiler,
  type HttpProfiler,
  type HttpProfilerError,
  type HttpProfilerOptions,
  sharedHttpProfiler,
} from "../src/adapter.js"
import type { HttpExchange } from "../src/http/index.js"
import { DatasetProfileView } from "../src/profile/index.js"
import { getCurrentSession, init, type SessionHandle } from "../src/session/index.js"
import { DEFAULT_PROFILE_DIR, PROFILE_DIR_ENV, resolveProfileDir } from "../src/writers/index.js"
import { MemoryWriter } from "../src/writers/MemoryWriter.js"

const fixture = usePlatformSandbox()
const profilers: Array<HttpProfiler> = []
const dirs: Array<string> = []

afterEach(async () => {
  await Promise.all(profilers.splice(0).map((p) => p.close()))
  await getCurrentSession()?.close()
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})

const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), "sketchlog-adapter-"))
  dirs.push(dir)
  return dir
}

const track = (profiler: HttpProfiler) => {
  profilers.push(profiler)
  return profiler
}

/** A profiler writing to memory in a local session. */
const local = (options: HttpProfilerOptions = {}) => {
  const writer = new MemoryWriter()
  const profiler = track(
    createHttpProfiler({
      sessionOptions: { forceLocal: true },
      datasetId: "ds",
      logger: { writers: [writer] },
      ...options,
    }),
  )
  return { profiler, writer }
}

const exchange = (route: string, over: Partial<HttpExchange> = {}): HttpExchange => ({
  method: "GET",
  route,
  path: route,
  status: 200,
  durationMs: 1.5,
  timestamp: Date.UTC(2025, 5, 1, 12),
  response: { contentType: "application/json", body: { ok: true } },
  ...over,
})

const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

const rowsOf = (writer: MemoryWriter) =>
  writer.writes.reduce((n, w) => n + (w.view.getColumn("http.status")?.counts?.n ?? 0), 0)

describe("the shared registry", () => {
  it("gives one profiler per configuration, compared by content; functions and sessions by identity", async () => {
    const dir = await tempDir()
    const ignore = () => false
    const a = track(sharedHttpProfiler({ profileDir: dir, limits: { maxDepth: 4, maxFields: 50 }, ignore }))
    const b = sharedHttpProfiler({ ignore, limits: { maxFields: 50, maxDepth: 4 }, profileDir: dir })
    expect(b).toBe(a)
    const c = track(
      sharedHttpProfiler({ profileDir: dir, limits: { maxDepth: 4, maxFields: 50 }, ignore: () => false }),
    )
    expect(c).not.toBe(a)
    const d = track(sharedHttpProfiler({ profileDir: dir, exclude: [/^request\.body\.x/i] }))
    expect(sharedHttpProfiler({ profileDir: dir, exclude: [/^request\.body\.x/i] })).toBe(d)
    expect(sharedHttpProfiler({ profileDir: dir, exclude: [/^request\.body\.x/] })).not.toBe(d)
    profilers.push(sharedHttpProfiler({ profileDir: dir, exclude: [/^request\.body\.x/] }))
    await a.close()
    const fresh = track(
      sharedHttpProfiler({ profileDir: dir, limits: { maxDepth: 4, maxFields: 50 }, ignore }),
    )
    expect(fresh).not.toBe(a)
    expect(fresh.state).toBe("starting")
  })
})

describe("recording exchanges", () => {
  it("maps and logs later, in batches, never inside record()", async () => {
    const { profiler, writer } = local()
    await profiler.ready
    let built = 0
    for (let i = 0; i < 50; i++) {
      profiler.record({
        toExchange: () => {
          built++
          return exchange(i % 2 === 0 ? "/a" : "/b")
        },
      })
    }
    expect(built).toBe(0)
    expect((await profiler.status()).exchanges.waiting).toBe(50)
    await nextTurn()
    expect(built).toBe(0) // fewer than a batch: they wait for the batch window
    await profiler.flush()
    expect(built).toBe(50)
    await profiler.close()
    expect(rowsOf(writer)).toBe(50)
    expect(writer.writes.map((w) => w.segment?.values.join(" ")).sort()).toEqual(["/a GET", "/b GET"])
    const status = await profiler.status()
    expect(status.exchanges).toMatchObject({ recorded: 50, profiled: 50, waiting: 0, dropped: {} })
    expect(status.state).toBe("closed")
  })

  it("holds exchanges recorded while the session resolves, then logs them", async () => {
    let open: (session: SessionHandle) => void = () => undefined
    const pending = new Promise<SessionHandle>((resolve) => {
      open = resolve
    })
    const { profiler, writer } = local({ session: pending })
    for (let i = 0; i < 10; i++) profiler.record(exchange("/early"))
    const manual = profiler.log({ score: 0.5 })
    expect(profiler.state).toBe("starting")
    open(await init({ forceLocal: true }))
    await profiler.ready
    await manual
    expect(profiler.state).toBe("running")
    await profiler.close()
    expect(rowsOf(writer)).toBe(10)
    expect(writer.writes.reduce((n, w) => n + (w.view.getColumn("score")?.counts?.n ?? 0), 0)).toBe(1)
  })

  it("routes exchanges to datasets: record's option over the datasetId function over the default", async () => {
    const { profiler, writer } = local({
      datasetId: (e) => (e.route === "/admin" ? "admin" : undefined),
      segmentOn: [],
    })
    await profiler.ready
    profiler.record(exchange("/admin"))
    profiler.record(exchange("/public"))
    profiler.record(exchange("/public"), { datasetId: "special" })
    expect(profiler.datasetFor(exchange("/admin"))).toBe("admin")
    expect(profiler.datasetFor(exchange("/x"))).toBe("default")
    await profiler.close()
    expect(writer.writes.map((w) => `${w.datasetId}:${w.rows}`).sort()).toEqual([
      "admin:1",
      "default:1",
      "special:1",
    ])
    expect(writer.writes.every((w) => w.segment === undefined)).toBe(true)
  })

  it("samples in admit() and maps without sampling again", async () => {
    let draws = 0
    const { profiler, writer } = local({
      sampleRate: 0.5,
      random: () => (draws++ % 2 === 0 ? 0.1 : 0.9),
    })
    await profiler.ready
    for (let i = 0; i < 20; i++) if (profiler.admit()) profiler.record(exchange("/s"))
    expect(draws).toBe(20)
    await profiler.close()
    expect(rowsOf(writer)).toBe(10)
    const status = await profiler.status()
    expect(status.exchanges).toMatchObject({ admitted: 10, sampledOut: 10, profiled: 10 })
  })

  it("drops what is recorded after close, and rejects manual rows, counting both", async () => {
    const { profiler } = local()
    await profiler.ready
    await profiler.close()
    await profiler.close()
    profiler.record(exchange("/late"))
    await expect(profiler.log({ a: 1 })).rejects.toMatchObject({ _tag: "HttpProfilerError" })
    expect((await profiler.status()).exchanges.dropped).toEqual({ closed: 1 })
  })
})

describe("starting", () => {
  it("fails without breaking anything when the session cannot be resolved, and says why once", async () => {
    const errors: Array<HttpProfilerError> = []
    const { profiler } = local({
      session: Promise.reject(new Error("the platform is unreachable")),
      onError: (error) => errors.push(error),
    })
    profiler.record(exchange("/a"))
    await profiler.ready
    expect(profiler.state).toBe("failed")
    profiler.record(exchange("/a"))
    await expect(profiler.log({ a: 1 })).rejects.toThrow("the platform is unreachable")
    expect(errors.map((e) => e.reason)).toEqual(["profiling could not start: the platform is unreachable"])
    const status = await profiler.status()
    expect(status.exchanges.dropped).toEqual({ "not-running": 2 })
    expect(status.lastError).toContain("unreachable")
  })

  it("refuses a whylabs session with no dataset to upload to, naming the settings", async () => {
    const session = await init({
      reinit: true,
      apiKey: fixture.platform.apiKey,
      apiEndpoint: fixture.platform.url,
    })
    const errors: Array<string> = []
    const profiler = track(createHttpProfiler({ session, onError: (e) => errors.push(e.reason) }))
    await profiler.ready
    expect(profiler.state).toBe("failed")
    expect(errors[0]).toContain("WHYLABS_DEFAULT_DATASET_ID")
    await session.close()
  })

  it("resolves the profile directory: option, else SKETCHLOG_PROFILE_DIR, else ./sketchlog-profiles", () => {
    const before = process.env[PROFILE_DIR_ENV]
    try {
      delete process.env[PROFILE_DIR_ENV]
      expect(resolveProfileDir(undefined)).toBe(resolve(DEFAULT_PROFILE_DIR))
      expect(DEFAULT_PROFILE_DIR).toBe("sketchlog-profiles")
      process.env[PROFILE_DIR_ENV] = "/tmp/from-env"
      expect(resolveProfileDir(undefined)).toBe("/tmp/from-env")
      expect(resolveProfileDir("relative/dir")).toBe(resolve("relative/dir"))
    } finally {
      if (before === undefined) delete process.env[PROFILE_DIR_ENV]
      else process.env[PROFILE_DIR_ENV] = before
    }
  })

  it("writes local profiles under the profile directory by default", async () => {
    const dir = await tempDir()
    const profiler = track(
      createHttpProfiler({ sessionOptions: { forceLocal: true }, profileDir: dir, datasetId: "files" }),
    )
    await profiler.ready
    expect(profiler.profileDir).toBe(dir)
    profiler.record(exchange("/f"))
    await profiler.close()
    const files = await readdir(join(dir, "files"))
    expect(files).toHaveLength(1)
    const view = await DatasetProfileView.read(join(dir, "files", files[0]!))
    expect(view.getColumn("http.route")?.counts?.n).toBe(1)
  })

  it("closes a session it opened only when the last profiler using it closes", async () => {
    expect(getCurrentSession()).toBeUndefined()
    const first = track(
      createHttpProfiler({ sessionOptions: { forceLocal: true }, logger: { writers: [new MemoryWriter()] } }),
    )
    await first.ready
    const second = track(
      createHttpProfiler({ logger: { writers: [new MemoryWriter()] }, datasetId: "other" }),
    )
    await second.ready
    expect(second.session).toBe(first.session)
    await first.close()
    expect(first.session!.closed).toBe(false)
    await second.close()
    expect(first.session!.closed).toBe(true)
  })

  it("never closes a session the application gave", async () => {
    const session = await init({ forceLocal: true })
    const profiler = track(createHttpProfiler({ session, logger: { writers: [new MemoryWriter()] } }))
    await profiler.ready
    await profiler.close()
    expect(session.closed).toBe(false)
    await session.close()
  })
})

describe("uploading sessions", () => {
  it("uploads one segmented profile per route and method through a whylabs session", async () => {
    const dir = await tempDir()
    const session = await init({
      reinit: true,
      apiKey: fixture.platform.apiKey,
      apiEndpoint: fixture.platform.url,
    })
    const profiler = track(createHttpProfiler({ session, datasetId: "model-7", profileDir: dir }))
    await profiler.ready
    expect(profiler.profileDir).toBeUndefined()
    for (let i = 0; i < 6; i++) profiler.record(exchange(i < 4 ? "/predict" : "/explain", { method: "POST" }))
    await profiler.close()
    const uploads = fixture.platform.profiles({ datasetId: "model-7" })
    expect(uploads.map((u) => u.segmentTags.map((t) => `${t.key}=${t.value}`).join("&")).sort()).toEqual([
      "whylogs.tag.http.route=/explain&whylogs.tag.http.method=POST",
      "whylogs.tag.http.route=/predict&whylogs.tag.http.method=POST",
    ])
    const rows = uploads.map(
      (u) => DatasetProfileView.deserialize(u.bytes).getColumn("http.status")?.counts?.n,
    )
    expect(rows.sort()).toEqual([2, 4])
    await session.close()
  })

  it("profiles unsegmented in an anonymous session (guest sessions take no segments), saying so once", async () => {
    const dir = await tempDir()
    const session = await init({ reinit: true, kind: "anonymous", apiEndpoint: fixture.platform.url })
    const errors: Array<string> = []
    const profiler = track(
      createHttpProfiler({
        session,
        datasetId: "guest",
        profileDir: dir,
        segmentOn: ["route"],
        onError: (e) => errors.push(e.reason),
      }),
    )
    await profiler.ready
    expect((await profiler.status()).segmentOn).toEqual([])
    for (let i = 0; i < 3; i++) profiler.record(exchange(`/r${i}`))
    await profiler.close()
    expect(errors).toEqual(["anonymous sessions take no segmented profiles; segmentOn is ignored"])
    const uploads = fixture.platform.profiles()
    expect(uploads).toHaveLength(1)
    expect(DatasetProfileView.deserialize(uploads[0]!.bytes).getColumn("http.route")?.counts?.n).toBe(3)
    await session.close()
  })
})
