import { afterAll, describe, expect, it } from "vitest"
import { loadedNodePart } from "../src/internal/loadNodePart.js"
import { processState } from "../src/internal/processState.js"
import { withSketchlog } from "../src/withSketchlog.js"
import { ProfileCollector } from "./support/ProfileCollector.js"

// Its own file, so this module graph starts with core not yet loaded by the wrapper (a server's
// first requests): the wrapper must answer at once and profile once core has loaded.
const profiles = new ProfileCollector()
afterAll(() => profiles.close())

describe("withSketchlog: a request that comes while core is still loading", () => {
  it("gets its response without waiting for core, and is profiled once core has loaded", async () => {
    const tasks: Array<() => Promise<unknown>> = []
    const handler = withSketchlog(
      async (request: Request) => {
        const body = (await request.json()) as { x: number }
        return Response.json({ doubled: body.x * 2 })
      },
      { profiler: profiles.options, after: (task) => void tasks.push(task), route: "/api/double" },
    )
    expect(loadedNodePart()).toBeUndefined()
    const response = await handler(
      new Request("http://localhost/api/double", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ x: 21 }),
      }),
      {},
    )
    // Answered while the profiling still waits for core: nothing has been handed to after() yet.
    expect(tasks).toHaveLength(0)
    expect(processState().pending.size).toBeGreaterThan(0)
    expect(await response.json()).toEqual({ doubled: 42 })

    await Promise.all(processState().pending)
    expect(tasks).toHaveLength(1)
    await Promise.all(tasks.splice(0).map((task) => task()))
    await profiles.flush()
    expect(profiles.value("POST /api/double", "request.body.x")).toBe("21")
    expect(profiles.value("POST /api/double", "response.body.doubled")).toBe("42")
  })
})
