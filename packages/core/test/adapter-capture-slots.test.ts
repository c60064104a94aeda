import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { afterEach, describe, expect, it } from "vitest"
import { createHttpProfiler, type HttpProfiler, NodeCaptureSlots } from "../src/adapter.js"
import type { HttpExchange } from "../src/http/index.js"
import { getCurrentSession } from "../src/session/index.js"
import { MemoryWriter } from "../src/writers/MemoryWriter.js"

/** The smallest adapter: a plain Node server whose requests are captured into slots. */
class PlainCaptures extends NodeCaptureSlots {
  readonly #profilers: Array<HttpProfiler | undefined> = []
  readonly #routes: Array<string | undefined> = []

  start(req: IncomingMessage, res: ServerResponse, profiler: HttpProfiler, route: string): void {
    const slot = this.open(req, res)
    this.#profilers[slot] = profiler
    this.#routes[slot] = route
    res.on("close", function (this: ServerResponse) {
      captures.finish(captures.slotOf(this.req))
    })
  }
  protected opened(slot: number): void {
    this.cleared(slot)
  }
  protected cleared(slot: number): void {
    this.#profilers[slot] = undefined
    this.#routes[slot] = undefined
  }
  protected onFinish(slot: number): void {
    this.#profilers[slot]!.recordSlot(this, slot)
  }
  protected route(slot: number): string | undefined {
    return this.#routes[slot]
  }
}
const captures = new PlainCaptures()

const profilers: Array<HttpProfiler> = []
afterEach(async () => {
  await Promise.all(profilers.splice(0).map((p) => p.close()))
  await getCurrentSession()?.close()
})

const serve = async (profiler: HttpProfiler) => {
  const server = createServer((req, res) => {
    if (profiler.admit()) captures.start(req, res, profiler, req.url === "/a" ? "/a" : "/b")
    res.setHeader("content-type", "application/json")
    res.end(JSON.stringify({ ok: true }))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as AddressInfo).port
  const get = async (path: string) => (await fetch(`http://127.0.0.1:${port}${path}`)).status
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()))
  return { get, close }
}

describe("capture slots", () => {
  it("records every request by slot, builds each exchange when it is mapped, and frees every slot", async () => {
    const writer = new MemoryWriter()
    const profiler = createHttpProfiler({
      sessionOptions: { forceLocal: true },
      datasetId: "slots",
      logger: { writers: [writer] },
    })
    profilers.push(profiler)
    await profiler.ready
    const server = await serve(profiler)
    const statuses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => server.get(i % 4 === 0 ? "/a" : "/b")),
    )
    expect(statuses.every((s) => s === 200)).toBe(true)
    await server.close()
    expect(captures.inUse).toBeGreaterThan(0) // waiting in the batch, held
    await profiler.flush()
    expect(captures.inUse).toBe(0)
    await profiler.close()
    const rows = (route: string) =>
      writer.writes
        .filter((w) => w.segment?.values[0] === route)
        .reduce((n, w) => n + (w.view.getColumn("http.status")?.counts?.n ?? 0), 0)
    expect([rows("/a"), rows("/b")]).toEqual([10, 30])
    expect((await profiler.status()).exchanges).toMatchObject({
      recorded: 40,
      profiled: 40,
      waiting: 0,
      dropped: {},
    })
  })

  it("hands an ignore callback exchanges of its own to keep (the reused exchange is only for mapping without callbacks)", async () => {
    const kept: Array<HttpExchange> = []
    const profiler = createHttpProfiler({
      sessionOptions: { forceLocal: true },
      logger: { writers: [new MemoryWriter()] },
      ignore: (exchange) => {
        kept.push(exchange)
        return false
      },
    })
    profilers.push(profiler)
    await profiler.ready
    const server = await serve(profiler)
    await Promise.all(Array.from({ length: 12 }, (_, i) => server.get(i % 4 === 0 ? "/a" : "/b")))
    await server.close()
    await profiler.close()
    expect(new Set(kept).size).toBe(12)
    expect(kept.filter((x) => x.route === "/a")).toHaveLength(3)
    expect(kept.every((x) => x.request?.headers !== undefined)).toBe(true)
  })

  it("frees the slot of an exchange the profiler drops, and counts it", async () => {
    const profiler = createHttpProfiler({
      sessionOptions: { forceLocal: true },
      logger: { writers: [new MemoryWriter()] },
    })
    profilers.push(profiler)
    await profiler.ready
    const server = await serve(profiler)
    expect(await server.get("/a")).toBe(200)
    await profiler.close()
    expect(await server.get("/a")).toBe(200)
    await server.close()
    expect(captures.inUse).toBe(0)
    expect((await profiler.status()).exchanges).toMatchObject({
      recorded: 2,
      profiled: 1,
      dropped: { closed: 1 },
    })
  })
})
