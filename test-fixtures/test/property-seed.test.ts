import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { FIXED_PROPERTY_SEED } from "../src/vitest/propertySeed.js"

describe("property tests in pnpm test", () => {
  it("run with the fixed seed unless a fuzz run sets one", () => {
    const expected = process.env.SKETCHLOG_FUZZ_SEED
      ? Number(process.env.SKETCHLOG_FUZZ_SEED)
      : FIXED_PROPERTY_SEED
    expect(fc.readConfigureGlobal().seed).toBe(expected)
  })

  it("draw the same values on every run", () => {
    const draw = () => fc.sample(fc.integer(), { numRuns: 5 })
    expect(draw()).toEqual(draw())
  })
})
