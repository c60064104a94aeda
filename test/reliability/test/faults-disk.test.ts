import { mkdir, mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterEach, describe, expect, it } from "vitest"
import type { ExpressDemoStatus } from "../src/children/expressDemo.js"
import { FigureLog } from "../src/Figures.js"
import { burst, demoTraffic } from "../src/HttpTraffic.js"
import { asSeenBy, canMountTmpfs } from "../src/MountNamespace.js"
import { sandboxEnv } from "../src/PlatformRun.js"
import { httpRows, outboxRows, readProfiles, rowsBy } from "../src/ProfileFiles.js"
import { ServerProcess } from "../src/ServerProcess.js"
import { scale, suiteMode } from "../src/SuiteMode.js"

const expressDemo = fileURLToPath(new URL("../src/children/expressDemo.ts", import.meta.url))
const figures = new FigureLog(import.meta.filename)

let dir: string
let server: ServerProcess | undefined
afterEach(async () => {
  await server?.stop()
  await rm(dir, { recursive: true, force: true })
})

/**
 * Write retries that outlast a disk full for 0.4 s (the shortest jittered window is 0.75 s) and give up
 * within 1.5 s per profile.
 */
const diskRetry = { maxRetries: 5, baseDelay: "100 millis", maxDelay: "400 millis" }

/**
 * The demo in local mode with its profile folder on a 4 MiB tmpfs of its own (a private mount
 * namespace): the disk really fills and really turns read-only, under the real `LocalWriter`.
 */
const startOnTmpfs = async (outboxDir?: string) => {
  dir = await mkdtemp(join(tmpdir(), "sketchlog-disk-"))
  const profileDir = join(dir, "profiles")
  await mkdir(profileDir)
  server = await ServerProcess.start(expressDemo, {
    config: {
      profileDir,
      mount: profileDir,
      datasetFromHeader: true,
      sketchlog: {
        logger: { writeSchedule: null, retry: diskRetry, ...(outboxDir === undefined ? {} : { outboxDir }) },
      },
    },
    env: sandboxEnv(join(dir, "config")),
    tmpfs: { dir: profileDir, sizeKiB: 4096 },
  })
  return { server, profileDir, seen: asSeenBy(server.pid, profileDir) }
}

const n = scale.requestsPerPhase
const send = (s: ServerProcess, name: string, seed: number) =>
  burst(s.ready.url, n, 8, demoTraffic(seed, { "x-reliability-dataset": name }))
const byDataset = async (folder: string) =>
  rowsBy(
    await readProfiles(folder),
    (p) => p.file.split("/")[0] ?? "",
    (p) => httpRows(p.view),
  )
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.skipIf(!canMountTmpfs)(
  `the local writer on a disk that fills up or turns read-only (${suiteMode})`,
  () => {
    it("with the outbox on the same disk (the default): a full disk freed within the retries loses nothing; one that stays full, or a read-only one, loses its profiles with a counted write-failed, and writing resumes once the disk is back", async () => {
      const { server: s, seen } = await startOnTmpfs()
      const answered: number[] = []

      answered.push((await send(s, "transient", 1)).answered)
      await s.ask("fs-fill")
      const flushing = s.ask("flush")
      await sleep(400)
      await s.ask("fs-free")
      await flushing

      answered.push((await send(s, "stays-full", 2)).answered)
      await s.ask("fs-fill")
      await s.ask("flush")
      await s.ask("fs-free")
      answered.push((await send(s, "after-full", 3)).answered)
      await s.ask("flush")

      answered.push((await send(s, "read-only", 4)).answered)
      await s.ask("fs-readonly")
      await s.ask("flush")
      await s.ask("fs-writable")
      answered.push((await send(s, "after-read-only", 5)).answered)

      const final = await s.ask<ExpressDemoStatus>("close")
      const onDisk = await byDataset(seen)
      const lost = final.logger?.rows.droppedByReason["write-failed"] ?? 0
      figures.record(
        "faults",
        "disk full for 0.4 s (within the retries): rows on disk",
        onDisk.transient ?? 0,
        `of ${n}`,
        "all",
      )
      figures.record(
        "faults",
        "disk full beyond the retries + read-only, outbox on the same disk: rows reported write-failed",
        lost,
        `of ${2 * n}`,
        "= all, counted",
      )
      figures.record(
        "faults",
        "after the disk is back: rows on disk",
        (onDisk["after-full"] ?? 0) + (onDisk["after-read-only"] ?? 0),
        `of ${2 * n}`,
        "all",
      )
      expect(answered).toEqual([n, n, n, n, n])
      expect(onDisk).toEqual({ transient: n, "after-full": n, "after-read-only": n })
      expect(lost).toBe(2 * n)
      expect(final.logger?.rows.profiled).toBe(5 * n)
      expect(final.logger?.writers[0]?.retries).toBeGreaterThan(0)
      await s.ask("exit")
    })

    it("with the outbox on another disk: a disk full beyond the retries and a read-only folder lose nothing; the outbox holds the profiles until the folder can be written", async () => {
      const outboxDir = join(tmpdir(), `sketchlog-outbox-${process.pid}-${Date.now()}`)
      const { server: s, seen } = await startOnTmpfs(outboxDir)
      try {
        const answered: number[] = []
        answered.push((await send(s, "stays-full", 6)).answered)
        await s.ask("fs-fill")
        await s.ask("flush")
        const keptFull = await outboxRows(outboxDir)
        await s.ask("fs-free")
        await s.ask("flush")

        answered.push((await send(s, "read-only", 7)).answered)
        await s.ask("fs-readonly")
        const t0 = performance.now()
        await s.ask("flush")
        const readOnlyFlush = performance.now() - t0
        const keptReadOnly = await outboxRows(outboxDir)
        await s.ask("fs-writable")
        const final = await s.ask<ExpressDemoStatus>("close")
        const onDisk = await byDataset(seen)
        const left = await outboxRows(outboxDir)
        figures.record(
          "faults",
          "separate outbox: rows kept while the disk was full / read-only",
          `${keptFull.rows} / ${keptReadOnly.rows}`,
          `of ${n} each`,
          "all",
        )
        figures.record(
          "faults",
          "read-only folder: flush (not retryable, straight to the outbox)",
          Math.round(readOnlyFlush),
          "ms",
        )
        figures.record(
          "faults",
          "separate outbox: rows on disk after recovery",
          (onDisk["stays-full"] ?? 0) + (onDisk["read-only"] ?? 0),
          `of ${2 * n}`,
          "all",
        )
        expect(answered).toEqual([n, n])
        expect(keptFull.byDataset["stays-full"]).toBe(n)
        expect(keptReadOnly.byDataset["read-only"]).toBe(n)
        expect(onDisk).toEqual({ "stays-full": n, "read-only": n })
        expect(left.entries).toBe(0)
        expect(final.logger?.rows.dropped).toBe(0)
        await s.ask("exit")
      } finally {
        await rm(outboxDir, { recursive: true, force: true })
      }
    })
  },
)
