/**
 * Report rendering cost: prints the time and size of `renderReport` for whylogs' mixed_1k profile and
 * for 24 hourly profiles of 50 numeric columns with a baseline, and the cost of `compareProfiles`.
 * Run: pnpm exec tsx --conditions=@sketchlog/source packages/cli/bench/report.ts
 */
import { DatasetProfile, DatasetProfileView } from "@sketchlog/core"
import { compareProfiles } from "@sketchlog/core/drift"
import { whylogsVector } from "@sketchlog/test-fixtures"
import { renderReport } from "../src/index.js"

const time = <A>(f: () => A): [A, number] => {
  const start = performance.now()
  const out = f()
  return [out, performance.now() - start]
}

const mixed = await DatasetProfileView.read(whylogsVector("mixed_1k.bin"))
const runs = 20
let page = ""
const [, total] = time(() => {
  for (let i = 0; i < runs; i++) page = renderReport([mixed])
})
console.log(`mixed_1k.bin (10 columns): ${(total / runs).toFixed(1)} ms per report, ${page.length} bytes`)

const views = Array.from({ length: 24 }, (_, h) => {
  const profile = new DatasetProfile({ datasetTimestamp: Date.UTC(2024, 0, 1, h) })
  const columns: Record<string, number[]> = {}
  for (let c = 0; c < 50; c++)
    columns[`c${c}`] = Array.from({ length: 10_000 }, () => Math.random() * (c + 1))
  profile.trackColumns(columns)
  return profile.view()
})
const [big, bigMs] = time(() => renderReport(views, { baseline: views[0] }))
console.log(
  `24 hourly profiles × 50 numeric columns, with a baseline: ${bigMs.toFixed(0)} ms, ${big.length} bytes`,
)
const [, diffMs] = time(() => compareProfiles(views[0]!, views[23]!))
console.log(`compareProfiles, 50 numeric columns of 10,000 values a side: ${diffMs.toFixed(1)} ms`)
