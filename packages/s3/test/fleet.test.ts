import { type ChildProcess, spawn } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import {
  COMPACTED_REPLICA,
  compactStore,
  type MergedRead,
  type ProfileStore,
  readMergedProfiles,
} from "@sketchlog/core/store"
import { applicant, seededRandom } from "@sketchlog/express-demo"
import { S3Server } from "@sketchlog/test-fixtures/s3"
import { Chunk, Effect, Stream } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { S3Store } from "../src/index.js"

const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href
/** The demo's own entry, as `pnpm --filter @sketchlog/express-demo start` runs it. */
const demoMain = fileURLToPath(new URL("../../../apps/express-demo/src/main.ts", import.meta.url))
const compactUntil = fileURLToPath(new URL("./children/compactUntil.ts", import.meta.url))
const URL_ = "s3://profiles/fleet"

let s3: S3Server
let dir: string
beforeAll(async () => {
  s3 = await S3Server.start()
  dir = await mkdtemp(join(tmpdir(), "sketchlog-fleet-"))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
  await s3.close()
})

/** A child running TypeScript through tsx with the source condition, its environment pointed at the S3 server. */
const child = (entry: string, args: ReadonlyArray<string>, env: Record<string, string>): ChildProcess =>
  spawn(process.execPath, ["--conditions=@sketchlog/source", "--import", tsx, entry, ...args], {
    env: { ...process.env, ...s3.environment(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  })

const exited = (proc: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null)
      return resolve({ code: proc.exitCode, signal: proc.signalCode })
    proc.once("exit", (code, signal) => resolve({ code, signal }))
  })

/** Starts a demo replica writing to the store; resolves with its URL once it listens. */
const replica = (n: number): Promise<{ proc: ChildProcess; url: string; output: () => string }> => {
  const proc = child(demoMain, [], {
    PORT: "0",
    HOST: "127.0.0.1",
    SKETCHLOG_STORE: URL_,
    SKETCHLOG_PROFILE_DIR: join(dir, `replica-${n}`),
  })
  let output = ""
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`replica ${n} did not start: ${output}`)), 60_000)
    proc.stderr?.on("data", (d: Buffer) => {
      output += d.toString("utf8")
    })
    proc.stdout?.on("data", (d: Buffer) => {
      output += d.toString("utf8")
      const match = /loan-scoring API on (http:\/\/\S+)/.exec(output)
      if (match !== null) {
        clearTimeout(timer)
        resolve({ proc, url: match[1] as string, output: () => output })
      }
    })
    proc.once("exit", (code) => reject(new Error(`replica ${n} exited (${code}): ${output}`)))
  })
}

/** The requests of the run, by route segment: `http.route=…,http.method=…` → count. */
const send = async (urls: ReadonlyArray<string>, n: number, seed: number): Promise<Map<string, number>> => {
  const random = seededRandom(seed)
  const sent = new Map<string, number>()
  const requests = Array.from({ length: n }, (_, i) => {
    const kind = i % 4
    const base = urls[i % urls.length] as string
    if (kind === 0 || kind === 1)
      return {
        segment: "http.route=/v1/score,http.method=POST",
        url: `${base}/v1/score`,
        init: {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(applicant(random, false)),
        },
      }
    if (kind === 2)
      return { segment: "http.route=/v1/models,http.method=GET", url: `${base}/v1/models`, init: {} }
    return {
      segment: "http.route=/v1/models/:modelId,http.method=GET",
      url: `${base}/v1/models/logistic-v1`,
      init: {},
    }
  })
  let next = 0
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < requests.length) {
        const request = requests[next++] as (typeof requests)[number]
        const response = await fetch(request.url, request.init)
        await response.arrayBuffer()
        sent.set(request.segment, (sent.get(request.segment) ?? 0) + 1)
      }
    }),
  )
  return sent
}

/** Four replicas, N requests spread over them, SIGTERM to all four; resolves with what was sent. */
const runFleet = async (n: number, seed: number): Promise<Map<string, number>> => {
  const replicas = await Promise.all([1, 2, 3, 4].map(replica))
  const sent = await send(
    replicas.map((r) => r.url),
    n,
    seed,
  )
  for (const r of replicas) r.proc.kill("SIGTERM")
  for (const r of replicas) expect(await exited(r.proc), r.output()).toEqual({ code: 0, signal: null })
  return sent
}

const store = (): ProfileStore => new S3Store(URL_, s3.clientOptions())

/** Σ counts/n of `http.status` per route segment over the whole store, as the merging reader sees it. */
const requestsBySegment = async (): Promise<{ counts: Map<string, number>; read: MergedRead }> => {
  const read = await Effect.runPromise(
    readMergedProfiles(store(), { datasetId: "loan-scoring", window: "all" }),
  )
  const counts = new Map<string, number>()
  for (const p of read.profiles) counts.set(p.segment ?? "", p.view.getColumn("http.status")?.counts?.n ?? 0)
  return { counts, read }
}

const objectsPerPartition = async (): Promise<number[]> => {
  const listed = Chunk.toArray(await Effect.runPromise(Stream.runCollect(store().list())))
  const partitions = new Map<string, number>()
  for (const p of listed) {
    const partition = `${p.key.slice(0, p.key.lastIndexOf("/"))}|${p.timestamp}`
    partitions.set(partition, (partitions.get(partition) ?? 0) + 1)
  }
  return [...partitions.values()]
}

const add = (a: Map<string, number>, b: Map<string, number>): Map<string, number> => {
  const out = new Map(a)
  for (const [k, v] of b) out.set(k, (out.get(k) ?? 0) + v)
  return out
}

describe("a fleet of Express demo replicas writing to one s3:// store", () => {
  it("merges back to exactly the requests sent per route; compaction keeps the sums, also when the compactor is SIGKILLed between its steps and run again", async () => {
    // Four processes of the demo, configured by SKETCHLOG_STORE alone.
    const first = await runFleet(400, 1)
    const afterFirst = await requestsBySegment()
    expect(afterFirst.counts).toEqual(first)
    const replicas = new Set(afterFirst.read.profiles.flatMap((p) => p.replicas))
    expect(replicas.size).toBe(4)

    const compacted = await Effect.runPromise(compactStore(store()))
    expect(compacted.failed).toEqual([])
    expect((await objectsPerPartition()).every((n) => n === 1)).toBe(true)
    expect((await requestsBySegment()).counts).toEqual(first)

    // A second run lands new objects beside the compacted ones; the compactor is killed twice.
    const second = await runFleet(200, 2)
    const expected = add(first, second)
    expect((await requestsBySegment()).counts).toEqual(expected)
    for (const [step, occurrence] of [
      ["written", "2"],
      ["verified", "1"],
    ] as const) {
      const proc = child(compactUntil, [URL_, step, occurrence], {})
      let output = ""
      proc.stdout?.on("data", (d: Buffer) => {
        output += d.toString("utf8")
      })
      proc.stderr?.on("data", (d: Buffer) => {
        output += d.toString("utf8")
      })
      expect(await exited(proc), output).toEqual({ code: null, signal: "SIGKILL" })
      // Between "written" and "deleted": the merged objects and their inputs are both there.
      const between = await requestsBySegment()
      expect(between.read.superseded).toBeGreaterThan(0)
      expect(between.counts).toEqual(expected)
    }
    const rerun = await Effect.runPromise(compactStore(store()))
    expect(rerun.failed).toEqual([])
    expect((await objectsPerPartition()).every((n) => n === 1)).toBe(true)
    const final = await requestsBySegment()
    expect(final.counts).toEqual(expected)
    expect(final.read.profiles.every((p) => p.replicas.every((r) => r === COMPACTED_REPLICA))).toBe(true)
  }, 240_000)
})
