import { readdir, readFile } from "node:fs/promises"
import { join } from "node:path"
import { DatasetProfileView } from "@sketchlog/core"
import { DirectoryStore, StoreWriter } from "@sketchlog/core/store"
import { profileWriteOf } from "@sketchlog/core/testing"
import { S3Store, S3Writer } from "@sketchlog/s3"
import { S3Server } from "@sketchlog/test-fixtures/s3"
import { Chunk, Effect, Stream } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli, tempDir } from "./cliHarness.js"

const T0 = Date.UTC(2026, 11, 7, 16)
const HOUR = 3_600_000

let s3: S3Server
let saved: NodeJS.ProcessEnv
let dir: string
let cleanup: () => Promise<void>

const writeOf = (hour: number, route: string, values: ReadonlyArray<number>) =>
  profileWriteOf({ x: values }, { datasetId: "m", bucketStart: T0 + hour * HOUR, segment: { route } })

/** 3 replicas × 2 writes × 2 hours × 2 routes: 24 objects, 4 partitions, 6 rows each × 4 values. */
const fill = async (writers: ReadonlyArray<StoreWriter>) => {
  for (const writer of writers)
    for (const hour of [0, 1])
      for (const route of ["/a", "/b"])
        for (const write of [1, 2])
          await Effect.runPromise(writer.write(writeOf(hour, route, [write, hour, 3, 4])))
}

const counts = (stdout: string): number[] =>
  (JSON.parse(stdout) as { profiles: Array<{ columns: { x: Record<string, number> } }> }).profiles.map(
    (p) => p.columns.x["counts/n"] as number,
  )

beforeAll(async () => {
  s3 = await S3Server.start()
  saved = { ...process.env }
  Object.assign(process.env, s3.environment())
  ;({ dir, cleanup } = await tempDir())
  await fill(["r1", "r2", "r3"].map((replica) => new S3Writer({ url: "s3://profiles/cli", replica })))
})
afterAll(async () => {
  process.env = saved
  await cleanup()
  await s3.close()
})

describe("sketchlog on a profile store", () => {
  it("inspect merges the replicas of each bucket and segment, narrowed by --dataset, --from, --to and --segment", async () => {
    const all = await runCli(["inspect", "s3://profiles/cli", "--json", "--progress", "never"])
    expect(all.code).toBe(0)
    expect(counts(all.stdout)).toEqual([24, 24, 24, 24])
    const labels = (JSON.parse(all.stdout) as { profiles: Array<{ file: string }> }).profiles.map(
      (p) => p.file,
    )
    expect(labels[0]).toBe("s3://profiles/cli · m · 2026-12-07T16:00:00.000Z · route=/a")
    const narrow = await runCli([
      "inspect",
      "s3://profiles/cli",
      "--json",
      "--dataset",
      "m",
      "--from",
      "2026-12-07T17:00Z",
      "--to",
      "2026-12-08",
      "--segment",
      "route=/b",
    ])
    expect(counts(narrow.stdout)).toEqual([24])
    const merged = await runCli(["inspect", "s3://profiles/cli", "--merge", "--json"])
    expect(counts(merged.stdout)).toEqual([96])
  })

  it("merge, diff and report read a store like a directory", async () => {
    const merged = await runCli(["merge", "s3://profiles/cli", "--dataset", "m", "-o", join(dir, "all.bin")])
    expect(merged.code).toBe(0)
    expect((await DatasetProfileView.read(join(dir, "all.bin"))).getColumn("x")?.counts?.n).toBe(96)
    const diff = await runCli(["diff", "s3://profiles/cli", join(dir, "all.bin"), "--segment", "route=/a"])
    expect(diff.stdout).toContain("no drift")
    expect(diff.code).toBe(0)
    const report = await runCli([
      "report",
      "s3://profiles/cli",
      "-o",
      join(dir, "report.html"),
      "--dataset",
      "m",
    ])
    expect(report.code).toBe(0)
    expect(await readFile(join(dir, "report.html"), "utf8")).toContain("<html")
  })

  it("draws a download bar on stderr when asked, and keeps stdout for the output", async () => {
    const result = await runCli(["inspect", "s3://profiles/cli", "--merge", "--progress", "always"])
    expect(result.code).toBe(0)
    expect(result.stderr).toMatch(/downloading \[.*\] 24\/24 objects/)
    expect(result.stdout).not.toContain("downloading")
  })

  it("compact leaves one object per partition with the same counts, and says what it did", async () => {
    await Effect.runPromise(
      Effect.forEach(["r1", "r2"], (replica) =>
        Effect.promise(() => fill([new S3Writer({ url: "s3://profiles/compact", replica })])),
      ),
    )
    const before = await runCli(["inspect", "s3://profiles/compact", "--json"])
    const result = await runCli([
      "compact",
      "s3://profiles/compact",
      "--before",
      "now",
      "--progress",
      "never",
    ])
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /^compacted 4 partitions \(16 objects merged\); 0 already compact; deleted 16 objects; read .* wrote .* in /,
    )
    const keys = Chunk.toArray(
      await Effect.runPromise(Stream.runCollect(new S3Store("s3://profiles/compact").list())),
    ).map((p) => p.key)
    expect(keys).toHaveLength(4)
    expect(keys.every((key) => key.includes(".compacted."))).toBe(true)
    expect(counts((await runCli(["inspect", "s3://profiles/compact", "--json"])).stdout)).toEqual(
      counts(before.stdout),
    )
    const again = await runCli(["compact", "s3://profiles/compact"])
    expect(again.stdout).toMatch(
      /^compacted 0 partitions \(0 objects merged\); 4 already compact; deleted 0 objects/,
    )
  })

  it("compacts a directory store, and reads a directory as a store when a store option is given", async () => {
    const store = join(dir, "store")
    await fill(["r1", "r2"].map((replica) => new StoreWriter({ store: new DirectoryStore(store), replica })))
    expect(counts((await runCli(["inspect", store, "--dataset", "m", "--json"])).stdout)).toEqual([
      16, 16, 16, 16,
    ])
    expect((await runCli(["compact", store, "--dataset", "m"])).code).toBe(0)
    expect(
      await readdir(join(store, "dataset=m", "date=2026-12-07", "hour=16", "segment=route%3D%2Fa")),
    ).toHaveLength(1)
    expect(counts((await runCli(["inspect", store, "--dataset", "m", "--json"])).stdout)).toEqual([
      16, 16, 16, 16,
    ])
  })

  it("fails with one line and the store's exit code: no bucket (3), refused credentials (4), bad URL or time (2)", async () => {
    const missing = await runCli(["inspect", "s3://no-such-bucket/x"])
    expect(missing.code).toBe(3)
    expect(missing.stderr).toMatch(
      /^sketchlog inspect: s3:\/\/no-such-bucket\/x: list: NoSuchBucket \(HTTP 404\): no such bucket\n$/,
    )
    const empty = await runCli(["inspect", "s3://profiles/cli", "--dataset", "nothing"])
    expect(empty.code).toBe(3)
    expect(empty.stderr).toContain('no profiles for datasetId "nothing"')
    process.env.AWS_ACCESS_KEY_ID = "AKIAEXAMPLEUNKNOWN"
    process.env.AWS_SECRET_ACCESS_KEY = "not/the/real+secret"
    try {
      const refused = await runCli(["inspect", "s3://profiles/cli"])
      expect(refused.code).toBe(4)
      expect(refused.stderr).toContain("refused the credentials")
      expect(refused.stderr).not.toContain("not/the/real+secret")
    } finally {
      Object.assign(process.env, s3.environment())
    }
    expect((await runCli(["inspect", "s3://a"])).code).toBe(2)
    const badTime = await runCli(["inspect", "s3://profiles/cli", "--from", "yesterday"])
    expect(badTime.code).toBe(2)
    expect(badTime.stderr).toContain("expected a time")
  })
})
