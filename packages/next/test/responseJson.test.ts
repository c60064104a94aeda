import { NextResponse } from "next/server.js"
import { afterAll, describe, expect, it } from "vitest"
import { processState } from "../src/internal/processState.js"
import { type WithSketchlogOptions, withSketchlog } from "../src/withSketchlog.js"
import { ProfileCollector } from "./support/ProfileCollector.js"

const collectors: Array<ProfileCollector> = []
afterAll(async () => {
  await Promise.all(collectors.map((c) => c.close()))
})

/** A profiler for one test; `settle` runs the after() tasks and writes the profiles. */
const setup = (extra: Omit<WithSketchlogOptions, "profiler" | "after"> = {}) => {
  const profiles = new ProfileCollector()
  collectors.push(profiles)
  const tasks: Array<() => Promise<unknown>> = []
  const options: WithSketchlogOptions = {
    ...extra,
    profiler: profiles.options,
    after: (task) => void tasks.push(task),
  }
  const settle = async () => {
    // A request that came while core was still loading hands its task over once core has loaded.
    await Promise.all(processState().pending)
    await Promise.all(tasks.splice(0).map((task) => task()))
    await profiles.flush()
  }
  return { profiles, options, settle }
}

describe("withSketchlog: bodies made by Response.json", () => {
  it("profiles the value given to Response.json, not a parsed copy (no clone), and the client gets the body whole", async () => {
    const { profiles, options, settle } = setup()
    // NaN becomes null in the JSON text: a clone would profile a null, the value given is a NaN.
    const handler = withSketchlog(() => Response.json({ score: Number.NaN, label: "approve" }), options)
    const response = await handler(new Request("http://localhost/api/score", { method: "POST" }), {})
    expect(await response.text()).toBe('{"score":null,"label":"approve"}')
    await settle()
    const segment = "POST /api/score"
    expect(profiles.column(segment, "response.body.score")["counts/nan"]).toBe(1)
    expect(profiles.value(segment, "response.body.label")).toBe("approve")
    // The size is the JSON text's, as Response.json wrote it.
    expect(profiles.column(segment, "http.response.size")["distribution/max"]).toBe(32)
  })

  it("sees NextResponse.json too (it hands Response.json's body stream on)", async () => {
    const { profiles, options, settle } = setup()
    const handler = withSketchlog(() => NextResponse.json({ model: "credit-v3", ok: true }), options)
    const response = await handler(new Request("http://localhost/api/models"), {})
    expect(await response.json()).toEqual({ model: "credit-v3", ok: true })
    await settle()
    expect(profiles.value("GET /api/models", "response.body.model")).toBe("credit-v3")
  })

  it("counts a value over maxResponseBodyBytes by size only, and reads other JSON responses from a clone", async () => {
    const { profiles, options, settle } = setup({ maxResponseBodyBytes: 20 })
    const big = withSketchlog(() => Response.json({ text: "x".repeat(50) }), { ...options, route: "/big" })
    const manual = withSketchlog(
      () =>
        new Response(JSON.stringify({ n: 1 }), {
          headers: { "content-type": "application/json", "content-length": "7" },
        }),
      { ...options, route: "/manual" },
    )
    await (await big(new Request("http://localhost/big"), {})).text()
    const response = await manual(new Request("http://localhost/manual"), {})
    expect(await response.json()).toEqual({ n: 1 })
    await settle()
    expect(() => profiles.column("GET /big", "response.body.text")).toThrow()
    expect(profiles.column("GET /big", "http.response.size")["distribution/max"]).toBe(61)
    expect(profiles.column("GET /manual", "response.body.n")["distribution/max"]).toBe(1)
  })
})
