import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { DatasetProfileView } from "@sketchlog/core"
import { categories, normals, whylogsVector } from "@sketchlog/test-fixtures"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ReportInputError, renderReport } from "../src/index.js"
import { profileOf, runCli, tempDir } from "./cliHarness.js"

let dir: string
let cleanup: () => Promise<void>
const HOUR = 3_600_000
const T0 = Date.UTC(2024, 0, 1)
const HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'

beforeAll(async () => {
  ;({ dir, cleanup } = await tempDir())
  for (let h = 0; h < 4; h++) {
    await profileOf(
      {
        latency_ms: normals(h + 1, 400, 100 + 10 * h, 20),
        channel: categories(h + 10, 400, { web: 5, app: 4, [HOSTILE]: 1 }),
        [HOSTILE]: normals(h + 20, 400, 0, 1),
      },
      { datasetTimestamp: T0 + h * HOUR },
    ).write(join(dir, `hour-${h}.bin`))
  }
  await profileOf({
    latency_ms: normals(99, 800, 100, 20),
    channel: categories(98, 800, { web: 5, app: 4 }),
    gone: [1, 2, 3],
  }).write(join(dir, "baseline.bin"))
})
afterAll(() => cleanup())

const cards = (page: string) => page.match(/<article class="column-card"/g) ?? []
const mainCharts = (page: string) => page.match(/class="chart chart-\w+ chart-main"/g) ?? []
/** The chart specs of the page, by id. */
const specs = (page: string): Record<string, { kind: string }> =>
  JSON.parse(/<script type="application\/json" id="chart-specs">([\s\S]*?)<\/script>/.exec(page)![1]!)
/** The kind of each column's main chart (histogram, bars), by column. */
const mainKinds = (page: string): Record<string, string> => {
  const all = specs(page)
  const out: Record<string, string> = {}
  for (const card of page.split('<article class="column-card"').slice(1)) {
    const column = /data-column="([^"]*)"/.exec(card)![1]!
    const id = /class="chart chart-\w+ chart-main" data-chart="(c\d+)"/.exec(card)![1]!
    out[column] = all[id]!.kind
  }
  return out
}

describe("sketchlog report", () => {
  it("writes one self-contained page: a card and a main chart per column, bands over time, drift badges", async () => {
    // An output directory that does not exist: the write fails with exit 1 and one line.
    const unwritable = await runCli(["report", "hour-0.bin", "-o", "out/report.html"], { cwd: dir })
    expect(unwritable.code).toBe(1)
    expect(unwritable.stderr).toMatch(/^sketchlog report: cannot write out\/report\.html: ENOENT/)
    const written = await runCli(
      [
        "report",
        "hour-0.bin",
        "hour-1.bin",
        "hour-2.bin",
        "hour-3.bin",
        "-o",
        "report.html",
        "--baseline",
        "baseline.bin",
        "--title",
        "Checkout <API>",
      ],
      { cwd: dir },
    )
    expect(written.code).toBe(0)
    expect(written.stdout.trim()).toBe(join(dir, "report.html"))
    const page = await readFile(join(dir, "report.html"), "utf8")
    expect(cards(page)).toHaveLength(3)
    expect(mainCharts(page)).toHaveLength(3)
    expect(Object.values(mainKinds(page)).sort()).toEqual(["bars", "histogram", "histogram"])
    // Four dataset times: quantile bands for both numeric columns.
    expect(page.match(/class="chart chart-time chart-bands"/g)).toHaveLength(2)
    expect(page).toContain("4 dataset times, 2024-01-01T00:00:00Z – 2024-01-01T03:00:00Z")
    // Drift against the baseline: latency moved by 1.5σ over the hours; "gone" is only in the baseline.
    expect(page).toMatch(
      /<article class="column-card" id="s\d+-col-\d+" data-column="latency_ms">[\s\S]*?<span class="badge drift"/,
    )
    expect(page).toContain("Only in baseline.bin: gone.")
    expect(page).toContain("<title>Checkout &lt;API&gt;</title>")
  })

  it("escapes every text from a profile, runs only its own inline scripts, and has no external reference", async () => {
    const page = renderReport([await DatasetProfileView.read(join(dir, "hour-0.bin"))], { title: HOSTILE })
    // The chart data (JSON, never run), uPlot and the chart components: no other script.
    expect(page.match(/<script/g)).toHaveLength(3)
    expect(page).toContain('<script type="application/json" id="chart-specs">')
    expect(page).not.toContain("<img")
    expect(page).toContain(
      "&lt;script&gt;window.__pwned = 1&lt;/script&gt;&lt;img src=x onerror=&quot;window.__pwned = 2&quot;&gt;",
    )
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//)
    expect(page).not.toMatch(/@import|url\(/)
    expect(page).toMatch(
      /content="default-src 'none'; script-src 'sha256-[^']+' 'sha256-[^']+'; style-src 'unsafe-inline'; img-src data:;/,
    )
  })

  it("renders a whylogs-written profile: every column, with histograms for its numbers", async () => {
    const view = await DatasetProfileView.read(whylogsVector("mixed_1k.bin"))
    const page = renderReport([view])
    expect(cards(page)).toHaveLength(view.columns.size)
    expect(mainCharts(page)).toHaveLength(view.columns.size)
    const kinds = mainKinds(page)
    for (const name of ["float_col", "int_col", "int_nullable"]) expect(kinds[name], name).toBe("histogram")
    // float_inf holds ±Infinity: drawn over its finite values, the infinities counted beside.
    expect(page).toMatch(/data-column="float_inf">[\s\S]*?Not drawn: \d+ at −∞, \d+ at \+∞\./)
  })

  it("renderReport needs at least one profile", () => {
    expect(() => renderReport([])).toThrow(ReportInputError)
  })
})
