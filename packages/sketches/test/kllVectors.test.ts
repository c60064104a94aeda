import { describe, expect, it } from "vitest"
import { KllDoublesSketch } from "../src/index.js"
import { type Expected, kllVectors, readExpected } from "./kllVectorFiles.js"

/** Same double, -0 and 0 told apart (the vectors print them differently). */
const sameDouble = (actual: number, expected: number) =>
  expect(Object.is(actual, expected) ? expected : actual).toBe(expected)

const vectors = kllVectors()

describe("KLL doubles vectors decode to the reference values", () => {
  it("finds every vector family and an expected file for each", () => {
    expect(new Set(vectors.map((v) => v.dir))).toEqual(new Set(["cpp", "java", "go", "wls", "det"]))
    expect(vectors.length).toBe(35)
    for (const v of vectors) expect(readExpected(v.name, ".txt"), v.name).toBeDefined()
  })

  const summary = (sketch: KllDoublesSketch, e: Expected) => {
    const f = e.fields
    expect(sketch.k).toBe(Number(f.k))
    expect(sketch.n).toBe(Number(f.n))
    expect(sketch.numRetained).toBe(Number(f.num_retained))
    expect(sketch.isEmpty).toBe(f.is_empty === "1")
    expect(sketch.isEstimationMode).toBe(f.estimation_mode === "1")
    if (f.min !== undefined) sameDouble(sketch.min, Number(f.min))
    if (f.max !== undefined) sameDouble(sketch.max, Number(f.max))
  }

  for (const v of vectors) {
    it(`${v.dir}/${v.name}: summary, error bound, 5.x quantiles and ranks`, () => {
      const sketch = KllDoublesSketch.fromBytes(v.bytes())
      const e = readExpected(v.name, ".txt")!
      summary(sketch, e)
      if (sketch.isEmpty) {
        expect(sketch.min).toBeNaN()
        expect(sketch.getQuantile(0.5)).toBeNaN()
        expect(sketch.getRank(1)).toBeNaN()
      }
      const nre = e.fields["normalized_rank_error(single)"]
      if (nre !== undefined) expect(sketch.normalizedRankError()).toBe(Number(nre))
      expect(e.quantiles.length).toBe(sketch.isEmpty ? 0 : 9)
      for (const q of e.quantiles) {
        sameDouble(sketch.getQuantile(q.arg, { rule: "v5", inclusive: true }), q.values.inclusive!)
        sameDouble(sketch.getQuantile(q.arg, { rule: "v5", inclusive: false }), q.values.exclusive!)
        // v5 defaults to inclusive
        sameDouble(sketch.getQuantile(q.arg, { rule: "v5" }), q.values.inclusive!)
      }
      for (const r of e.ranks) {
        for (const rule of ["v5", "whylogs"] as const) {
          expect(sketch.getRank(r.arg, { rule, inclusive: true })).toBe(r.values.inclusive)
          expect(sketch.getRank(r.arg, { rule, inclusive: false })).toBe(r.values.exclusive)
        }
      }
    })

    const v34 = readExpected(v.name, ".wls_v34.txt")
    if (v34 !== undefined) {
      it(`${v.dir}/${v.name}: whylogs (DataSketches 3.4) quantiles`, () => {
        const sketch = KllDoublesSketch.fromBytes(v.bytes())
        summary(sketch, v34)
        expect(v34.quantiles.length).toBe(sketch.isEmpty ? 0 : 9)
        for (const q of v34.quantiles) {
          const exclusive = q.values["v3.4-exclusive(whylogs default)"]!
          sameDouble(sketch.getQuantile(q.arg), exclusive)
          sameDouble(sketch.getQuantile(q.arg, { rule: "whylogs", inclusive: false }), exclusive)
          sameDouble(sketch.getQuantile(q.arg, { inclusive: true }), q.values["v3.4-inclusive"]!)
        }
        expect(sketch.getQuantiles(v34.quantiles.map((q) => q.arg))).toEqual(
          v34.quantiles.map((q) => q.values["v3.4-exclusive(whylogs default)"]),
        )
      })
    }
  }

  it("whylogs files written after compaction carry the MANIFEST level layout", () => {
    // levels [157,201,403,(541)]: 384 retained; the last boundary is derived, not stored.
    const bytes = kllVectors()
      .find((v) => v.name === "kll_double_k256_n1000_wls")!
      .bytes()
    const view = new DataView(bytes.buffer, bytes.byteOffset)
    expect([0, 1, 2].map((i) => view.getUint32(24 + 4 * i, true))).toEqual([157, 201, 403])
    expect(KllDoublesSketch.fromBytes(bytes).numRetained).toBe(384)
  })
})
