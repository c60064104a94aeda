import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer, TestClock } from "effect"
import { afterAll, beforeAll } from "vitest"
import {
  createRollingLogger,
  DatasetProfileView,
  LoggerOptionsError,
  RollingLogger,
  type RollingLoggerOptions,
  Session,
} from "../src/index.js"
import { MemoryWriter } from "../src/testing.js"
import { runTsxChild } from "./tsxChild.js"

const at = (h: number, m = 0, s = 0) => Date.UTC(2024, 5, 3, h, m, s)

let dir = ""
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sketchlog-first-file-"))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Moves the TestClock to `time` and waits until the logger has written what that woke. */
const moveTo = (time: number) =>
  Effect.gen(function* () {
    yield* TestClock.setTime(time)
    for (let i = 0; i < 20; i++) yield* Effect.yieldNow()
    yield* (yield* RollingLogger).settle
  })

/** A logger over a local session (nothing configured), started at 12:00 on the TestClock. */
const run = <A, E>(options: RollingLoggerOptions, body: Effect.Effect<A, E, RollingLogger>) =>
  Effect.zipRight(
    TestClock.setTime(at(12)),
    body.pipe(
      Effect.provide(
        RollingLogger.layer({ mode: "in-thread", outboxDir: false, ...options }) as Layer.Layer<
          RollingLogger,
          never,
          Session
        >,
      ),
      Effect.provide(Session.layerTest()),
    ),
  )

/** Rows counted in the profile files of `dataset` under `root` (0 when there is none yet). */
const rowsOnDisk = (root: string, dataset: string) =>
  Effect.promise(async () => {
    const names = await readdir(join(root, dataset)).catch(() => [] as string[])
    let rows = 0
    for (const name of names.filter((n) => n.endsWith(".bin")))
      rows +=
        DatasetProfileView.deserialize(await readFile(join(root, dataset, name))).getColumn("x")?.counts?.n ??
        0
    return rows
  })

describe("local mode: the first profile is on disk soon after the first row", () => {
  it.effect("writes it 10 s after the first row, then keeps to the 5-minute schedule", () => {
    const profileDir = join(dir, "schedule")
    return run(
      { datasetId: "d", profileDir },
      Effect.gen(function* () {
        const logger = yield* RollingLogger
        yield* moveTo(at(12, 3, 27))
        yield* logger.log(Array.from({ length: 10 }, (_, x) => ({ x })))
        yield* moveTo(at(12, 3, 36))
        expect(yield* rowsOnDisk(profileDir, "d")).toBe(0)
        yield* moveTo(at(12, 3, 37))
        expect(yield* rowsOnDisk(profileDir, "d")).toBe(10)
        // Then only the documented schedule: nothing more before 12:05, the rest at 12:05.
        yield* logger.log(Array.from({ length: 5 }, (_, x) => ({ x })))
        yield* moveTo(at(12, 4, 59))
        expect(yield* rowsOnDisk(profileDir, "d")).toBe(10)
        yield* moveTo(at(12, 5, 0))
        expect(yield* rowsOnDisk(profileDir, "d")).toBe(15)
      }),
    )
  })

  it.effect("counts from each dataset's own first row, once per dataset, with the firstWrite given", () => {
    const profileDir = join(dir, "per-dataset")
    return run(
      { datasetId: "a", profileDir, firstWrite: "30 seconds" },
      Effect.gen(function* () {
        const logger = yield* RollingLogger
        yield* moveTo(at(12, 1, 0))
        yield* logger.log({ x: 1 })
        yield* moveTo(at(12, 1, 20))
        yield* logger.log({ x: 2 }, { datasetId: "b" })
        yield* moveTo(at(12, 1, 30))
        expect([yield* rowsOnDisk(profileDir, "a"), yield* rowsOnDisk(profileDir, "b")]).toEqual([1, 0])
        yield* logger.log({ x: 3 })
        yield* moveTo(at(12, 1, 50))
        // a's early write was its only one: its second row waits for the schedule.
        expect([yield* rowsOnDisk(profileDir, "a"), yield* rowsOnDisk(profileDir, "b")]).toEqual([1, 1])
        yield* moveTo(at(12, 5, 0))
        expect([yield* rowsOnDisk(profileDir, "a"), yield* rowsOnDisk(profileDir, "b")]).toEqual([2, 1])
      }),
    )
  })

  it.effect(
    "leaves writers the user gave, writeSchedule: null and firstWrite: null to the schedule (or flush) alone",
    () => {
      const memory = new MemoryWriter()
      const profileDir = join(dir, "none")
      return Effect.gen(function* () {
        yield* run(
          { datasetId: "d", writers: [memory] },
          Effect.gen(function* () {
            yield* (yield* RollingLogger).log({ x: 1 })
            yield* moveTo(at(12, 4, 59))
            expect(memory.writes).toHaveLength(0)
          }),
        )
        // No schedule (writes only on flush and close): no early write either.
        const unscheduled = join(dir, "unscheduled")
        yield* run(
          { datasetId: "d", profileDir: unscheduled, writeSchedule: null },
          Effect.gen(function* () {
            const logger = yield* RollingLogger
            yield* logger.log({ x: 1 })
            yield* moveTo(at(12, 30))
            expect(yield* rowsOnDisk(unscheduled, "d")).toBe(0)
            yield* logger.flush
            expect(yield* rowsOnDisk(unscheduled, "d")).toBe(1)
          }),
        )
        yield* run(
          { datasetId: "d", profileDir, firstWrite: null },
          Effect.gen(function* () {
            yield* (yield* RollingLogger).log({ x: 1 })
            yield* moveTo(at(12, 4, 59))
            expect(yield* rowsOnDisk(profileDir, "d")).toBe(0)
            yield* moveTo(at(12, 5, 0))
            expect(yield* rowsOnDisk(profileDir, "d")).toBe(1)
          }),
        )
      })
    },
  )
})

describe("unknown options are refused with the nearest known name", () => {
  const refused = (options: Record<string, unknown>) => {
    try {
      createRollingLogger({ closeOnExit: false, ...options } as never)
    } catch (error) {
      return error
    }
    throw new Error("accepted")
  }

  it("createRollingLogger: a typo names the option it meant, no typo lists the options", () => {
    const typo = refused({ overload: "block" })
    expect(typo).toBeInstanceOf(LoggerOptionsError)
    expect(typo).toMatchObject({ option: "overload" })
    expect(String((typo as Error).message)).toBe('overload: unknown option; did you mean "overflow"?')
    expect(refused({ profiledir: "x" })).toMatchObject({
      option: "profiledir",
      reason: expect.stringContaining('"profileDir"'),
    })
    expect((refused({ zzzzzz: 1 }) as Error).message).toMatch(/^zzzzzz: unknown option \(known: .*overflow/)
  })

  it("checks the nested options too: worker, retry, writeSchedule", () => {
    expect(refused({ mode: "worker", worker: { postRow: 10 } })).toMatchObject({
      option: "worker.postRow",
      reason: expect.stringContaining('"postRows"'),
    })
    expect(refused({ retry: { maxRetry: 1 } })).toMatchObject({
      option: "retry.maxRetry",
      reason: expect.stringContaining('"maxRetries"'),
    })
    expect(refused({ writeSchedule: { cadence: "minute", intervall: 5 } })).toMatchObject({
      option: "writeSchedule",
      reason: expect.stringContaining('intervall: unknown option; did you mean "interval"?'),
    })
  })

  it.effect(
    "RollingLogger.layer refuses them as a typed failure, and does not take the Promise face's own",
    () =>
      Effect.gen(function* () {
        const layerWith = (options: Record<string, unknown>) =>
          Effect.exit(
            Effect.scoped(Layer.build(RollingLogger.layer(options as RollingLoggerOptions))).pipe(
              Effect.provide(Session.layerTest()),
            ),
          )
        const typo = yield* layerWith({ queueCapasity: 10 })
        expect(Exit.isFailure(typo) && JSON.stringify(typo.cause)).toContain("queueCapacity")
        const promiseOnly = yield* layerWith({ closeOnExit: true })
        expect(Exit.isFailure(promiseOnly)).toBe(true)
      }),
  )
})

interface FirstFileReport {
  readonly startedAt: number
  readonly firstFileMs: number | undefined
  readonly files: ReadonlyArray<string>
  readonly notices: ReadonlyArray<string>
}

const child = fileURLToPath(new URL("./fixtures/first-file-child.ts", import.meta.url))

/** Runs a newcomer's script in `cwd`, as if started from `initCwd` by npm or pnpm when given. */
const newcomer = async (
  name: string,
  watch: (root: string) => string,
  env: Record<string, string>,
  options: Record<string, unknown> = {},
  initCwd?: (root: string) => string,
): Promise<{ report: FirstFileReport; root: string }> => {
  const root = join(dir, name)
  await mkdir(join(root, "app"), { recursive: true })
  await mkdir(join(root, "stood"), { recursive: true })
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env }
  delete childEnv.SKETCHLOG_STORE
  if (initCwd === undefined) delete childEnv.INIT_CWD
  else childEnv.INIT_CWD = initCwd(root)
  if (env.SKETCHLOG_PROFILE_DIR === undefined) delete childEnv.SKETCHLOG_PROFILE_DIR
  const report = await runTsxChild<FirstFileReport>(child, {
    nodeFlags: ["--conditions=@sketchlog/source"],
    args: [watch(root), JSON.stringify(options)],
    cwd: join(root, "app"),
    env: childEnv,
    limitMs: 60_000,
  })
  return { report, root }
}

describe("a script's createRollingLogger() with nothing configured (real processes)", () => {
  it("writes under ./sketchlog-profiles/<dataset>/ of where it was started, the first file within seconds, and says so", async () => {
    const { report, root } = await newcomer(
      "default",
      (root) => join(root, "stood", "sketchlog-profiles"),
      {},
      {},
      (root) => join(root, "stood"),
    )
    // The default first write is 10 s after the first row (not the 5-minute schedule) — unless the
    // row fell within 10 s of a 5-minute boundary, where the schedule's own write comes first.
    const toBoundary = 300_000 - (report.startedAt % 300_000)
    expect(report.firstFileMs).toBeGreaterThanOrEqual(Math.min(9_000, toBoundary - 1_000))
    expect(report.firstFileMs).toBeLessThan(30_000)
    expect(report.files.length).toBe(1)
    const folder = join(root, "stood", "sketchlog-profiles", "first")
    expect(report.notices).toEqual([
      expect.stringMatching(
        new RegExp(
          `^sketchlog: no session configured, profiles stay on this machine, in ${join(root, "stood", "sketchlog-profiles")}/<dataset>/ \\(the first file 10 s after the first row, then every 5 minutes and at shutdown\\); to upload`,
        ),
      ),
    ])
    expect(await readdir(join(root, "app"))).toEqual([])
    expect((await readdir(folder)).length).toBe(1)
  }, 60_000)

  it("honours SKETCHLOG_PROFILE_DIR (relative to where it was started), and the profileDir option over it", async () => {
    const fromEnv = await newcomer(
      "env",
      (root) => join(root, "stood", "from-env"),
      { SKETCHLOG_PROFILE_DIR: "from-env" },
      { firstWrite: "100 millis" },
      (root) => join(root, "stood"),
    )
    expect(fromEnv.report.files.length).toBe(1)
    expect(fromEnv.report.firstFileMs).toBeLessThan(10_000)
    const fromOption = await newcomer(
      "option",
      (root) => join(root, "option-dir"),
      { SKETCHLOG_PROFILE_DIR: "from-env" },
      { firstWrite: "100 millis", profileDir: join(dir, "option", "option-dir") },
    )
    expect(fromOption.report.files.length).toBe(1)
    expect(await readdir(join(fromOption.root, "app"))).toEqual([])
  }, 60_000)

  it("without INIT_CWD (plain node), writes under the working directory", async () => {
    const { report } = await newcomer(
      "plain",
      (root) => join(root, "app", "sketchlog-profiles"),
      {},
      { firstWrite: "100 millis" },
    )
    expect(report.files.length).toBe(1)
  }, 60_000)
})
