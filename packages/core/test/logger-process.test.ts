import { mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { DatasetProfileView } from "../src/index.js"
import { runTsxChild } from "./tsxChild.js"

const child = fileURLToPath(new URL("./fixtures/logger-child.ts", import.meta.url))

interface ChildReport {
  readonly rows: {
    readonly received: number
    readonly accepted: number
    readonly profiled: number
    readonly dropped: number
  }
  readonly state: string
  readonly resources: ReadonlyArray<string>
}

/** Runs `body` with a fresh folder for the child's profiles, removed afterwards. */
const withDir = async (body: (dir: string) => Promise<void>): Promise<void> => {
  const dir = await mkdtemp(join(tmpdir(), "sketchlog-child-"))
  try {
    await body(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * Runs the child with `config` and waits for it to exit by itself (nothing in it calls
 * process.exit unless a signal handler does): a leftover timer or worker would keep it alive, and the
 * wait then fails with "did not exit". `signalAfterReady` sends SIGTERM once the child logs.
 */
const runChild = (
  dir: string,
  config: Record<string, unknown>,
  options: { readonly signalAfterRows?: number; readonly limitMs?: number } = {},
): Promise<ChildReport> => {
  let signalled = false
  return runTsxChild<ChildReport>(child, {
    nodeFlags: ["--conditions=@sketchlog/source"],
    args: [JSON.stringify({ dir, ...config })],
    limitMs: options.limitMs ?? 40_000,
    onStdout: (out, proc) => {
      if (options.signalAfterRows !== undefined && !signalled && out.includes('"ready":true')) {
        signalled = true
        // Let it log under load for a moment, then ask it to stop.
        setTimeout(() => proc.kill("SIGTERM"), 400)
      }
    },
  })
}

/** Σ counts/n of column `i` over every profile file the child wrote. */
const rowsOnDisk = async (dir: string): Promise<number> => {
  let total = 0
  let names: string[] = []
  try {
    names = await readdir(join(dir, "child"))
  } catch {
    return 0
  }
  for (const name of names.filter((n) => n.endsWith(".bin"))) {
    const view = DatasetProfileView.deserialize(await readFile(join(dir, "child", name)))
    total += view.getColumn("i")?.counts?.n ?? 0
  }
  return total
}

// One child at a time: each compiles the sources through tsx, and two cores do not share that well.
describe("the logger and the process's lifetime", { timeout: 60_000 }, () => {
  for (const mode of ["in-thread", "worker"] as const) {
    it(`${mode}: after close() the process exits on its own, with every row on disk`, () =>
      withDir(async (dir) => {
        const report = await runChild(dir, {
          mode,
          rows: 3000,
          end: "close",
          closeOnExit: false,
          untilSignal: false,
        })
        expect(report.state).toBe("closed")
        expect(report.resources).toEqual([])
        expect(await rowsOnDisk(dir)).toBe(3000)
      }))

    // beforeExit only fires once nothing holds the event loop: the child's rows reaching the disk
    // through closeOnExit is the proof that the schedule's timer (and the worker) hold nothing.
    it(`${mode}: an unclosed logger with a pending schedule does not hold the process; closeOnExit writes its rows`, () =>
      withDir(async (dir) => {
        const report = await runChild(dir, {
          mode,
          rows: 2500,
          end: "none",
          closeOnExit: true,
          untilSignal: false,
        })
        expect(report.state).toBe("running")
        expect(await rowsOnDisk(dir)).toBe(2500)
      }))
  }

  for (const mode of ["in-thread", "worker"] as const) {
    it(`${mode}: SIGTERM under load; the shutdown hook closes the logger and every accepted row is on disk`, () =>
      withDir(async (dir) => {
        const report = await runChild(
          dir,
          { mode, rows: 0, end: "close", closeOnExit: false, untilSignal: true },
          { signalAfterRows: 1 },
        )
        expect(report.state).toBe("closed")
        expect(report.rows.accepted).toBeGreaterThan(100)
        expect(report.rows.dropped).toBe(0)
        expect(await rowsOnDisk(dir)).toBe(report.rows.accepted)
      }))
  }
})
