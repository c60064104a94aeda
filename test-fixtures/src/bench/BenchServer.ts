import type { ChildProcess } from "node:child_process"
import { readFileSync } from "node:fs"
import { spawnNode } from "./CpuPinning.js"
import { inRoundOrder, median } from "./Rounds.js"
import { type BenchRequest, type Saturation, saturate } from "./Saturation.js"

/**
 * One variant of the app under test, served by a child process of the bench: the bench script run
 * again as `<script> server <variant> …args`, which prints `ready <port>` once it listens and answers
 * the bench's messages over IPC (`"cpu"` with `serverCpuTimes()`; `"stop"` by exiting).
 */
export interface BenchServer<V extends string> {
  readonly variant: V
  readonly child: ChildProcess
  readonly url: string
}

/**
 * Starts `script` as the server of `variant` with this process's Node flags (on CPU `cpu` when given)
 * and resolves when it is ready; rejects if it exits first.
 */
export const startBenchServer = <V extends string>(
  script: string,
  variant: V,
  args: ReadonlyArray<string>,
  cpu: number | undefined,
): Promise<BenchServer<V>> =>
  new Promise((resolve, reject) => {
    const nodeArgs = [...process.execArgv, script, "server", variant, ...args]
    const child = spawnNode(cpu, nodeArgs, { stdio: ["ignore", "pipe", "inherit", "ipc"] })
    let out = ""
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString()
      const match = /ready (\d+)/.exec(out)
      if (match !== null) resolve({ variant, child, url: `http://127.0.0.1:${match[1]}` })
    })
    child.once("exit", (code) => reject(new Error(`${variant} server exited with ${code}`)))
  })

/** CPU time a bench server has used so far, µs: the answer to the bench's `"cpu"` message. */
export interface ServerCpuTimes {
  /** The whole process: every thread (a logger's worker included). */
  readonly cpu: number
  /**
   * The main thread alone (Linux, from /proc, 10 ms ticks), the thread that answers requests: in a
   * logger's worker mode, what a machine with a core to spare for the worker would still pay per request.
   */
  readonly mainCpu?: number
}

/** This process's CPU times, for a bench server to send back on `"cpu"`. */
export const serverCpuTimes = (): ServerCpuTimes => {
  const { user, system } = process.cpuUsage()
  try {
    // The main thread's task has the process id; utime and stime are fields 14 and 15, in ticks.
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8")
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    const ticks = Number(fields[11]) + Number(fields[12])
    return Number.isFinite(ticks) ? { cpu: user + system, mainCpu: ticks * 10_000 } : { cpu: user + system }
  } catch {
    return { cpu: user + system }
  }
}

/** Sends `message` to the server and resolves with its answer, the first message that has `key`. */
const askServerAnswer = <A>(server: BenchServer<string>, message: string, key: string): Promise<A> =>
  new Promise((resolve) => {
    const onMessage = (answer: unknown) => {
      if (typeof answer === "object" && answer !== null && key in answer) {
        server.child.off("message", onMessage)
        resolve(answer as A)
      }
    }
    server.child.on("message", onMessage)
    server.child.send(message)
  })

/** Sends `message` to the server and resolves with the field `key` of its answer. */
export const askServer = async (server: BenchServer<string>, message: string, key: string): Promise<number> =>
  (await askServerAnswer<Record<string, number>>(server, message, key))[key]!

/** A saturation run against a bench server, with the CPU time the server spent per request. */
export interface ServerSaturation extends Saturation {
  /** CPU time of the server process (all its threads) per request answered, µs. */
  readonly cpuPerRequest: number
  /** CPU time of the server's main thread per request answered, µs, where the server reports it. */
  readonly mainCpuPerRequest: number | undefined
}

/**
 * Saturates `request` on `server` (see `saturate`) and asks the server for its CPU time before and
 * after: CPU per request is a figure that other load on the machine hardly moves, unlike req/s.
 */
export const saturateServer = async (
  server: BenchServer<string>,
  request: BenchRequest,
  seconds: number,
  connections: number,
): Promise<ServerSaturation> => {
  const before = await askCpuTimes(server)
  const result = await saturate(server.url, request, seconds, connections)
  const after = await askCpuTimes(server)
  const requests = Math.max(1, result.requests)
  return {
    ...result,
    cpuPerRequest: (after.cpu - before.cpu) / requests,
    mainCpuPerRequest:
      after.mainCpu === undefined || before.mainCpu === undefined
        ? undefined
        : (after.mainCpu - before.mainCpu) / requests,
  }
}

/**
 * The main thread's CPU per request a variant's runs add to the bare runs' (median of rounds, µs, as
 * table text), or "n/a" where the servers do not report it.
 */
export const mainCpuAdded = (
  runs: ReadonlyArray<ServerSaturation>,
  bareRuns: ReadonlyArray<ServerSaturation>,
): string => {
  const main = (r: ReadonlyArray<ServerSaturation>) => r.map((x) => x.mainCpuPerRequest)
  const ours = main(runs)
  const bare = main(bareRuns)
  if (ours.some((x) => x === undefined) || bare.some((x) => x === undefined)) return "n/a"
  return (median(ours as Array<number>) - median(bare as Array<number>)).toFixed(0)
}

/** The server's answer to `"cpu"`. */
const askCpuTimes = (server: BenchServer<string>): Promise<ServerCpuTimes> =>
  askServerAnswer<ServerCpuTimes>(server, "cpu", "cpu")

/**
 * Lets only `server` run: the others are paused (SIGSTOP), so their timers and background work (a
 * logger's schedule, a worker thread) cannot take CPU from the one under load.
 */
export const runOnly = <S extends { readonly child: ChildProcess }>(
  servers: ReadonlyArray<S>,
  server: S,
): void => {
  for (const other of servers) if (other !== server) other.child.kill("SIGSTOP")
  server.child.kill("SIGCONT")
}

/** Resumes every server, asks each to stop, and waits until all have exited. */
export const stopBenchServers = async (servers: ReadonlyArray<BenchServer<string>>): Promise<void> => {
  for (const server of servers) server.child.kill("SIGCONT")
  for (const server of servers) server.child.send("stop")
  await Promise.all(servers.map((s) => new Promise((resolve) => s.child.once("exit", resolve))))
}

/**
 * Measures every route on every server, `rounds` times: route by route, the servers in round order
 * (`inRoundOrder`), each alone (`runOnly`) while `measure` runs, with a dot on stderr per measurement.
 * Returns the measurements by `variant|route`, in round order.
 */
export const runRounds = async <V extends string, R extends string, S>(
  servers: ReadonlyArray<BenchServer<V>>,
  routes: ReadonlyArray<R>,
  rounds: number,
  measure: (server: BenchServer<V>, route: R) => Promise<S>,
): Promise<Map<`${V}|${R}`, Array<S>>> => {
  const samples = new Map<`${V}|${R}`, Array<S>>()
  for (let round = 0; round < rounds; round++) {
    for (const route of routes) {
      for (const server of inRoundOrder(servers, round)) {
        runOnly(servers, server)
        const sample = await measure(server, route)
        const key = `${server.variant}|${route}` as const
        samples.set(key, [...(samples.get(key) ?? []), sample])
        process.stderr.write(".")
      }
    }
  }
  process.stderr.write("\n")
  return samples
}
