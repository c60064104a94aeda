import { mkdir, readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { createRollingLogger, DatasetProfileView, init, WhyLabsWriter } from "@sketchlog/core"
import { SegmentedDatasetProfile, TimeBucket } from "@sketchlog/core/profile"
import { Outbox } from "@sketchlog/core/writers"
import { type ConfigSandbox, configSandbox, FakePlatform } from "@sketchlog/test-fixtures"
import { Effect } from "effect"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest"
import { profileOf, runCli, tempDir } from "./cliHarness.js"

let platform: FakePlatform
let sandbox: ConfigSandbox
let dir: string
let cleanup: () => Promise<void>
beforeAll(async () => {
  platform = await FakePlatform.start()
})
afterAll(() => platform.close())

const HOUR = 3_600_000
const T0 = Date.UTC(2024, 0, 1)

/**
 * Outbox entries as a server leaves them: a real rolling logger, segmented on `route`, whose
 * WhyLabsWriter cannot upload (the platform answers 503, no retries), so both segments of its
 * 05:00 bucket go to `<root>/.outbox/whylabs/`.
 */
const outboxThroughLogger = async (root: string) => {
  const session = await init({ reinit: true, interactive: false })
  // The logger says once per profile that it kept it in the outbox: expected here, so kept quiet.
  const quiet = vi.spyOn(console, "warn").mockImplementation(() => {})
  platform.faults.inject({ type: "status", status: 503 }, { match: "upload" })
  const logger = createRollingLogger({
    session,
    datasetId: "model-3",
    aggregateBy: "hour",
    writeSchedule: null,
    segmentOn: ["route"],
    writers: [new WhyLabsWriter({ session })],
    outboxDir: join(root, ".outbox"),
    retry: { maxRetries: 0 },
    closeOnExit: false,
  })
  const at = T0 + 5 * HOUR + 1234
  await logger.log(
    [
      { route: "/a", ms: 1 },
      { route: "/a", ms: 2 },
      { route: "/b", ms: 3 },
    ],
    { timestamp: at },
  )
  await logger.close()
  expect(logger.status().outbox?.entries).toBe(2)
  await session.close()
  quiet.mockRestore()
  platform.reset()
}

/** The outbox's entries, as core (and so the logger's replay) sees them. */
const outboxEntries = () => Effect.runPromise(new Outbox(join(dir, ".outbox")).list())

/** A profile directory as the rolling logger's LocalWriter lays it out, plus its outbox. */
const layOut = async (root: string) => {
  await mkdir(join(root, "model-1"), { recursive: true })
  await mkdir(join(root, "model-2"), { recursive: true })
  const at = (hour: number) => new Date(T0 + hour * HOUR).toISOString()
  await profileOf({ x: [1, 2, 3] }, { datasetTimestamp: T0 }).write(join(root, "model-1", `${at(0)}.bin`))
  await profileOf({ x: [4, 5] }, { datasetTimestamp: T0 + HOUR }).write(join(root, "model-1", `${at(1)}.bin`))
  await profileOf({ y: ["a"] }, { datasetTimestamp: T0 }).write(join(root, "model-2", `${at(0)}.bin`))
  const segmented = new SegmentedDatasetProfile({ segmentOn: ["route"], datasetTimestamp: T0 + 2 * HOUR })
  segmented.track({ route: "/users", ms: 12 })
  await segmented.views()[0]!.write(join(root, "model-2", `${at(2)}.route=users.bin`))
  await outboxThroughLogger(root)
}

beforeEach(async () => {
  platform.reset()
  sandbox = await configSandbox()
  sandbox.setEnv({ WHYLABS_API_KEY: platform.apiKey, WHYLABS_API_ENDPOINT: platform.url })
  ;({ dir, cleanup } = await tempDir())
  await layOut(dir)
})
afterEach(async () => {
  await sandbox.restore()
  await cleanup()
})

const received = () =>
  platform
    .profiles()
    .map(
      (p) =>
        `${p.datasetId} ${new Date(p.datasetTimestamp!).toISOString()} ${p.segmentTags.map((t) => `${t.key}=${t.value}`).join(",")}`,
    )
    .sort()

const ALL = [
  "model-1 2024-01-01T00:00:00.000Z ",
  "model-1 2024-01-01T01:00:00.000Z ",
  "model-2 2024-01-01T00:00:00.000Z ",
  "model-2 2024-01-01T02:00:00.000Z whylogs.tag.route=/users",
  "model-3 2024-01-01T05:00:00.000Z whylogs.tag.route=/a",
  "model-3 2024-01-01T05:00:00.000Z whylogs.tag.route=/b",
]

describe("sketchlog upload", () => {
  it("uploads every profile of the directory and the outbox to its dataset, and records them", async () => {
    const result = await runCli(["upload", dir])
    expect(result.code).toBe(0)
    expect(received()).toEqual(ALL)
    // The bytes that arrived are the files' bytes.
    const first = platform.profiles({ datasetId: "model-2" }).find((p) => p.segmentTags.length === 0)!
    expect(Buffer.from(first.bytes)).toEqual(
      await readFile(join(dir, "model-2", "2024-01-01T00:00:00.000Z.bin")),
    )
    expect(DatasetProfileView.deserialize(first.bytes).getColumn("y")?.counts?.n).toBe(1)
    // The logger's segments arrived with its bucket and segment, holding its rows.
    const fromOutbox = platform.profiles({ datasetId: "model-3" })
    const rowsOf = (route: string) =>
      DatasetProfileView.deserialize(
        fromOutbox.find((p) => p.segmentTags[0]?.value === route)!.bytes,
      ).getColumn("ms")?.counts?.n
    expect([rowsOf("/a"), rowsOf("/b")]).toEqual([2, 1])
    // The entries left the outbox through core's protocol: the logger would find nothing to replay.
    expect(await outboxEntries()).toEqual([])
    const manifest = JSON.parse(await readFile(join(dir, ".sketchlog-upload.json"), "utf8")) as {
      uploads: Record<string, { sha256: string; destination: string }>
    }
    const keys = Object.keys(manifest.uploads)
    expect(keys.slice(2)).toEqual([
      "model-1/2024-01-01T00:00:00.000Z.bin",
      "model-1/2024-01-01T01:00:00.000Z.bin",
      "model-2/2024-01-01T00:00:00.000Z.bin",
      "model-2/2024-01-01T02:00:00.000Z.route=users.bin",
    ])
    for (const key of keys.slice(0, 2)) expect(key).toMatch(/^\.outbox\/whylabs\/[\w-]+\.bin$/)
    const lines = result.stdout.trimEnd().split("\n")
    expect(
      lines.filter((l) => l.startsWith("uploaded model-") || l.startsWith("uploaded .outbox/whylabs/")),
    ).toHaveLength(6)
    expect(lines.at(-1)).toMatch(
      /^uploaded 6 of 6 profiles \(\d+(\.\d)? KiB\), 0 already uploaded, 0 failed; recorded in .+\.sketchlog-upload\.json$/,
    )
    expect(result.stderr).toBe("")
  })

  it("--resume uploads only what the manifest does not list; without it, everything again", async () => {
    expect((await runCli(["upload", dir])).code).toBe(0)
    const resumed = await runCli(["upload", dir, "--resume"])
    expect(resumed.code).toBe(0)
    expect(resumed.stdout.trimEnd().split("\n").at(-1)).toMatch(
      /^uploaded 0 of 4 profiles \(0 B\), 4 already uploaded, 0 failed$/,
    )
    expect(platform.profiles()).toHaveLength(6)
    // A file that changed since is sent again.
    await profileOf({ x: [9] }, { datasetTimestamp: T0 }).write(
      join(dir, "model-1", "2024-01-01T00:00:00.000Z.bin"),
    )
    const changed = await runCli(["upload", dir, "--resume"])
    expect(changed.stdout).toMatch(/uploaded 1 of 4 profiles .*, 3 already uploaded/)
    expect(platform.profiles()).toHaveLength(7)
    const again = await runCli(["upload", dir])
    expect(again.stdout).toMatch(/uploaded 4 of 4 profiles/)
    expect(platform.profiles()).toHaveLength(11)
  })

  it("takes only the platform writer's outbox entries; --outbox-writer names another writer", async () => {
    // A LocalWriter's entry belongs to that writer's replay, not to the platform.
    const view = profileOf({ w: [1] }, { datasetTimestamp: T0 + 7 * HOUR })
    const local = await Effect.runPromise(
      new Outbox(join(dir, ".outbox")).put(
        "local",
        {
          datasetId: "model-4",
          bucket: new TimeBucket(T0 + 7 * HOUR, "hour"),
          segment: undefined,
          view,
          bytes: view.serialize(),
          rows: 1,
        },
        "disk full",
        1,
      ),
    )
    expect((await runCli(["upload", dir])).code).toBe(0)
    expect(received()).toEqual(ALL)
    expect(await outboxEntries()).toEqual([local])

    const other = await runCli(["upload", dir, "--outbox-writer", "local", "--resume"])
    expect(other.code).toBe(0)
    expect(other.stdout.trimEnd().split("\n").at(-1)).toMatch(
      /^uploaded 1 of 5 profiles .*, 4 already uploaded/,
    )
    expect(platform.profiles({ datasetId: "model-4" }).map((p) => p.datasetTimestamp)).toEqual([
      T0 + 7 * HOUR,
    ])
    expect(await outboxEntries()).toEqual([])
  })

  it("keeps an outbox entry whose upload failed, with the attempt recorded, and sends it next time", async () => {
    const before = await outboxEntries()
    platform.faults.failNext(1, 500, (r) => r.path.endsWith("/log/async/model-3"))
    const failed = await runCli(["upload", dir, "--max-retries", "0", "--concurrency", "1"])
    expect(failed.code).toBe(1)
    expect(failed.stderr.trim()).toMatch(/^sketchlog upload: \.outbox\/whylabs\/[\w-]+\.bin: .*HTTP 500/)
    const [kept, ...rest] = await outboxEntries()
    expect(rest).toEqual([])
    const original = before.find((e) => e.id === kept!.id)!
    expect(kept!.attempts).toBe(original.attempts + 1)
    expect(kept!.lastError).toMatch(/HTTP 500/)
    expect(platform.profiles({ datasetId: "model-3" })).toHaveLength(1)

    const retried = await runCli(["upload", dir, "--resume"])
    expect(retried.code).toBe(0)
    expect(retried.stdout.trimEnd().split("\n").at(-1)).toMatch(
      /^uploaded 1 of 5 profiles .*, 4 already uploaded/,
    )
    expect(received()).toEqual(ALL)
    expect(await outboxEntries()).toEqual([])
  })

  it("reports each failed upload, exits 1, and a resumed run sends exactly the rest", async () => {
    platform.faults.failNext(2, 500, "upload")
    const failed = await runCli(["upload", dir, "--max-retries", "0", "--concurrency", "1"])
    expect(failed.code).toBe(1)
    const errors = failed.stderr.trimEnd().split("\n")
    expect(errors).toHaveLength(2)
    for (const line of errors)
      expect(line).toMatch(/^sketchlog upload: \S+\.bin: PUT profile failed \(HTTP 500\)/)
    expect(failed.stdout.trimEnd().split("\n").at(-1)).toMatch(
      /^uploaded 4 of 6 profiles .*, 0 already uploaded, 2 failed;/,
    )
    expect(platform.profiles()).toHaveLength(4)
    // The outbox entries went through and left the outbox: 4 candidates remain, 2 of them recorded.
    const resumed = await runCli(["upload", dir, "--resume", "--max-retries", "0"])
    expect(resumed.code).toBe(0)
    expect(resumed.stdout.trimEnd().split("\n").at(-1)).toMatch(
      /^uploaded 2 of 4 profiles .*, 2 already uploaded, 0 failed;/,
    )
    // Every profile arrived exactly once.
    expect(received()).toEqual(ALL)
  })

  it("retries what the session's policy retries, and succeeds", async () => {
    platform.faults.failNext(1, 503, "upload")
    const result = await runCli(["upload", dir, "--concurrency", "1", "--dataset-id", "all-in-one"])
    expect(result.code).toBe(0)
    expect(platform.profiles({ datasetId: "all-in-one" })).toHaveLength(6)
    expect(platform.requests(/^\/upload\//).filter((r) => r.fault !== undefined)).toHaveLength(1)
  })

  it("stops at the first refusal of the credentials and exits 4, without the secret", async () => {
    sandbox.setEnv({ WHYLABS_API_KEY: "ABCDEFGHIJ.thisisnotavalidsecret:org-fake" })
    const result = await runCli(["upload", dir, "--concurrency", "1"])
    expect(result.code).toBe(4)
    expect(result.stderr.trimEnd().split("\n").at(-1)).toMatch(
      /^sketchlog upload: stopped, the credentials were refused: POST log\/async: the platform rejected API key ABCDEFGHIJ/,
    )
    expect(result.stdout).toMatch(/uploaded 0 of 6 profiles .*1 failed, 5 not tried/)
    expect(result.stdout + result.stderr).not.toContain("thisisnotavalidsecret")
    expect(platform.profiles()).toHaveLength(0)
  })

  it("exits 4 when not signed in, and 2 when a profile's dataset cannot be known", async () => {
    sandbox.setEnv({ WHYLABS_API_KEY: undefined })
    const local = await runCli(["upload", dir])
    expect(local.code).toBe(4)
    expect(local.stderr.trim()).toBe(
      "sketchlog upload: not signed in, so nothing can be uploaded; run `sketchlog login` or set WHYLABS_API_KEY",
    )
    sandbox.setEnv({ WHYLABS_API_KEY: platform.apiKey })
    await profileOf({ x: [1] }).write(join(dir, "loose.bin"))
    const loose = await runCli(["upload", dir])
    expect(loose.code).toBe(2)
    expect(loose.stderr).toContain("no dataset for 1 profile (e.g. loose.bin)")
    sandbox.setEnv({ WHYLABS_DEFAULT_DATASET_ID: "fallback" })
    expect((await runCli(["upload", dir])).code).toBe(0)
    expect(platform.profiles({ datasetId: "fallback" })).toHaveLength(1)
  })

  it("uploads the readable profiles and exits 3 when one file is not a profile", async () => {
    await writeFile(join(dir, "model-1", "broken.bin"), "not a profile")
    const result = await runCli(["upload", dir])
    expect(result.code).toBe(3)
    expect(result.stderr.trim()).toMatch(
      /^sketchlog upload: model-1\/broken\.bin: not a readable whylogs v1 profile/,
    )
    expect(platform.profiles()).toHaveLength(6)
  })

  it("draws a cli-progress bar when asked, and exits 3 for a directory that is not there", async () => {
    const result = await runCli(["upload", dir, "--progress", "always", "--no-outbox"])
    expect(result.code).toBe(0)
    expect(result.stderr).toMatch(/uploading \[[█░=-]+\] 4\/4 profiles \| [\d.]+ KiB \| 0 failed/)
    expect(result.stdout).not.toContain("uploaded model-")
    expect(await outboxEntries()).toHaveLength(2)
    const missing = await runCli(["upload", join(dir, "nope")])
    expect(missing.code).toBe(3)
    expect(missing.stderr).toMatch(/nope: not a directory$/m)
  })
})
