import { join } from "node:path"
import { categories, normals, whylogsVector } from "@sketchlog/test-fixtures"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { profileOf, runCli, tempDir } from "./cliHarness.js"

let dir: string
let cleanup: () => Promise<void>
// Exact sketches (≤ 1000 values a side), so the figures are the same on every run.
const N = 1000
beforeAll(async () => {
  ;({ dir, cleanup } = await tempDir())
  const write = (name: string, columns: Record<string, ReadonlyArray<unknown>>) =>
    profileOf(columns).write(join(dir, name))
  await write("baseline.bin", {
    amount: normals(11, N, 50, 10),
    channel: categories(12, N, { web: 5, app: 4, store: 1 }),
  })
  await write("same.bin", {
    amount: normals(21, N, 50, 10),
    channel: categories(22, N, { web: 5, app: 4, store: 1 }),
  })
  await write("shifted.bin", {
    amount: normals(31, N, 70, 10),
    channel: categories(32, N, { web: 5, app: 4, store: 1 }),
  })
  await write("slightly.bin", {
    amount: normals(41, N, 55, 10),
    channel: categories(42, N, { web: 5, app: 4, store: 1 }),
  })
  await write("new-category.bin", {
    amount: normals(51, N, 50, 10),
    channel: categories(52, N, { web: 5, app: 4, store: 1, kiosk: 5 }),
  })
})
afterAll(() => cleanup())

interface DiffJson {
  readonly verdict: string
  readonly failed: boolean
  readonly counts: Record<string, number>
  readonly thresholds: {
    hellinger: { drift: number; possible: number }
    ks: { drift: number; possible: number }
  }
  readonly columns: Array<{
    column: string
    kind: string
    verdict: string | null
    hellinger: { distance: number; verdict: string } | null
    ks: { statistic: number; pValue: number; verdict: string } | null
  }>
}
const diffJson = async (target: string, ...flags: string[]) => {
  const result = await runCli(["diff", "baseline.bin", target, "--json", ...flags], { cwd: dir })
  return { code: result.code, json: JSON.parse(result.stdout) as DiffJson, stderr: result.stderr }
}
const column = (json: DiffJson, name: string) => json.columns.find((c) => c.column === name)!

describe("sketchlog diff", () => {
  it("finds no drift between samples of the same distributions and exits 0", async () => {
    const { code, json } = await diffJson("same.bin")
    expect(code).toBe(0)
    expect(json.verdict).toBe("NO_DRIFT")
    expect(column(json, "amount")).toMatchObject({ kind: "numeric", verdict: "NO_DRIFT" })
    expect(column(json, "amount").ks!.pValue).toBeGreaterThan(0.15)
    expect(column(json, "channel")).toMatchObject({ kind: "categorical", verdict: "NO_DRIFT" })
  })

  it("finds the mean shift in the numeric column only, and exits 1", async () => {
    const { code, json } = await diffJson("shifted.bin")
    expect(code).toBe(1)
    expect(json.failed).toBe(true)
    const amount = column(json, "amount")
    expect(amount.verdict).toBe("DRIFT")
    expect(amount.hellinger!.verdict).toBe("DRIFT")
    expect(amount.ks!.verdict).toBe("DRIFT")
    expect(column(json, "channel").verdict).toBe("NO_DRIFT")
    expect(json.counts).toEqual({ NO_DRIFT: 1, POSSIBLE_DRIFT: 0, DRIFT: 1, untested: 0 })
  })

  it("finds a new category in the categorical column, and exits 1", async () => {
    const { code, json } = await diffJson("new-category.bin")
    expect(code).toBe(1)
    expect(column(json, "channel").verdict).toBe("DRIFT")
    expect(column(json, "channel").hellinger!.distance).toBeGreaterThanOrEqual(0.4)
    expect(column(json, "amount").verdict).toBe("NO_DRIFT")
  })

  it("takes thresholds and a failing verdict as options", async () => {
    // 0.5σ shift: KS says DRIFT, Hellinger POSSIBLE_DRIFT at whylogs' thresholds.
    const defaults = await diffJson("slightly.bin")
    expect(defaults.code).toBe(1)
    expect(column(defaults.json, "amount").hellinger!.verdict).toBe("POSSIBLE_DRIFT")
    const lenient = await diffJson("slightly.bin", "--threshold-ks", "0", "--possible-ks", "0")
    expect(lenient.json.thresholds.ks).toEqual({ drift: 0, possible: 0 })
    expect(column(lenient.json, "amount").verdict).toBe("POSSIBLE_DRIFT")
    expect(lenient.code).toBe(0)
    const strict = await diffJson(
      "slightly.bin",
      "--threshold-ks",
      "0",
      "--possible-ks",
      "0",
      "--fail-on",
      "possible",
    )
    expect(strict.code).toBe(1)
    const hellinger = await diffJson("slightly.bin", "--threshold-hellinger", "0.1", "--fail-on", "never")
    expect(column(hellinger.json, "amount").hellinger!.verdict).toBe("DRIFT")
    expect(hellinger.code).toBe(0)
    const contradictory = await runCli(
      ["diff", "baseline.bin", "same.bin", "--threshold-hellinger", "0.1", "--possible-hellinger", "0.3"],
      {
        cwd: dir,
      },
    )
    expect(contradictory.code).toBe(2)
    expect(contradictory.stderr.trim()).toMatch(/^sketchlog diff: drift option hellinger\.possible: /)
  })

  it("prints a table with a verdict per column and a summary line", async () => {
    const result = await runCli(["diff", "baseline.bin", "shifted.bin"], { cwd: dir })
    expect(result.code).toBe(1)
    const lines = result.stdout.trimEnd().split("\n")
    expect(lines[0]).toMatch(/^baseline {2}baseline\.bin \(2024-01-01T00:00:00\.000Z, 1,000 rows\)$/)
    expect(lines.find((l) => l.startsWith("amount "))).toMatch(/numeric\s+0\.\d{3}\s+0\.\d{3}\s+\S+\s+DRIFT$/)
    expect(lines.find((l) => l.startsWith("channel "))).toMatch(/categorical\s+0\.\d{3}\s+—\s+—\s+no drift$/)
    expect(lines.at(-1)).toMatch(
      /^1 drifted, 0 possible, 1 no drift \(drift: Hellinger ≥ 0\.4 or KS p < 0\.05;/,
    )
  })

  it("compares whylogs-written profiles, and exits 3 for a corrupt one", async () => {
    const segments = await runCli([
      "diff",
      whylogsVector("mixed_1k_seg_category=A.bin"),
      whylogsVector("mixed_1k_seg_category=B.bin"),
      "--json",
    ])
    expect(segments.code).toBe(1)
    const json = JSON.parse(segments.stdout) as DiffJson
    expect(column(json, "category")).toMatchObject({ kind: "categorical", verdict: "DRIFT" })
    const corrupt = await runCli(["diff", "baseline.bin", whylogsVector("mixed_1k.summary.json")], {
      cwd: dir,
    })
    expect(corrupt.code).toBe(3)
    expect(corrupt.stderr).toMatch(/mixed_1k\.summary\.json: not a readable whylogs v1 profile/)
  })
})
