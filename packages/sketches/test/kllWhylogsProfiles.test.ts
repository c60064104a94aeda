import { readFileSync } from "node:fs"
import { whylogsVector } from "@sketchlog/test-fixtures"
import { describe, expect, it } from "vitest"
import { KllDoublesSketch } from "../src/index.js"

/**
 * The KLL sketches inside the whylogs reference profiles (hex in `NAME.raw.json`) against what whylogs
 * 1.6 itself reports for them (`NAME.summary.json`; `read-legacy-kll.json` for the whylogs 1.0 file
 * whose preInts-5 KLL whylogs 1.6 cannot read): n, min, max and its nine quantiles.
 */

const QUANTILES: ReadonlyArray<[string, number]> = [
  ["q_01", 0.01],
  ["q_05", 0.05],
  ["q_10", 0.1],
  ["q_25", 0.25],
  ["median", 0.5],
  ["q_75", 0.75],
  ["q_90", 0.9],
  ["q_95", 0.95],
  ["q_99", 0.99],
]

const PROFILES: ReadonlyArray<[string, string]> = [
  ["tiny_10", "tiny_10.summary.json"],
  ["mixed_1k", "mixed_1k.summary.json"],
  ["mixed_1k_seg_category=A", "mixed_1k_seg_category=A.summary.json"],
  ["mixed_1k_seg_category=B", "mixed_1k_seg_category=B.summary.json"],
  ["mixed_1k_seg_category=C", "mixed_1k_seg_category=C.summary.json"],
  ["my_profile_064ba9e", "my_profile_064ba9e.read-legacy-kll.json"],
]

type Json = Record<string, unknown>
const readJson = (name: string): Json => JSON.parse(readFileSync(whylogsVector(name), "utf8")) as Json

/** whylogs writes non-finite floats as the strings "NaN", "Infinity", "-Infinity". */
const asNumber = (v: unknown): number => (typeof v === "string" ? Number(v) : (v as number))

const fromHex = (hex: string): Uint8Array =>
  Uint8Array.from(hex.match(/../g) ?? [], (b) => Number.parseInt(b, 16))

describe("KLL sketches in whylogs profiles decode to whylogs' own summary", () => {
  for (const [name, summaryFile] of PROFILES) {
    it(name, () => {
      const raw = readJson(`${name}.raw.json`).columns as Record<string, Json>
      const summary = readJson(summaryFile).columns as Record<string, { summary: Json }>
      let checked = 0
      for (const [column, components] of Object.entries(raw)) {
        const kll = components["distribution/kll"] as { value: { hex: string } } | undefined
        if (kll === undefined) continue
        const bytes = fromHex(kll.value.hex)
        const sketch = KllDoublesSketch.fromBytes(bytes)
        const expected = summary[column]!.summary
        expect(sketch.n, column).toBe(expected["distribution/n"])
        if (sketch.isEmpty) {
          expect(sketch.min).toBeNaN()
          for (const [key] of QUANTILES) expect(expected[`distribution/${key}`]).toBeNull()
        } else {
          expect(sketch.min, column).toBe(asNumber(expected["distribution/min"]))
          expect(sketch.max, column).toBe(asNumber(expected["distribution/max"]))
          for (const [key, rank] of QUANTILES) {
            expect(sketch.getQuantile(rank), `${column} ${key}`).toBe(
              asNumber(expected[`distribution/${key}`]),
            )
          }
        }
        // and, before any query sorts level zero, writes the same bytes back in the layout it came in
        const layout = bytes[0] === 5 ? "standard" : "whylogs"
        expect(KllDoublesSketch.fromBytes(bytes).toBytes({ layout })).toEqual(bytes)
        checked++
      }
      expect(checked).toBeGreaterThan(0)
    })
  }

  it("the whylogs 1.0 file carries the older preInts-5 layout that whylogs 1.6 rejects", () => {
    const raw = readJson("my_profile_064ba9e.raw.json").columns as Record<string, Json>
    const kll = raw.col_1!["distribution/kll"] as { value: { hex: string } }
    const bytes = fromHex(kll.value.hex)
    expect(bytes[0]).toBe(5)
    const sketch = KllDoublesSketch.fromBytes(bytes)
    expect(sketch.k).toBe(256)
    expect(sketch.getQuantiles([0.25, 0.5])).toEqual([1, 1.2])
    // re-written for a current whylogs reader
    expect(KllDoublesSketch.fromBytes(sketch.toBytes({ layout: "whylogs" })).toBytes()).toEqual(bytes)
  })
})
