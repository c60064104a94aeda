import { sharedHttpProfiler } from "@sketchlog/core/adapter"
import { notFound, redirect } from "next/navigation.js"
import { afterAll, describe, expect, it, vi } from "vitest"
import { processState } from "../src/internal/processState.js"
import { EDGE_NOTICE } from "../src/internal/runtime.js"
import { sketchlogStatus } from "../src/status.js"
import { type WithSketchlogOptions, withSketchlog } from "../src/withSketchlog.js"
import { withSketchlogApi } from "../src/withSketchlogApi.js"
import { ProfileCollector } from "./support/ProfileCollector.js"

/**
 * An `after()` that keeps the tasks it is given, as Next.js does until the response has been sent;
 * `run()` then runs them, as Next.js does after the response.
 */
class AfterQueue {
  readonly tasks: Array<() => Promise<unknown>> = []
  readonly after = (task: () => Promise<unknown>) => void this.tasks.push(task)
  async run(): Promise<void> {
    // A request that came while core was still loading hands its task over once core has loaded.
    await Promise.all(processState().pending)
    const tasks = this.tasks.splice(0)
    await Promise.all(tasks.map((task) => task()))
  }
}

const collectors: Array<ProfileCollector> = []

/** A profiler for one test, and the wrapper options that profile into it after an `AfterQueue`. */
const setup = (extra: Omit<WithSketchlogOptions, "profiler" | "after"> = {}) => {
  const profiles = new ProfileCollector()
  collectors.push(profiles)
  const queue = new AfterQueue()
  const options: WithSketchlogOptions = { ...extra, profiler: profiles.options, after: queue.after }
  /** Runs the after() tasks and writes the profiles. */
  const settle = async () => {
    await queue.run()
    await profiles.flush()
  }
  return { profiles, queue, options, settle }
}

afterAll(async () => {
  await Promise.all(collectors.map((c) => c.close()))
})

/** A JSON request as Next.js hands it over from the network: with its content-length. */
const jsonRequest = (url: string, body: unknown, method = "POST") => {
  const text = JSON.stringify(body)
  const headers = { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) }
  return new Request(url, { method, headers, body: text })
}

/** What a call ended with: the response, or what it threw (handlers may answer synchronously). */
const outcome = async (call: () => Response | Promise<Response>): Promise<unknown> => {
  try {
    return await call()
  } catch (thrown) {
    return thrown
  }
}

/** A Next.js 15+ route context: `params` is a promise. */
const contextOf = <P extends Record<string, string | Array<string>>>(params: P) => ({
  params: Promise.resolve(params),
})

describe("withSketchlog: what is profiled", () => {
  it("profiles method, derived route, status and the JSON bodies the handler parsed and answered", async () => {
    const { profiles, options, settle } = setup()
    const handler = withSketchlog(async (request: Request) => {
      const input = (await request.json()) as { age: number; purpose: string }
      return Response.json({ prediction: input.age > 30 ? "approve" : "review", probability: 0.87 })
    }, options)

    const response = await handler(
      jsonRequest("http://localhost/api/score?debug=1", { age: 41, purpose: "car" }),
      {},
    )
    expect(await response.json()).toEqual({ prediction: "approve", probability: 0.87 })
    await settle()

    expect(profiles.segments()).toEqual(["POST /api/score"])
    const segment = "POST /api/score"
    expect(profiles.value(segment, "http.route")).toBe("/api/score")
    expect(profiles.value(segment, "http.status")).toBe("200")
    expect(profiles.value(segment, "request.body.purpose")).toBe("car")
    expect(profiles.column(segment, "request.body.age")["distribution/max"]).toBe(41)
    expect(profiles.value(segment, "response.body.prediction")).toBe("approve")
    expect(profiles.column(segment, "response.body.probability")["distribution/mean"]).toBeCloseTo(0.87)
    expect(profiles.value(segment, "http.query.keys")).toBe("debug")
  })

  it("derives dynamic templates from the params promise, and a given template wins", async () => {
    const { profiles, options, settle } = setup()
    const byId = withSketchlog(
      async (_request: Request, ctx: { params: Promise<{ id: string }> }) =>
        Response.json({ id: (await ctx.params).id }),
      options,
    )
    const catchAll = withSketchlog(() => new Response(null, { status: 204 }), options)
    const given = withSketchlog(() => Response.json({ ok: true }), {
      ...options,
      route: "/api/models/[id]/score",
    })

    for (const id of ["credit-v3", "credit-v4-shadow", "a b/c", "models"]) {
      const response = await byId(
        new Request(`http://localhost/api/models/${encodeURIComponent(id)}`),
        contextOf({ id }),
      )
      expect(await response.json()).toEqual({ id })
    }
    await catchAll(
      new Request("http://localhost/docs/guides/setup/next"),
      contextOf({ slug: ["guides", "setup", "next"] }),
    )
    await given(
      new Request("http://localhost/api/models/credit-v3/score", { method: "POST" }),
      contextOf({ id: "x" }),
    )
    await settle()

    expect(profiles.segments()).toEqual([
      "GET /api/models/[id]",
      "GET /docs/[...slug]",
      "POST /api/models/[id]/score",
    ])
    expect(profiles.count("GET /api/models/[id]")).toBe(4)
  })

  it("reads a request body the handler left unread, after the response", async () => {
    const { profiles, options, settle } = setup()
    const handler = withSketchlog(() => Response.json({ accepted: true }, { status: 202 }), options)
    const request = jsonRequest("http://localhost/api/events", { kind: "click", count: 3 })
    await handler(request, {})
    expect(request.bodyUsed).toBe(false)
    await settle()
    expect(profiles.value("POST /api/events", "request.body.kind")).toBe("click")
  })

  it("counts a body the handler read as text by size only", async () => {
    const { profiles, options, settle } = setup()
    const handler = withSketchlog(
      async (request: Request) => new Response((await request.text()).toUpperCase()),
      options,
    )
    const response = await handler(jsonRequest("http://localhost/api/echo", { secretish: "x" }), {})
    expect(await response.text()).toBe('{"SECRETISH":"X"}')
    await settle()
    const view = profiles.view("POST /api/echo")
    expect(view.columnNames.filter((c) => c.startsWith("request.body."))).toEqual([])
    expect(profiles.column("POST /api/echo", "http.request.size")["distribution/max"]).toBe(
      '{"secretish":"x"}'.length,
    )
  })

  it("profiles nothing of a request the sampling lot refuses, and leaves its json() alone", async () => {
    const { profiles, options, settle } = setup()
    const unsampled = { ...options, profiler: { ...profiles.options, sampleRate: 0 } }
    const handler = withSketchlog(async (request: Request) => Response.json(await request.json()), unsampled)
    const prototypeJson = Request.prototype.json
    // The first call may be a cold start (core loading): the lot is then drawn once core has loaded.
    for (let i = 0; i < 3; i++) {
      const request = jsonRequest("http://localhost/api/sampled", { i })
      const response = await handler(request, {})
      expect(await response.json()).toEqual({ i })
      if (i > 0) expect(request.json).toBe(prototypeJson)
    }
    await settle()
    const status = await sharedHttpProfiler(unsampled.profiler).status()
    expect(status.exchanges.sampledOut).toBe(3)
    expect(status.exchanges.recorded).toBe(0)
  })
})

describe("withSketchlog: a route with invalid profiler options", () => {
  it("serves the route unprofiled and says why once", async () => {
    const printed = vi.spyOn(console, "error").mockImplementation(() => undefined)
    try {
      const handler = withSketchlog(async (request: Request) => Response.json(await request.json()), {
        profiler: { sampleRate: -1 },
      })
      for (let i = 0; i < 3; i++) {
        const response = await handler(jsonRequest("http://localhost/api/misconfigured", { i }), {})
        expect(await response.json()).toEqual({ i })
      }
      const lines = printed.mock.calls.map(([line]) => String(line))
      expect(lines).toEqual([expect.stringMatching(/^sketchlog: .*invalid.*sampleRate: /)])
    } finally {
      printed.mockRestore()
    }
  })
})

describe("withSketchlog: the response goes out untouched", () => {
  it("returns the handler's own Response; a small JSON body is read from a clone, the client still reads it", async () => {
    const { profiles, options, settle } = setup()
    const original = Response.json({ model: "credit-v3", scores: [0.1, 0.2] })
    const handler = withSketchlog(() => original, options)
    const returned = await handler(new Request("http://localhost/api/models"), {})
    expect(returned).toBe(original)
    expect(returned.bodyUsed).toBe(false)
    expect(await returned.json()).toEqual({ model: "credit-v3", scores: [0.1, 0.2] })
    await settle()
    expect(profiles.value("GET /api/models", "response.body.model")).toBe("credit-v3")
  })

  it("does not clone a body that is not JSON: the very same stream goes out", async () => {
    const { profiles, options, settle } = setup()
    const original = new Response("plain words", { headers: { "content-type": "text/plain" } })
    const stream = original.body
    const handler = withSketchlog(() => original, options)
    const returned = await handler(new Request("http://localhost/api/text"), {})
    await settle()
    expect(returned).toBe(original)
    expect(returned.body).toBe(stream)
    expect(await returned.text()).toBe("plain words")
    expect(profiles.value("GET /api/text", "http.response.content_type")).toBe("text/plain")
  })

  it("leaves a JSON body larger than the limit unread (counted by size only)", async () => {
    const { profiles, options, settle } = setup({ maxResponseBodyBytes: 64 })
    const big = { rows: Array.from({ length: 50 }, (_, i) => ({ i, label: `row-${i}` })) }
    const handler = withSketchlog(() => Response.json(big), options)
    const returned = await handler(new Request("http://localhost/api/big"), {})
    await settle()
    expect(await returned.json()).toEqual(big)
    expect(profiles.view("GET /api/big").columnNames.filter((c) => c.startsWith("response.body."))).toEqual(
      [],
    )
  })

  it("with maxResponseBodyBytes 0, does not even clone a JSON body", async () => {
    const { profiles, options, settle } = setup({ maxResponseBodyBytes: 0 })
    const original = Response.json({ prediction: "approve" })
    const stream = original.body
    const handler = withSketchlog(() => original, options)
    const returned = await handler(new Request("http://localhost/api/unread"), {})
    await settle()
    expect(returned.body).toBe(stream)
    expect(await returned.json()).toEqual({ prediction: "approve" })
    expect(profiles.count("GET /api/unread")).toBe(1)
    expect(
      profiles.view("GET /api/unread").columnNames.filter((c) => c.startsWith("response.body.")),
    ).toEqual([])
  })

  it("never reads a streamed response: it arrives whole, in order, pulled only by its reader", async () => {
    const { profiles, options, settle } = setup()
    const lines = Array.from({ length: 20 }, (_, i) => `{"i":${i},"prediction":"approve"}\n`)
    let pulled = 0
    const encoder = new TextEncoder()
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (pulled === lines.length) controller.close()
          else controller.enqueue(encoder.encode(lines[pulled++]))
        },
      },
      { highWaterMark: 0 },
    )
    const original = new Response(stream, { headers: { "content-type": "application/x-ndjson" } })
    const handler = withSketchlog(() => original, options)
    const returned = await handler(new Request("http://localhost/api/score/stream", { method: "POST" }), {})
    await settle()

    // Profiling is done, and not one chunk has been pulled: nobody but the client reads the stream.
    expect(pulled).toBe(0)
    expect(returned).toBe(original)
    expect(returned.body).toBe(stream)
    expect(returned.bodyUsed).toBe(false)
    expect(await returned.text()).toBe(lines.join(""))
    expect(pulled).toBe(lines.length)
    expect(profiles.count("POST /api/score/stream")).toBe(1)
    expect(
      profiles.view("POST /api/score/stream").columnNames.filter((c) => c.startsWith("response.body.")),
    ).toEqual([])
  })

  it("a JSON-typed stream past the limit still reaches the client whole", async () => {
    const { options, settle } = setup({ maxResponseBodyBytes: 100 })
    const chunks = Array.from({ length: 30 }, (_, i) => `${i === 0 ? "[" : ","}{"n":${i}}`).concat("]")
    const encoder = new TextEncoder()
    let next = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (next === chunks.length) controller.close()
        else controller.enqueue(encoder.encode(chunks[next++]))
      },
    })
    const handler = withSketchlog(
      () => new Response(stream, { headers: { "content-type": "application/json" } }),
      options,
    )
    const returned = await handler(new Request("http://localhost/api/json-stream"), {})
    await settle()
    expect(await returned.json()).toEqual(Array.from({ length: 30 }, (_, n) => ({ n })))
  })
})

describe("withSketchlog: errors", () => {
  it("records a thrown error with status 500 and its class, and rethrows the very same object", async () => {
    const { profiles, options, settle } = setup()
    const boom = new TypeError("model weights missing")
    const handler = withSketchlog(() => {
      throw boom
    }, options)
    const caught = await outcome(() =>
      handler(new Request("http://localhost/api/score", { method: "POST" }), {}),
    )
    expect(caught).toBe(boom)
    await settle()
    expect(profiles.value("POST /api/score", "http.status")).toBe("500")
    expect(profiles.value("POST /api/score", "http.error")).toBe("TypeError")
  })

  it("rethrows what is not an Error unchanged too (a rejected promise, undefined)", async () => {
    const { profiles, options, settle } = setup()
    const rejecting = withSketchlog(() => Promise.reject("plain text"), options)
    await expect(rejecting(new Request("http://localhost/api/a"), {})).rejects.toBe("plain text")
    const throwingUndefined = withSketchlog(() => {
      throw undefined
    }, options)
    await expect(throwingUndefined(new Request("http://localhost/api/b"), {})).rejects.toBeUndefined()
    await settle()
    expect(profiles.value("GET /api/a", "http.status")).toBe("500")
    expect(profiles.value("GET /api/b", "http.status")).toBe("500")
  })

  it("profiles Next.js's redirect() and notFound() as the answers they are, not as errors", async () => {
    const { profiles, options, settle } = setup()
    const moved = withSketchlog(() => redirect("/api/models/credit-v3"), options)
    const missing = withSketchlog(() => notFound(), options)
    const thrownByRedirect = await outcome(() => moved(new Request("http://localhost/api/latest"), {}))
    const thrownByNotFound = await outcome(() => missing(new Request("http://localhost/api/gone"), {}))
    expect(thrownByRedirect).toMatchObject({ digest: expect.stringMatching(/^NEXT_REDIRECT;/) })
    expect(thrownByNotFound).toMatchObject({ digest: expect.stringMatching(/^NEXT_HTTP_ERROR_FALLBACK;404/) })
    await settle()
    expect(profiles.value("GET /api/latest", "http.status")).toBe("307")
    expect(profiles.value("GET /api/gone", "http.status")).toBe("404")
    expect(profiles.column("GET /api/latest", "http.error")["counts/null"]).toBe(1)
  })
})

describe("withSketchlog: scheduling after the response", () => {
  it("hands its work to after(): nothing is recorded until Next.js runs the task", async () => {
    const { profiles, queue, options } = setup()
    const handler = withSketchlog(() => Response.json({ ok: true }), options)
    await handler(new Request("http://localhost/api/warm"), {})
    await queue.run()
    const before = processState().scheduled.after
    const recordedBefore = (await profiles.profiler.status()).exchanges.recorded

    await handler(new Request("http://localhost/api/warm"), {})
    expect(queue.tasks).toHaveLength(1)
    await new Promise((r) => setTimeout(r, 20))
    expect((await profiles.profiler.status()).exchanges.recorded).toBe(recordedBefore)
    await queue.run()
    expect((await profiles.profiler.status()).exchanges.recorded).toBe(recordedBefore + 1)
    expect(processState().scheduled.after).toBe(before + 1)
  })

  it("falls back to starting the work at once where Next.js's after() refuses (no request scope)", async () => {
    const profiles = new ProfileCollector()
    collectors.push(profiles)
    // No `after` option: the wrapper uses the real `after` from next/server.js, which throws outside
    // a Next.js request; the work then starts at once, unawaited.
    const handler = withSketchlog(() => Response.json({ ok: true }), { profiler: profiles.options })
    const fallbacks = processState().scheduled.fallback
    for (let i = 0; i < 3; i++) await handler(new Request("http://localhost/api/plain"), {})
    expect(processState().scheduled.fallback).toBe(fallbacks + 3)
    await vi.waitUntil(() => processState().pending.size === 0)
    await profiles.flush()
    expect(profiles.count("GET /api/plain")).toBe(3)
    expect((await sketchlogStatus()).scheduled.fallback).toBe(fallbacks + 3)
  })
})

describe("withSketchlog and withSketchlogApi on the edge runtime", () => {
  it("return the handler itself and explain once why nothing is profiled", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined)
    const previous = process.env.NEXT_RUNTIME
    process.env.NEXT_RUNTIME = "edge"
    try {
      const handler = () => Response.json({ ok: true })
      const apiRoute = () => undefined
      expect(withSketchlog(handler)).toBe(handler)
      expect(withSketchlog(handler)).toBe(handler)
      expect(withSketchlogApi(apiRoute)).toBe(apiRoute)
      // One line, once per process, however many routes are wrapped.
      expect(warn.mock.calls).toEqual([[EDGE_NOTICE]])
      expect(EDGE_NOTICE).not.toContain("\n")
    } finally {
      if (previous === undefined) delete process.env.NEXT_RUNTIME
      else process.env.NEXT_RUNTIME = previous
      warn.mockRestore()
    }
  })
})
