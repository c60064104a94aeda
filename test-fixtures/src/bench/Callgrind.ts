import { type ChildProcess, execFile, spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { Agent, request } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"
import type { BenchRequest } from "./Saturation.js"

/** One server variant's instruction count per request, from two intervals of one process. */
export interface CallgrindCount {
  readonly variant: string
  readonly route: string
  /** Instructions (Ir, every thread of the process) per request: (long − short) ÷ (requests difference). */
  readonly perRequest: number
  readonly shortRequests: number
  readonly longRequests: number
  readonly shortIr: number
  readonly longIr: number
}

/** How `countInstructions` loads a server. */
export interface CallgrindRun {
  /** The bench script, run as `<script> server <variant> …args` (the `BenchServer` protocol). */
  readonly script: string
  readonly variant: string
  readonly args: ReadonlyArray<string>
  readonly routes: Readonly<Record<string, BenchRequest>>
  /** Requests before counting (JIT warm-up), then in the short and the long interval, per route. */
  readonly warmup: number
  readonly short: number
  readonly long: number
  /** Requests in flight at once (a keep-alive pool). */
  readonly connections: number
}

const callgrindControl = (pid: number, flag: "-z" | "-d"): Promise<void> =>
  new Promise((resolve, reject) =>
    execFile("callgrind_control", [flag, String(pid)], { timeout: 120_000 }, (error) =>
      error === null ? resolve() : reject(error),
    ),
  )

/** Sends `count` requests, `connections` at a time; rejects on a non-2xx answer. */
const drive = async (url: string, route: BenchRequest, count: number, connections: number): Promise<void> => {
  const target = new URL(url + route.path)
  const agent = new Agent({ keepAlive: true, maxSockets: connections })
  const body = route.body
  const headers =
    body === undefined ? {} : { ...route.headers, "content-length": String(Buffer.byteLength(body)) }
  let next = 0
  // A keep-alive socket the slowed-down server closes as the client reuses it resets: sent again.
  const one = async (): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await send()
      } catch (error) {
        const code = (error as { code?: unknown }).code
        if (attempt >= 3 || (code !== "ECONNRESET" && code !== "EPIPE")) throw error
      }
    }
  }
  const send = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: route.method,
          headers,
        },
        (res) => {
          res.resume()
          res.on("end", () =>
            res.statusCode !== undefined && res.statusCode < 300
              ? resolve()
              : reject(new Error(`${route.method} ${route.path} answered ${res.statusCode}`)),
          )
        },
      )
      req.on("error", reject)
      req.end(body)
    })
  const lane = async () => {
    while (next < count) {
      next++
      await one()
    }
  }
  await Promise.all(Array.from({ length: connections }, lane))
  agent.destroy()
}

/** The `summary:` line of a callgrind dump (instructions since the last zero or dump). */
const dumpedIr = (file: string): number => {
  const match = /^summary: (\d+)/m.exec(readFileSync(file, "utf8"))
  if (match === null) throw new Error(`no summary in ${file}`)
  return Number(match[1])
}

const waitForFile = async (file: string): Promise<void> => {
  for (let i = 0; i < 600 && !existsSync(file); i++) await sleep(100)
}

/**
 * Counts the instructions a server spends per request under `valgrind --tool=callgrind`: one process
 * per variant, warmed up, then for each route the counters are zeroed, `short` requests sent and
 * dumped, `long` requests sent and dumped; the difference divided by `long − short` leaves out what
 * does not grow with requests (timers, the idle loop, `callgrind_control` itself). Instruction counts
 * do not depend on other load on the machine, which wall-clock figures on a shared machine do.
 * Each interval ends with a pause, so work handed to a later turn (a profiler's batch) is counted.
 */
export const countInstructions = async (run: CallgrindRun): Promise<Array<CallgrindCount>> => {
  const dir = mkdtempSync(join(tmpdir(), "sketchlog-callgrind-"))
  const out = join(dir, "callgrind.out")
  const child: ChildProcess = spawn(
    "valgrind",
    [
      "--tool=callgrind",
      `--callgrind-out-file=${out}`,
      "--dump-instr=no",
      "--dump-line=no",
      process.execPath,
      ...process.execArgv,
      run.script,
      "server",
      run.variant,
      ...run.args,
    ],
    { stdio: ["ignore", "pipe", "ignore", "ipc"] },
  )
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let text = ""
      child.stdout!.on("data", (chunk: Buffer) => {
        text += chunk.toString()
        const match = /ready (\d+)/.exec(text)
        if (match !== null) resolve(`http://127.0.0.1:${match[1]}`)
      })
      child.once("exit", (code) => reject(new Error(`${run.variant} server exited with ${code}`)))
    })
    const pid = child.pid!
    const counts: Array<CallgrindCount> = []
    let dumps = 0
    const interval = async (route: BenchRequest, requests: number): Promise<number> => {
      await drive(url, route, requests, run.connections)
      await sleep(500)
      await callgrindControl(pid, "-d")
      const file = `${out}.${++dumps}`
      await waitForFile(file)
      return dumpedIr(file)
    }
    for (const [name, route] of Object.entries(run.routes)) {
      await drive(url, route, run.warmup, run.connections)
      await sleep(500)
      await callgrindControl(pid, "-z")
      const shortIr = await interval(route, run.short)
      const longIr = await interval(route, run.long)
      counts.push({
        variant: run.variant,
        route: name,
        perRequest: (longIr - shortIr) / (run.long - run.short),
        shortRequests: run.short,
        longRequests: run.long,
        shortIr,
        longIr,
      })
    }
    return counts
  } finally {
    child.kill("SIGKILL")
    rmSync(dir, { recursive: true, force: true })
  }
}
