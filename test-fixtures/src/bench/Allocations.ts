import { spawn } from "node:child_process"
import { setTimeout as sleep } from "node:timers/promises"
import autocannon from "autocannon"
import type { BenchRequest } from "./Saturation.js"

/** Bytes a server variant allocated per request, from V8's own garbage-collection trace. */
export interface AllocationCount {
  readonly variant: string
  readonly route: string
  readonly requests: number
  /** Collections during the measured requests. */
  readonly collections: number
  /** Bytes allocated (the `allocated=` of `--trace-gc-nvp`, summed) ÷ requests. */
  readonly bytesPerRequest: number
}

/** How `countAllocations` loads a server (the `BenchServer` protocol: `<script> server <variant> …args`). */
export interface AllocationRun {
  readonly script: string
  readonly variant: string
  readonly args: ReadonlyArray<string>
  readonly routes: Readonly<Record<string, BenchRequest>>
  readonly warmup: number
  readonly requests: number
  readonly connections: number
}

const load = (origin: string, request: BenchRequest, amount: number, connections: number) =>
  autocannon({
    url: origin + request.path,
    method: request.method,
    connections,
    amount,
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(request.headers === undefined ? {} : { headers: { ...request.headers } }),
  })

/**
 * Runs a server with `--trace-gc-nvp` and, per route, sums the bytes V8 reports allocated between the
 * collections of `requests` requests (after `warmup`), divided by the requests. Like instruction counts,
 * a figure other load on the machine does not move.
 */
export const countAllocations = async (run: AllocationRun): Promise<Array<AllocationCount>> => {
  const child = spawn(
    process.execPath,
    ["--trace-gc-nvp", ...process.execArgv, run.script, "server", run.variant, ...run.args],
    { stdio: ["ignore", "pipe", "inherit", "ipc"] },
  )
  let out = ""
  child.stdout!.on("data", (chunk: Buffer) => {
    out += chunk.toString()
  })
  try {
    const origin = await new Promise<string>((resolve, reject) => {
      const wait = setInterval(() => {
        const match = /ready (\d+)/.exec(out)
        if (match === null) return
        clearInterval(wait)
        resolve(`http://127.0.0.1:${match[1]}`)
      }, 50)
      child.once("exit", (code) => {
        clearInterval(wait)
        reject(new Error(`${run.variant} server exited with ${code}`))
      })
    })
    // Every route warms up before any is measured: the first requests of a process allocate for
    // compilation and start-up, whichever route they take.
    for (const route of Object.values(run.routes)) await load(origin, route, run.warmup, run.connections)
    const counts: Array<AllocationCount> = []
    for (const [name, route] of Object.entries(run.routes)) {
      await load(origin, route, Math.ceil(run.warmup / 5), run.connections)
      await sleep(500)
      const mark = out.length
      const result = await load(origin, route, run.requests, run.connections)
      await sleep(500) // the profiler's batch of the last requests is mapped
      let bytes = 0
      let collections = 0
      for (const match of out.slice(mark).matchAll(/allocated=(\d+)/g)) {
        bytes += Number(match[1])
        collections++
      }
      counts.push({
        variant: run.variant,
        route: name,
        requests: result.requests.total,
        collections,
        bytesPerRequest: bytes / Math.max(1, result.requests.total),
      })
    }
    return counts
  } finally {
    child.kill("SIGKILL")
  }
}
