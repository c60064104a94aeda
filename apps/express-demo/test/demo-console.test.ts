import { DatasetProfile } from "@sketchlog/core"
import { compareProfiles } from "@sketchlog/core/drift"
import { describe, expect, it } from "vitest"
import { CAPPED_NOTE, distinctText } from "../src/demo/DistinctCount.js"
import { driftSummary } from "../src/demo/DriftSummary.js"
import { routeSummaryTable } from "../src/demo/RouteSummary.js"
import { countOf, formatNumber, formatPValue, textTable } from "../src/demo/TextTable.js"

/** The body lines of a text table (header and rule dropped), split into cells on runs of 2+ spaces. */
const bodyCells = (table: string) =>
  table
    .split("\n")
    .slice(2)
    .filter((line) => !line.startsWith("*"))
    .map((line) => line.split(/ {2,}/))

describe("the demo's console tables", () => {
  it("never cuts column names so that two read the same: the distinguishing tail stays", () => {
    const names = [
      "response.body.models.0.thresholds.approve",
      "response.body.models.0.thresholds.review",
      "response.body.models.0.features.length",
      "request.body.one.long.part.that.stays.the.same.tail",
      "request.body.two.long.part.that.stays.the.same.tail",
      "http.status",
    ]
    const shown = bodyCells(
      textTable(
        [{ header: "column", maxWidth: 34, cut: "middle" }],
        names.map((n) => [n]),
      ),
    ).map((cells) => cells[0] as string)
    expect(new Set(shown).size).toBe(names.length)
    expect(shown[0]).toMatch(/…\.0\.thresholds\.approve$/)
    expect(shown[1]).toMatch(/…\.0\.thresholds\.review$/)
    expect(shown[0]?.length).toBeLessThanOrEqual(34)
    // These two would read the same once cut, so both stay whole.
    expect(shown[3]).toBe(names[3])
    expect(shown[4]).toBe(names[4])
    expect(shown[5]).toBe("http.status")
  })

  it("formats every number in one notation, with no exponent beside a grouped number", () => {
    expect([61_500.5, 51_000, 1.25e9, 0.0000312, 0.3125, 0].map(formatNumber)).toEqual([
      "61,501",
      "51,000",
      "1,250,000,000",
      "0.0000312",
      "0.3125",
      "0",
    ])
    expect([9e-56, 0.1413].map(formatPValue)).toEqual(["<0.0001", "0.1413"])
    expect([countOf(1, "row"), countOf(0, "row"), countOf(2040, "request")]).toEqual([
      "1 row",
      "0 rows",
      "2,040 requests",
    ])
  })

  it("shows distinct counts as estimates (≈), never above the count of values: capped and marked", () => {
    expect(distinctText(2060.4, 2002)).toEqual({ text: "≈2,002*", capped: true })
    expect(distinctText(75.6, 2040)).toEqual({ text: "≈76", capped: false })
    // A real HLL estimate above its count (found once, deterministically: the hash is fixed).
    let n = 1000
    const estimateOf = (size: number) => {
      const profile = new DatasetProfile()
      profile.trackColumns({ x: Float64Array.from({ length: size }, (_, i) => i + 0.5) })
      return { view: profile.view(), estimate: profile.view().getColumn("x")?.cardinality?.estimate ?? 0 }
    }
    while (estimateOf(n).estimate <= n && n < 3000) n += 97
    const { view, estimate } = estimateOf(n)
    expect(estimate).toBeGreaterThan(n)
    const table = routeSummaryTable(view)
    const cells = bodyCells(table)[0] as Array<string>
    expect(cells[0]).toBe("x")
    expect(cells).toContain(`≈${formatNumber(n)}*`)
    expect(table.endsWith(CAPPED_NOTE)).toBe(true)
  })

  it("the drift headline counts exactly the columns of its table, and says what it left out", () => {
    const half = (shift: number) => {
      const profile = new DatasetProfile()
      for (let i = 0; i < 2000; i++) {
        profile.track({
          "request.body.income": 50_000 + ((i * 7919) % 20_000) - shift * 15_000,
          "request.body.age": 20 + ((i * 31) % 50),
          "http.duration_ms": 1 + ((i * 13) % 10) + shift * 40,
          "http.response.size": 250 + ((i * 3) % 20) + shift * 100,
          "http.status": 200,
        })
      }
      return profile.view()
    }
    const { headline, table } = driftSummary(compareProfiles(half(0), half(1)), "POST /v1/score")
    const rows = bodyCells(table)
    const drifted = rows.filter((cells) => cells[1] === "DRIFT").length
    const possibly = rows.filter((cells) => cells[1] === "POSSIBLE_DRIFT").length
    expect(headline).toMatch(
      new RegExp(
        `of 3 data columns, ${drifted} drifted, ${possibly} possibly, ${3 - drifted - possibly} did not`,
      ),
    )
    expect(headline).toMatch(/2 timing, size or header columns left out/)
    expect(rows.map((cells) => cells[0])).toContain("request.body.income")
    expect(rows.map((cells) => cells[0])).not.toContain("http.duration_ms")
  })
})
