import { join } from "node:path"
import { DatasetProfileView } from "@sketchlog/core"
import { categories, normals, whylogsVector } from "@sketchlog/test-fixtures"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { profileOf, runCli, tempDir } from "./cliHarness.js"

let dir: string
let cleanup: () => Promise<void>
beforeAll(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterAll(() => cleanup())

/** Rows split over three "replicas", and the same rows in one profile. */
const rows = {
  amount: normals(1, 3000, 20, 5),
  channel: categories(2, 3000, { web: 3, app: 2, store: 1 }),
  retries: Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? null : i % 4)),
}
const slice = (from: number, to: number) =>
  Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, v.slice(from, to)]))

describe("sketchlog merge", () => {
  it("writes the profile of the concatenated rows: exact counts, merged sketches", async () => {
    const cuts = [0, 700, 1900, 3000]
    for (let i = 0; i < 3; i++) {
      await profileOf(slice(cuts[i]!, cuts[i + 1]!), { datasetTimestamp: Date.UTC(2024, 0, 1, 3 - i) }).write(
        join(dir, `replica-${i}.bin`),
      )
    }
    const result = await runCli(
      ["merge", "replica-0.bin", "replica-1.bin", "replica-2.bin", "-o", "hour.bin"],
      {
        cwd: dir,
      },
    )
    expect(result.code).toBe(0)
    expect(result.stdout.trim()).toBe("merged 3 profiles (3 columns, 3,000 rows) into hour.bin")
    const merged = await DatasetProfileView.read(join(dir, "hour.bin"))
    const whole = profileOf(rows)
    // The earliest dataset timestamp of the inputs.
    expect(merged.datasetTimestamp).toBe(Date.UTC(2024, 0, 1, 1))
    for (const name of ["amount", "channel", "retries"]) {
      const got = merged.getColumn(name)!.summary()
      const want = whole.getColumn(name)!.summary()
      for (const field of Object.keys(want).filter(
        (f) => f.startsWith("counts/") || f.startsWith("types/"),
      )) {
        expect(got[field], `${name} ${field}`).toBe(want[field])
      }
      expect(got["distribution/n"]).toBe(want["distribution/n"])
      expect(got["distribution/min"]).toBe(want["distribution/min"])
      expect(got["distribution/max"]).toBe(want["distribution/max"])
      if (typeof want["distribution/mean"] === "number" && want["distribution/n"] !== 0) {
        expect(got["distribution/mean"] as number).toBeCloseTo(want["distribution/mean"], 9)
      }
    }
    expect(merged.getColumn("retries")!.ints).toEqual(whole.getColumn("retries")!.ints)
    const byValue = (items: ReadonlyArray<{ value: string }>) =>
      [...items].sort((a, b) => (a.value < b.value ? -1 : 1))
    expect(byValue(merged.getColumn("channel")!.frequentItems!.items())).toEqual(
      byValue(whole.getColumn("channel")!.frequentItems!.items()),
    )
  })

  it("merges whylogs' segment files back into the unsegmented profile's counts", async () => {
    const segments = ["A", "B", "C"].map((s) => whylogsVector(`mixed_1k_seg_category=${s}.bin`))
    const result = await runCli(["merge", ...segments, "-o", "all.bin"], { cwd: dir })
    expect(result.code).toBe(0)
    const merged = await DatasetProfileView.read(join(dir, "all.bin"))
    const whole = await DatasetProfileView.read(whylogsVector("mixed_1k.bin"))
    expect(merged.columnNames).toEqual(whole.columnNames)
    for (const name of whole.columnNames) {
      expect(merged.getColumn(name)!.counts, name).toEqual(whole.getColumn(name)!.counts)
      expect(merged.getColumn(name)!.types, name).toEqual(whole.getColumn(name)!.types)
    }
  })

  it("needs -o, and exits 3 without writing for an input that is not a profile", async () => {
    const noOutput = await runCli(["merge", "replica-0.bin"], { cwd: dir })
    expect(noOutput.code).toBe(2)
    expect(noOutput.stderr).toContain("required option '-o, --output <file>' not specified")
    const bad = await runCli(["merge", "replica-0.bin", "missing.bin", "-o", "never.bin"], { cwd: dir })
    expect(bad.code).toBe(3)
    expect(bad.stderr.trim()).toBe("sketchlog merge: missing.bin: no such file or directory")
    await expect(DatasetProfileView.read(join(dir, "never.bin"))).rejects.toMatchObject({
      _tag: "ProfileIOError",
    })
  })
})
