import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { holdSharedHttpProfiler, sharedHttpProfiler } from "../src/adapter.js"
import { MemoryWriter } from "../src/writers/MemoryWriter.js"

const dirs: Array<string> = []
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))))

const exchange = { method: "GET", route: "/a", status: 200, durationMs: 1 }

describe("holds on a shared profiler", () => {
  it("keep it open until the last hold is released; that release writes everything", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sketchlog-holds-"))
    dirs.push(dir)
    const writer = new MemoryWriter()
    const options = {
      profileDir: dir,
      sessionOptions: { forceLocal: true },
      logger: { writers: [writer], writeSchedule: null },
    }
    const first = holdSharedHttpProfiler(options)
    const second = holdSharedHttpProfiler(options)
    expect(second.profiler).toBe(first.profiler)
    expect(sharedHttpProfiler(options)).toBe(first.profiler)
    await first.profiler.ready
    first.profiler.record(exchange)
    // One application shuts down: the other still profiles.
    await first.release()
    await first.release() // idempotent: does not take the other's hold
    expect(first.profiler.state).toBe("running")
    second.profiler.record(exchange)
    await second.profiler.flush()
    expect(writer.writes.reduce((n, w) => n + (w.view.getColumn("http.status")?.counts?.n ?? 0), 0)).toBe(2)
    // The last one closes it, and a new hold then gets a fresh profiler.
    await second.release()
    expect(second.profiler.state).toBe("closed")
    const third = holdSharedHttpProfiler(options)
    expect(third.profiler).not.toBe(first.profiler)
    await third.release()
    expect(third.profiler.state).toBe("closed")
  })
})
