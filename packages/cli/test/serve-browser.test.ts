import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { profileKey } from "@sketchlog/core/store"
import type { Browser, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openCatalog } from "../src/catalog/openCatalog.js"
import type { StoreCatalog } from "../src/catalog/StoreCatalog.js"
import { MonitorBoard } from "../src/monitor/MonitorBoard.js"
import { parseMonitors } from "../src/monitor/MonitorsFile.js"
import { type MonitorServer, startMonitorServer } from "../src/serve/MonitorServer.js"
import { tempDir } from "./cliHarness.js"
import { ARTIFACTS, launchChromium } from "./headlessChromium.js"
import { HOUR, seedStore } from "./storeSeed.js"

/** The store ends with the hour before this one, so the monitors' latest complete window has data. */
const NOW_HOUR = Math.floor(Date.now() / HOUR) * HOUR
const HOURS = 36

let browser: Browser
let server: MonitorServer
let catalog: StoreCatalog
let store: string
let cleanup: () => Promise<void>
const logged: string[] = []

beforeAll(async () => {
  const temp = await tempDir()
  cleanup = temp.cleanup
  store = join(temp.dir, "store")
  await seedStore({
    dir: store,
    datasets: ["loan-scoring"],
    start: NOW_HOUR - HOURS * HOUR,
    hours: HOURS,
    segments: ["http.route=/v1/score", "http.route=/v1/explain"],
    replicas: ["r1", "r2"],
    rows: 40,
    driftFrom: NOW_HOUR - 3 * HOUR,
    newValueFrom: NOW_HOUR - HOUR,
  })
  await seedStore({
    dir: store,
    datasets: ["fraud-check"],
    start: NOW_HOUR - 6 * HOUR,
    hours: 6,
    segments: [""],
    replicas: ["r1"],
    rows: 30,
  })
  const rules = parseMonitors(
    {
      monitors: [
        {
          name: "income drift",
          dataset: "loan-scoring",
          column: "request.body.income",
          metric: "drift",
          above: 0.3,
          window: "1h",
        },
        { name: "traffic", dataset: "loan-scoring", metric: "count", below: 10, window: "1h" },
        {
          name: "new employment",
          dataset: "loan-scoring",
          column: "request.body.employment",
          metric: "new_value",
          window: "1h",
        },
      ],
    },
    "monitors.json",
  )
  catalog = await openCatalog(store, temp.dir, { log: (line) => logged.push(line) })
  server = await startMonitorServer({
    catalog,
    // A fixed clock: the latest complete window is the store's last hour even if the hour turns mid-test.
    board: new MonitorBoard(rules, catalog, () => NOW_HOUR + 5 * 60_000),
    port: 0,
    storeLabel: "store",
    log: (line) => logged.push(line),
  })
  browser = await launchChromium("the serve UI tests")
  await mkdir(ARTIFACTS, { recursive: true })
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await server?.close()
  await cleanup?.()
})

/** A page that records console errors, page errors, failed requests and any request off the server. */
const open = async (): Promise<{ page: Page; problems: string[] }> => {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } })
  const problems: string[] = []
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`)
  })
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`))
  page.on("requestfailed", (r) => problems.push(`failed request: ${r.url()}`))
  page.on("request", (r) => {
    if (!r.url().startsWith(server.url)) problems.push(`request off the server: ${r.url()}`)
  })
  return { page, problems }
}

/** Every drawn chart of the page: kind, points per series, filled points of the first series, size. */
const charts = (page: Page) =>
  page.$$eval("[data-chart]", (elements) =>
    elements.map((e) => {
      const el = e as typeof e & { dataset: Record<string, string | undefined> }
      const box = el.getBoundingClientRect()
      return {
        className: el.className,
        drawn: el.dataset.drawn,
        points: Number(el.dataset.points),
        filled: Number(el.dataset.filled),
        canvas: el.querySelector("canvas") !== null,
        width: box.width,
        height: box.height,
      }
    }),
  )

describe("sketchlog serve in headless Chromium", () => {
  it("datasets → dataset → column, charts with the seeded points, a new range redraws them, no errors", async () => {
    const { page, problems } = await open()
    await page.goto(server.url, { waitUntil: "networkidle" })
    expect(await page.locator(".dataset-card").count()).toBe(2)
    const home = await charts(page)
    // One sparkline per dataset: 24 hourly points, all filled for loan-scoring (36 hours of profiles).
    expect(home.map((c) => [c.drawn, c.points])).toEqual([
      ["spark", 24],
      ["spark", 24],
    ])
    expect(home.every((c) => c.canvas)).toBe(true)
    // Hours without profiles count 0 rows: both lines are drawn end to end.
    expect(home.map((c) => c.filled)).toEqual([24, 24])
    expect(await page.locator('[data-dataset="loan-scoring"] .badge.bad').allTextContents()).toEqual([
      "income drift",
      "new employment",
    ])
    await page.screenshot({ path: join(ARTIFACTS, "serve-datasets.png"), fullPage: true })

    await page.click('a.name:text("loan-scoring")')
    await page.waitForSelector(".rows-chart[data-drawn]")
    const dataset = await charts(page)
    const rows = dataset.find((c) => c.className.includes("rows-chart"))!
    expect([rows.points, rows.filled]).toEqual([24, 24])
    // 13 model columns in the main table, 7 HTTP housekeeping columns folded below it.
    expect(await page.locator("#columns-model tbody tr").count()).toBe(13)
    expect(await page.locator("#columns-http tbody tr").count()).toBe(7)
    expect(await page.locator("details.fold").getAttribute("open")).toBeNull()
    const firstColumns = await page.locator("#columns-model tbody tr td.name a").allTextContents()
    expect(firstColumns.slice(0, 2)).toEqual(["request.body.age", "request.body.credit_score"])
    expect(firstColumns.at(-1)).toBe("response.body.score")
    // Four sparklines per column, each with 24 points.
    const sparks = dataset.filter((c) => c.drawn === "spark")
    expect(sparks).toHaveLength(20 * 4)
    expect(new Set(sparks.map((c) => c.points))).toEqual(new Set([24]))
    // Sorting by drift: scores descending, then ascending on a second click.
    const driftScores = () =>
      page.$$eval("#columns-model tbody tr td:last-child", (cells) =>
        cells.map((c) => Number(c.getAttribute("data-sort"))),
      )
    await page.click('#columns-model th:text("Drift")')
    const descending = await driftScores()
    expect(descending).toEqual([...descending].sort((a, b) => b - a))
    expect(descending[0]).toBeGreaterThan(0)
    await page.click('#columns-model th:text("Drift")')
    expect(await driftScores()).toEqual([...descending].reverse())
    await page.screenshot({ path: join(ARTIFACTS, "serve-dataset.png"), fullPage: true })

    await page.click('#columns-model a:text("request.body.income")')
    await page.waitForSelector(".bands-chart[data-drawn]")
    const column = await charts(page)
    const bands = column.find((c) => c.className.includes("bands-chart"))!
    expect([bands.drawn, bands.points, bands.filled]).toEqual(["time", 24, 24])
    expect(bands.width).toBeGreaterThan(400)
    for (const name of ["counts-chart", "types-chart", "distinct-chart", "distribution-chart"]) {
      expect(column.find((c) => c.className.includes(name))?.canvas, name).toBe(true)
    }
    expect(column.find((c) => c.className.includes("distribution-chart"))!.drawn).toBe("histogram")
    await page.screenshot({ path: join(ARTIFACTS, "serve-column.png"), fullPage: true })

    // Seven days by hour: 168 windows, the 36 seeded hours filled.
    await Promise.all([page.waitForURL(/range=7d/), page.selectOption('select[name="range"]', "7d")])
    await page.waitForSelector(".bands-chart[data-drawn]")
    const week = (await charts(page)).find((c) => c.className.includes("bands-chart"))!
    expect([week.points, week.filled]).toEqual([168, 36])
    // By day: 7 windows, two or three of them with profiles (36 hours cross two or three dates).
    await Promise.all([page.waitForURL(/res=day/), page.selectOption('select[name="res"]', "day")])
    await page.waitForSelector(".bands-chart[data-drawn]")
    const days = (await charts(page)).find((c) => c.className.includes("bands-chart"))!
    expect(days.points).toBe(7)
    expect([2, 3]).toContain(days.filled)
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)

  it("shows the monitors, what fires now and when each fired", async () => {
    const { page, problems } = await open()
    await page.goto(`${server.url}monitors`, { waitUntil: "networkidle" })
    const statuses = await page.$$eval("[data-rule]", (cards) =>
      cards.map((c) => [
        c.getAttribute("data-rule"),
        c.getAttribute("data-status"),
        c.querySelectorAll(".history i.firing").length,
      ]),
    )
    expect(statuses.map(([name, status]) => [name, status])).toEqual([
      ["income drift", "firing"],
      ["traffic", "ok"],
      ["new employment", "firing"],
    ])
    // Incomes drifted three hours ago, the new employment category came in the last hour; traffic
    // never fell, and hours before the dataset's first profile are "no data", not "no rows".
    expect(statuses.map(([, , fired]) => fired)).toEqual([3, 0, 1])
    await page.screenshot({ path: join(ARTIFACTS, "serve-monitors.png"), fullPage: true })
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)

  it("a damaged profile is named in the page and the log; the rest is still shown", async () => {
    const hour = NOW_HOUR - HOUR
    const key = profileKey({
      datasetId: "fraud-check",
      timestamp: hour,
      segment: undefined,
      replica: "r9",
      id: "bad1",
    })
    await writeFile(join(store, key), "WHY1 not really a profile")
    await catalog.refresh()
    const { page } = await open()
    await page.goto(`${server.url}datasets/fraud-check?range=24h`, { waitUntil: "networkidle" })
    const alert = await page.locator(".problems").textContent()
    expect(alert).toContain("1 profile could not be read")
    expect(alert).toContain(key)
    expect(await page.locator("#columns-model tbody tr").count()).toBe(13)
    expect(logged.some((line) => line.includes(key))).toBe(true)
    await page.screenshot({ path: join(ARTIFACTS, "serve-damaged.png"), fullPage: true })
    await page.close()
  }, 60_000)
})
