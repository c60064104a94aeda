import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { basename, dirname, join } from "node:path"
import { Effect, Either } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import {
  DatasetProfile,
  DatasetProfileView,
  LocalWriter,
  type ProfileWrite,
  promiseWriter,
  WriterError,
} from "../src/index.js"
import { ProfileSegment, TimeBucket } from "../src/profile/index.js"
import { Outbox } from "../src/writers/index.js"

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sketchlog-writers-"))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const HOUR = Date.UTC(2024, 6, 1, 13)

const profileWrite = (
  values: ReadonlyArray<number>,
  segment?: ProfileSegment,
  datasetId = "model-1",
): ProfileWrite => {
  const profile = new DatasetProfile({ datasetTimestamp: HOUR })
  profile.trackColumns({ x: values })
  const plain = profile.view()
  const view =
    segment === undefined
      ? plain
      : new DatasetProfileView({
          columns: plain.columns,
          datasetTimestamp: plain.datasetTimestamp,
          creationTimestamp: plain.creationTimestamp,
          segment,
        })
  return {
    datasetId,
    bucket: new TimeBucket(HOUR, "hour"),
    segment,
    view,
    bytes: view.serialize(),
    rows: values.length,
  }
}

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(Effect.either(effect))

describe("LocalWriter", () => {
  it("writes <dir>/<dataset>/<bucket>[__<segment>].bin, mode 0600 in 0700 folders, with no temporary file left", async () => {
    const writer = new LocalWriter({ dir })
    const segment = new ProfileSegment(["http.route", "http.method"], ["/users/:id", "GET"])
    const plain = await run(writer.write(profileWrite([1, 2, 3])))
    const segmented = await run(writer.write(profileWrite([4], segment)))
    expect(Either.getOrThrow(plain).destination).toBe(join(dir, "model-1", "20240701T130000Z.bin"))
    const segmentedPath = Either.getOrThrow(segmented).destination
    expect(
      segmentedPath.startsWith(
        join(dir, "model-1", "20240701T130000Z__http.route=_users__id,http.method=GET~"),
      ),
    ).toBe(true)
    expect(segmentedPath.endsWith(".bin")).toBe(true)
    expect((await readdir(join(dir, "model-1"))).sort()).toEqual(
      [segmentedPath.split("/").pop(), "20240701T130000Z.bin"].sort(),
    )
    expect((await stat(segmentedPath)).mode & 0o777).toBe(0o600)
    expect((await stat(join(dir, "model-1"))).mode & 0o777).toBe(0o700)
    const read = DatasetProfileView.deserialize(await readFile(segmentedPath))
    expect(read.segment?.values).toEqual(["/users/:id", "GET"])
    expect(read.getColumn("x")?.counts?.n).toBe(1)
  })

  it("merges later writes of the same bucket and segment into the file, so it holds the whole bucket", async () => {
    const writer = new LocalWriter({ dir })
    await run(writer.write(profileWrite([1, 2])))
    await run(writer.write(profileWrite([3, 4, 5])))
    const view = DatasetProfileView.deserialize(await readFile(join(dir, "model-1", "20240701T130000Z.bin")))
    expect(view.getColumn("x")?.counts?.n).toBe(5)
    expect(view.getColumn("x")?.ints?.max).toBe(5n)
    // merge: false replaces instead.
    await run(new LocalWriter({ dir, merge: false }).write(profileWrite([9])))
    const replaced = DatasetProfileView.deserialize(
      await readFile(join(dir, "model-1", "20240701T130000Z.bin")),
    )
    expect(replaced.getColumn("x")?.counts?.n).toBe(1)
  })

  it("moves an unreadable file aside instead of overwriting it or failing forever", async () => {
    const writer = new LocalWriter({ dir })
    await mkdir(join(dir, "model-1"), { recursive: true })
    await writeFile(join(dir, "model-1", "20240701T130000Z.bin"), "not a profile")
    const result = await run(writer.write(profileWrite([1])))
    expect(Either.isRight(result)).toBe(true)
    const names = await readdir(join(dir, "model-1"))
    expect(names.some((n) => n.startsWith("20240701T130000Z.bin.unreadable-"))).toBe(true)
  })

  it("makes dataset and segment names file-system safe and keeps different names apart", async () => {
    const writer = new LocalWriter({ dir })
    const a = writer.pathOf({
      datasetId: "../../etc",
      bucket: new TimeBucket(HOUR, "hour"),
      segment: undefined,
    })
    // One path component right under the root: no "..", no separator.
    expect(dirname(dirname(a))).toBe(dir)
    expect(basename(dirname(a)).startsWith(".")).toBe(false)
    const slash = new ProfileSegment(["route"], ["/a"])
    const underscore = new ProfileSegment(["route"], ["_a"])
    const bucket = new TimeBucket(HOUR, "hour")
    expect(writer.pathOf({ datasetId: "d", bucket, segment: slash })).not.toBe(
      writer.pathOf({ datasetId: "d", bucket, segment: underscore }),
    )
    const long = new ProfileSegment(["c"], ["x".repeat(500)])
    expect(writer.pathOf({ datasetId: "d", bucket, segment: long }).split("/").pop()?.length).toBeLessThan(
      120,
    )
  })

  it("fails with a WriterError naming the file when the folder cannot be written", async () => {
    await writeFile(join(dir, "blocker"), "a file where a folder should be")
    const result = await run(new LocalWriter({ dir: join(dir, "blocker") }).write(profileWrite([1])))
    expect(Either.isLeft(result)).toBe(true)
    const error = Either.isLeft(result) ? result.left : undefined
    expect(error).toBeInstanceOf(WriterError)
    expect(error?.message).toContain(join(dir, "blocker"))
  })
})

describe("Outbox", () => {
  it("keeps bytes and a sidecar, lists oldest first, loads the profile back and removes it", async () => {
    const outbox = new Outbox(join(dir, ".outbox"))
    const segment = new ProfileSegment(["route"], ["/a"])
    const first = await Effect.runPromise(outbox.put("whylabs", profileWrite([1, 2], segment), "HTTP 503", 4))
    const second = await Effect.runPromise(outbox.put("whylabs", profileWrite([3]), "timeout", 1))
    const listed = await Effect.runPromise(outbox.list())
    expect(listed.map((e) => e.id)).toEqual([first.id, second.id])
    expect(listed[0]).toMatchObject({
      writer: "whylabs",
      datasetId: "model-1",
      rows: 2,
      attempts: 4,
      lastError: "HTTP 503",
    })
    const files = await readdir(join(dir, ".outbox", "whylabs"))
    expect(files.sort()).toEqual(
      [`${first.id}.bin`, `${first.id}.json`, `${second.id}.bin`, `${second.id}.json`].sort(),
    )
    for (const file of files)
      expect((await stat(join(dir, ".outbox", "whylabs", file))).mode & 0o777).toBe(0o600)
    const loaded = await Effect.runPromise(outbox.load(first))
    expect(loaded?.segment?.values).toEqual(["/a"])
    expect(loaded?.bucket.start).toBe(HOUR)
    expect(loaded?.view.getColumn("x")?.counts?.n).toBe(2)
    const noted = await Effect.runPromise(outbox.noteFailure(first, "again"))
    expect(noted).toMatchObject({ attempts: 5, lastError: "again" })
    await Effect.runPromise(outbox.remove(first))
    expect((await Effect.runPromise(outbox.list())).map((e) => e.id)).toEqual([second.id])
  })

  it("quarantines entries it cannot read and sweeps old leftovers of crashed writes", async () => {
    const outbox = new Outbox(join(dir, ".outbox"))
    const entry = await Effect.runPromise(outbox.put("w", profileWrite([1]), "x", 1))
    const folder = join(dir, ".outbox", "w")
    await writeFile(join(folder, "broken.json"), "{ not json")
    await writeFile(join(folder, `${entry.id}.bin`), "not a profile")
    expect((await Effect.runPromise(outbox.list())).map((e) => e.id)).toEqual([entry.id])
    expect(await Effect.runPromise(outbox.load(entry))).toBeUndefined()
    expect((await readdir(join(folder, "corrupt"))).sort()).toEqual(
      ["broken.json", `${entry.id}.bin`, `${entry.id}.json`].sort(),
    )
    expect(await Effect.runPromise(outbox.list())).toEqual([])
    // Leftovers: a temporary file and bytes without a sidecar; only old ones are swept.
    await writeFile(join(folder, "a.bin.1234.tmp"), "x")
    await writeFile(join(folder, "orphan.bin"), "x")
    await writeFile(join(folder, "fresh.bin"), "x")
    const old = new Date(Date.now() - 5 * 60_000)
    await utimes(join(folder, "a.bin.1234.tmp"), old, old)
    await utimes(join(folder, "orphan.bin"), old, old)
    expect(await Effect.runPromise(outbox.sweep())).toBe(2)
    expect((await readdir(folder)).filter((n) => n !== "corrupt")).toEqual(["fresh.bin"])
  })

  it("ignores stray files beside the writer folders instead of failing to list or sweep", async () => {
    const outbox = new Outbox(join(dir, ".outbox"))
    const entry = await Effect.runPromise(outbox.put("whylabs", profileWrite([1]), "x", 1))
    await writeFile(join(dir, ".outbox", "README.txt"), "left here by a person")
    await writeFile(join(dir, ".outbox", ".DS_Store"), "")
    expect((await Effect.runPromise(outbox.list())).map((e) => e.id)).toEqual([entry.id])
    expect(await Effect.runPromise(outbox.sweep())).toBe(0)
  })
})

describe("promiseWriter", () => {
  it("adapts an async function; what it throws becomes a retryable WriterError unless told otherwise", async () => {
    const seen: string[] = []
    const ok = promiseWriter("s3", async (p) => {
      seen.push(`${p.datasetId}/${p.bucket.fileStamp}`)
      return `s3://bucket/${p.datasetId}`
    })
    expect(Either.getOrThrow(await run(ok.write(profileWrite([1]))))).toEqual({
      destination: "s3://bucket/model-1",
    })
    expect(seen).toEqual(["model-1/20240701T130000Z"])
    const failing = promiseWriter(
      "flaky",
      async () => {
        throw new Error("quota exceeded")
      },
      { retryable: (e) => !(e instanceof Error && e.message.includes("quota")) },
    )
    const result = await run(failing.write(profileWrite([1])))
    expect(Either.isLeft(result) && result.left).toMatchObject({
      _tag: "WriterError",
      writer: "flaky",
      reason: "quota exceeded",
      retryable: false,
    })
  })
})
