/**
 * `pnpm demo`: the product's main job in under a minute. Starts the loan-scoring API (Express +
 * @sketchlog/express, local mode) on a free loopback port, sends a burst of realistic traffic whose
 * second half has drifted (lower incomes, lower credit scores, a new employment category), closes
 * the logger, prints a per-column summary of each route and the drift between the two halves, writes
 * an HTML report, says where the whylogs `.bin` profiles are, and ends with the command that opens
 * them in `sketchlog serve`.
 */
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises"
import { join, relative } from "node:path"
import { renderReport } from "@sketchlog/cli"
import type { DatasetProfileView } from "@sketchlog/core"
import { compareProfiles } from "@sketchlog/core/drift"
import { resolveProfileDir } from "@sketchlog/core/writers"
import { DEMO_DATASET } from "./app.js"
import { driftSummary } from "./demo/DriftSummary.js"
import { routeSummaryTable } from "./demo/RouteSummary.js"
import { countOf } from "./demo/TextTable.js"
import { start } from "./server.js"
import { sendTraffic } from "./traffic.js"

const REQUESTS_PER_HALF = Number(process.env.DEMO_REQUESTS ?? 1500)
const CONCURRENCY = 16
const started = performance.now()
// Where every sketchlog entry point writes: SKETCHLOG_PROFILE_DIR, else ./sketchlog-profiles of where
// the demo was started (`pnpm demo` from the root, or `pnpm --filter` from anywhere).
const out = join(resolveProfileDir(), "express-demo")
const say = (text = "") => process.stdout.write(`${text}\n`)
const seconds = () => `${((performance.now() - started) / 1000).toFixed(1)}s`

/** A profile file and the segment it holds. */
interface ProfileFile {
  readonly path: string
  readonly view: DatasetProfileView
  readonly segment: string
}

/** Reads every profile of the demo's dataset under `dir`, named by segment (`POST /v1/score`). */
const readProfiles = async (dir: string): Promise<Array<ProfileFile>> => {
  const { DatasetProfileView } = await import("@sketchlog/core")
  const folder = join(dir, DEMO_DATASET)
  const files = (await readdir(folder)).filter((f) => f.endsWith(".bin")).sort()
  return Promise.all(
    files.map(async (file) => {
      const view = await DatasetProfileView.read(join(folder, file))
      const tag = (column: string) => view.segment?.values[view.segment.columns.indexOf(column)] ?? "?"
      return { path: join(folder, file), view, segment: `${tag("http.method")} ${tag("http.route")}` }
    }),
  )
}

/**
 * The requests a route's profile holds: `counts/n` of `http.status`, a column every request row has
 * (null when unknown) and no other row does. Rows logged by hand through `req.sketchlog.log` join
 * the request's segment and so add to the segment columns (`http.route`, `http.method`), never to
 * this one; the demo logs none, but this count stays a request count if a handler starts to.
 */
const requestsIn = (view: DatasetProfileView): number => view.getColumn("http.status")?.counts?.n ?? 0

/** Merges the views of each segment (a segment can span several time buckets). */
const bySegment = (files: ReadonlyArray<ProfileFile>): Map<string, DatasetProfileView> => {
  const merged = new Map<string, DatasetProfileView>()
  for (const f of files) merged.set(f.segment, merged.get(f.segment)?.merge(f.view) ?? f.view)
  return merged
}

await rm(out, { recursive: true, force: true })
const baselineDir = join(out, "baseline")
const driftedDir = join(out, "drifted")
await mkdir(baselineDir, { recursive: true })

say("sketchlog demo — a loan-scoring API on Express, profiled by @sketchlog/express (local mode)")
const server = await start(0, "127.0.0.1", { sketchlog: { profileDir: driftedDir } })
say(`  API listening on ${server.url}`)

// First half: the population the model was trained on.
const first = await sendTraffic({
  url: server.url,
  requests: REQUESTS_PER_HALF,
  concurrency: CONCURRENCY,
  seed: 11,
})
// Write what the first half profiled, and set those files aside as the baseline: the logger clears a
// bucket's state once it is written, so the files written next hold the second half only.
await server.profiling.flush()
for (const file of await readdir(join(driftedDir, DEMO_DATASET))) {
  if (!file.endsWith(".bin")) continue
  await mkdir(join(baselineDir, DEMO_DATASET), { recursive: true })
  await rename(join(driftedDir, DEMO_DATASET, file), join(baselineDir, DEMO_DATASET, file))
}
// Second half: the population has drifted.
const second = await sendTraffic({
  url: server.url,
  requests: REQUESTS_PER_HALF,
  concurrency: CONCURRENCY,
  drifted: true,
  seed: 12,
})
// Flush first, so every exchange is mapped and counted before the status is read.
await server.profiling.flush()
const status = await server.profiling.status()
await server.close()

const sent = first.sent + second.sent
const elapsed = first.elapsedMs + second.elapsedMs
const statuses = new Map<number, number>()
for (const report of [first, second])
  for (const [code, n] of report.byStatus) statuses.set(code, (statuses.get(code) ?? 0) + n)
say(
  `  sent ${countOf(sent, "request")} (${CONCURRENCY} at a time) in ${(elapsed / 1000).toFixed(1)}s: ` +
    [...statuses]
      .sort(([a], [b]) => a - b)
      .map(([code, n]) => `${n}×${code}`)
      .join(", ") +
    (first.failed + second.failed > 0 ? `, ${first.failed + second.failed} failed` : ""),
)
const baseline = await readProfiles(baselineDir)
const drifted = await readProfiles(driftedDir)
const all = bySegment([...baseline, ...drifted])
const { exchanges } = status
say(
  `  profiled ${countOf(exchanges.profiled, "request")} in ${countOf(all.size, "route")} ` +
    `(${countOf(exchanges.skipped.ignored ?? 0, "health check")} ignored), ` +
    `${countOf(status.logger?.rows.dropped ?? 0, "row")} dropped`,
)
const routes = [...all.entries()].sort(([, a], [, b]) => requestsIn(b) - requestsIn(a))
for (const [segment, view] of routes) {
  say()
  say(`■ ${segment} — ${countOf(requestsIn(view), "request")}`)
  say(routeSummaryTable(view))
}

const main = "POST /v1/score"
const before = bySegment(baseline).get(main)
const after = bySegment(drifted).get(main)
if (before !== undefined && after !== undefined) {
  const { headline, table } = driftSummary(compareProfiles(before, after), main)
  say()
  say(headline)
  say(table)
  // The report covers every route, each compared with the same route in the first half.
  const report = join(out, "report.html")
  await writeFile(
    report,
    renderReport(
      drifted.map((f) => f.view),
      {
        title: "loan-scoring · second half of the demo traffic",
        baselineViews: baseline.map((f) => f.view),
        baselineLabel: "first half",
        sources: drifted.map((f) => relative(out, f.path)),
      },
    ),
  )
  say()
  say(`HTML report (every route, second half vs. first half): ${relative(process.cwd(), report) || report}`)
}

say(`Profiles (whylogs v1 .bin, one file per route and method): ${relative(process.cwd(), out) || out}/`)
say(
  `  baseline/${DEMO_DATASET}/  ${countOf(baseline.length, "file")}    drifted/${DEMO_DATASET}/  ${countOf(drifted.length, "file")}`,
)
say("  read them in Python with whylogs: why.read(path).view().to_pandas()")
say(`done in ${seconds()}`)
say()
// The last line is the one command that opens these profiles in the monitor UI.
say(`Open them in the monitor: pnpm sketchlog serve ${relative(process.cwd(), out) || out}`)
