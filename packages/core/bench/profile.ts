/**
 * Profile benchmark (`pnpm bench:profile`): tracking a 20-column mixed row (ints, floats, short
 * strings, booleans, nulls) row by row and by columns, serialize/deserialize time and file size of a
 * 20-column profile at 10^6 rows, and the heap a profile holds at 10^5, 10^6 and 2·10^6 rows.
 * Prints figures; asserts nothing. One core (this process), no worker threads.
 */
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { DatasetProfile, DatasetProfileView, type Row } from "../src/index.js"
import { mixedRow } from "./internal/MixedRows.js"

setFlagsFromString("--expose-gc")
const gc = runInNewContext("gc") as () => void

const ROWS_PER_BATCH = 200_000
const rows: Row[] = Array.from({ length: ROWS_PER_BATCH }, (_, i) => mixedRow(i))
const columnNames = Object.keys(rows[0] as Row)
const columns: Record<string, unknown[]> = Object.fromEntries(
  columnNames.map((name) => [name, rows.map((row) => row[name])]),
)

const time = (f: () => void): number => {
  const start = process.hrtime.bigint()
  f()
  return Number(process.hrtime.bigint() - start) / 1e6
}
const fmt = (n: number): string => Math.round(n).toLocaleString("en-US")
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MB`

const trackRowByRow = (profile: DatasetProfile, total: number): void => {
  for (let done = 0; done < total; done += ROWS_PER_BATCH) {
    const n = Math.min(ROWS_PER_BATCH, total - done)
    for (let i = 0; i < n; i++) profile.track(rows[i] as Row)
  }
}

const trackByColumns = (profile: DatasetProfile, total: number): void => {
  for (let done = 0; done < total; done += ROWS_PER_BATCH) profile.trackColumns(columns)
}

console.log(`sketchlog profile benchmark — node ${process.version}, ${columnNames.length} columns`)
console.log("columns: 6 ints, 5 floats, 5 short strings, 2 booleans, 2 mostly-null; whylogs' metric sets\n")

// Warm up the JIT on a throw-away profile.
trackRowByRow(new DatasetProfile(), ROWS_PER_BATCH)
trackByColumns(new DatasetProfile(), ROWS_PER_BATCH)

const N = 1_000_000
const rowProfile = new DatasetProfile()
const rowMs = time(() => trackRowByRow(rowProfile, N))
const colProfile = new DatasetProfile()
const colMs = time(() => trackByColumns(colProfile, N))
const cells = N * columnNames.length
console.log("tracking 10^6 rows (target ≥ 250,000 rows/s row by row)")
console.log(
  `  row by row   ${fmt(N / (rowMs / 1000))} rows/s   ${fmt(cells / (rowMs / 1000))} cells/s   (${fmt(rowMs)} ms)`,
)
console.log(
  `  columnar     ${fmt(N / (colMs / 1000))} rows/s   ${fmt(cells / (colMs / 1000))} cells/s   (${fmt(colMs)} ms)`,
)

const view = rowProfile.view()
let bytes = view.serialize()
const viewMs = median(5, () => rowProfile.view())
const serializeMs = median(5, () => {
  bytes = rowProfile.view().serialize()
})
const serializeOnlyMs = median(5, () => view.serialize())
let read = DatasetProfileView.deserialize(bytes)
const deserializeMs = median(5, () => {
  read = DatasetProfileView.deserialize(bytes)
})
const summaryMs = median(5, () => read.summary())
console.log("\n20-column profile at 10^6 rows (targets: serialize < 50 ms, file < 1 MB)")
console.log(
  `  view()+serialize ${serializeMs.toFixed(1)} ms   (view() ${viewMs.toFixed(1)} ms, serialize() of a view ${serializeOnlyMs.toFixed(1)} ms)`,
)
console.log(
  `  deserialize      ${deserializeMs.toFixed(1)} ms   (summary() of the read view ${summaryMs.toFixed(1)} ms)`,
)
console.log(`  file size        ${fmt(bytes.length)} bytes (${mb(bytes.length)})`)

// The sketches keep their items in typed arrays, whose storage Node counts outside heapUsed.
const held = (): number => {
  gc()
  gc()
  const usage = process.memoryUsage()
  return usage.heapUsed + usage.arrayBuffers
}
console.log(
  "\nmemory held by one profile: JS heap + typed-array storage (target < 20 MB, flat in the row count)",
)
// Every profile stays alive, so each difference is exactly the new profile's share.
const alive: DatasetProfile[] = [rowProfile, colProfile]
for (const total of [100_000, 1_000_000, 2_000_000]) {
  const before = held()
  const profile = new DatasetProfile()
  trackRowByRow(profile, total)
  alive.push(profile)
  const after = held()
  console.log(`  ${fmt(total).padStart(9)} rows   ${mb(after - before)}`)
}
if (alive.some((profile) => profile.view().columns.size !== columnNames.length))
  throw new Error("lost columns")

function median(runs: number, f: () => void): number {
  const times = Array.from({ length: runs }, () => time(f)).sort((a, b) => a - b)
  return times[Math.floor(runs / 2)] as number
}
