import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { DatasetProfileView } from "@sketchlog/core"
import { categories, normals, whylogsVector } from "@sketchlog/test-fixtures"
import type { Browser, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { renderReport } from "../src/index.js"
import { profileOf, tempDir } from "./cliHarness.js"
import { ARTIFACTS, launchChromium } from "./headlessChromium.js"

const HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'

let browser: Browser
let dir: string
let cleanup: () => Promise<void>
beforeAll(async () => {
  browser = await launchChromium("the report tests")
  ;({ dir, cleanup } = await tempDir())
  await mkdir(ARTIFACTS, { recursive: true })
})
afterAll(async () => {
  await browser?.close()
  await cleanup?.()
})

/** Everything that went wrong while the page loaded: console errors, page errors, any request but the page. */
const open = async (html: string, name: string): Promise<{ page: Page; problems: string[] }> => {
  const file = join(dir, `${name}.html`)
  await writeFile(file, html)
  const url = pathToFileURL(file).href
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } })
  const problems: string[] = []
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`)
  })
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`))
  page.on("requestfailed", (r) => problems.push(`failed request: ${r.url()}`))
  page.on("request", (r) => {
    if (r.url() !== url) problems.push(`request: ${r.url()}`)
  })
  await page.goto(url, { waitUntil: "load" })
  return { page, problems }
}

/** Per card: its column and the size of each main chart as drawn. */
const drawnCards = (page: Page) =>
  page.$$eval(".column-card", (cards) =>
    cards.map((card) => ({
      column: card.getAttribute("data-column"),
      heading: card.querySelector("h3")?.textContent,
      mainCharts: [...card.querySelectorAll(".chart-main")].map((chart) => {
        const box = chart.getBoundingClientRect()
        return {
          kind: chart.getAttribute("data-drawn"),
          width: box.width,
          height: box.height,
          shapes: chart.querySelectorAll("canvas").length,
        }
      }),
    })),
  )

describe("the HTML report in headless Chromium", () => {
  it("renders without errors or requests, one drawn chart per column, and injects nothing", async () => {
    const HOUR = 3_600_000
    const views = Array.from({ length: 6 }, (_, h) =>
      profileOf(
        {
          latency_ms: normals(h + 1, 500, 120 + 8 * h, 25),
          amount: normals(h + 50, 500, 50, 10).map((x, i) => (i % 20 === 0 ? null : x)),
          channel: categories(
            h + 7,
            500,
            h < 3 ? { web: 5, app: 4, store: 1 } : { web: 5, app: 4, store: 1, kiosk: 3 },
          ),
          retries: Array.from({ length: 500 }, (_, i) => (i * (h + 3)) % 4),
          is_bot: Array.from({ length: 500 }, (_, i) => i % 9 === 0),
          payload: Array.from({ length: 500 }, () => ({ nested: true })),
          [HOSTILE]: categories(h + 9, 500, { [HOSTILE]: 2, "<b>bold</b>": 1 }),
        },
        { datasetTimestamp: Date.UTC(2024, 0, 1) + h * HOUR },
      ),
    )
    const baseline = profileOf({
      latency_ms: normals(99, 2000, 120, 25),
      amount: normals(98, 2000, 50, 10),
      channel: categories(97, 2000, { web: 5, app: 4, store: 1 }),
      retries: Array.from({ length: 2000 }, (_, i) => i % 3),
      is_bot: Array.from({ length: 2000 }, (_, i) => i % 10 === 0),
    })
    const html = renderReport(views, {
      title: "Checkout API — requests",
      baseline,
      baselineLabel: "last week",
      sources: views.map((_, h) => `checkout/2024-01-01T0${h}:00:00Z.bin`),
      generatedAt: new Date(Date.UTC(2024, 0, 2, 9, 30)),
    })
    const { page, problems } = await open(html, "synthetic")
    const cards = await drawnCards(page)
    expect(cards.map((c) => c.column)).toEqual(views[0]!.columnNames)
    for (const card of cards) {
      expect(card.mainCharts, String(card.column)).toHaveLength(1)
      const [chart] = card.mainCharts
      expect(chart!.width, String(card.column)).toBeGreaterThan(300)
      expect(chart!.height, String(card.column)).toBeGreaterThan(10)
      expect(chart!.shapes, String(card.column)).toBeGreaterThan(0)
    }
    expect(Object.fromEntries(cards.map((c) => [c.column, c.mainCharts[0]!.kind]))).toEqual({
      [HOSTILE]: "bars",
      amount: "histogram",
      channel: "bars",
      is_bot: "bars",
      latency_ms: "histogram",
      payload: "bars",
      // Four whole numbers: bars of the values, not a histogram of 0, 0.5, 1, 1.5 …
      retries: "bars",
    })
    // The hostile column name and value are shown as text and ran nothing.
    expect(cards.find((c) => c.column === HOSTILE)!.heading).toBe(HOSTILE)
    expect(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned)).toBeUndefined()
    expect(await page.locator("img, iframe, object").count()).toBe(0)
    expect(await page.locator("script").count()).toBe(3)
    expect(await page.locator(".chart-bands[data-drawn=time]").count()).toBe(3)
    expect(await page.locator(".summary tbody tr").count()).toBe(7)
    expect(await page.locator(".badge.drift").count()).toBeGreaterThan(0)
    // The summary table fits the page width: nothing hidden behind a scroll bar.
    expect(await page.$eval(".table-wrap", (el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0)
    await page.screenshot({ path: join(ARTIFACTS, "report.png"), fullPage: true })
    expect(problems).toEqual([])
    await page.close()
  })

  it("renders a whylogs-written profile", async () => {
    const view = await DatasetProfileView.read(whylogsVector("mixed_1k.bin"))
    const { page, problems } = await open(renderReport([view], { title: "whylogs mixed_1k.bin" }), "whylogs")
    const cards = await drawnCards(page)
    expect(cards).toHaveLength(view.columns.size)
    for (const card of cards) {
      expect(card.mainCharts).toHaveLength(1)
      expect(card.mainCharts[0]!.width).toBeGreaterThan(300)
    }
    expect(cards.filter((c) => c.mainCharts[0]!.kind === "histogram").map((c) => c.column)).toEqual([
      "float_col",
      "float_inf",
      "int_col",
      "int_nullable",
    ])
    // Mostly strings and booleans: its frequent values, not the histogram of its few numbers.
    expect(cards.find((c) => c.column === "mixed_obj")!.mainCharts[0]!.kind).toBe("bars")
    await page.screenshot({ path: join(ARTIFACTS, "report-whylogs.png"), fullPage: true })
    expect(problems).toEqual([])
    await page.close()
  })
})
