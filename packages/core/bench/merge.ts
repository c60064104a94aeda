/**
 * Store-reader benchmark (`pnpm bench:merge`): what merging stored profiles costs per profile. A fleet
 * reader lists thousands of `.bin` files (one per replica and hour), reads each and merges it into a
 * running total; this measures exactly that on realistic 20-column whylogs profiles (the mixed rows of
 * `bench:profile`, 5,000 rows per profile so every column's HLL is in HLL mode, its KLL has compacted
 * and its frequent items have purged where the column has many values).
 *
 * Prints profiles/s of deserialize + merge over 10,000 profiles handed to `ProfileAccumulator.addBytes`
 * (what a store reader does), with the process's CPU time beside the wall time (on a shared machine the
 * CPU time says more about the code), the median of several rounds with each round's figure; then the
 * same split into deserialize and merge (views first, then `add`: the view copies its input), and for
 * chained `view.merge()` calls over the first 500 (what a reader did before the accumulator). One core,
 * no I/O (the bytes are in memory).
 *
 * Options: --profiles <n> (default 10,000), --distinct <n> profiles built (default 40), --rows <n>
 * per profile (default 5,000, or 300 with --fleet), --rounds <n> (default 3). `--fleet` reads the
 * fleet bench's profile instead (20 columns of 300 rows: 8 fractional, 6 integral, 6 string; about
 * 90 kB), the one a `bench:fleet` reader downloads and merges, and then prints what decoding its
 * sketches alone costs, per kind.
 */
import { loadavg } from "node:os"
import { FrequentStringsSketch, HllSketch, KllDoublesSketch } from "@sketchlog/sketches"
import { DatasetProfile, DatasetProfileView } from "../src/index.js"
import { ProfileAccumulator } from "../src/profile/index.js"
import { fleetProfileBytes } from "./internal/FleetProfile.js"
import { mixedRow } from "./internal/MixedRows.js"

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? fallback : Number(process.argv[i + 1])
}
const PROFILES = arg("profiles", 10_000)
const DISTINCT = arg("distinct", 40)
const FLEET = process.argv.includes("--fleet")
const ROWS = arg("rows", FLEET ? 300 : 5_000)
const ROUNDS = arg("rounds", 3)

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })

console.log(
  `sketchlog store-reader benchmark — node ${process.version}, load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
)
const built = performance.now()
const files: Array<Uint8Array> = []
for (let p = 0; p < DISTINCT; p++) {
  if (FLEET) {
    files.push(fleetProfileBytes(p + 1, ROWS, 1_700_000_000_000))
    continue
  }
  const profile = new DatasetProfile({ datasetTimestamp: 1_700_000_000_000 })
  for (let i = 0; i < ROWS; i++) profile.track(mixedRow(p * ROWS + i))
  files.push(profile.view().serialize())
}
const sizes = files.reduce((a, f) => a + f.length, 0) / files.length
console.log(
  `${DISTINCT} distinct 20-column ${FLEET ? "fleet " : ""}profiles of ${fmt(ROWS)} rows (${fmt(sizes)} bytes on average), ` +
    `read ${fmt(PROFILES)} times in turn; built in ${fmt(performance.now() - built)} ms\n`,
)

interface Round {
  readonly totalMs: number
  /** CPU time of the process (all its threads: the garbage collector's too), less sensitive to other processes. */
  readonly cpuMs: number
  /** Split of the total, where the round reads views first (undefined for `addBytes`). */
  readonly deserializeMs?: number | undefined
  readonly mergeMs?: number | undefined
}

interface Reader {
  /** Takes the next file's bytes. */
  readonly add: (bytes: Uint8Array) => void
  readonly result: () => DatasetProfileView
  /** Time spent deserializing, when the reader does it apart from merging. */
  readonly deserializeMs?: () => number
}

/** One pass over `count` files, each read and folded into a running total. */
const round = (count: number, start: () => Reader): Round => {
  const cpu0 = process.cpuUsage()
  const begin = performance.now()
  const reader = start()
  for (let i = 0; i < count; i++) reader.add(files[i % DISTINCT] as Uint8Array)
  const merged = reader.result()
  const totalMs = performance.now() - begin
  const cpu = process.cpuUsage(cpu0)
  // the result must be real: every row counted once per file read
  const n = merged.getColumn(FLEET ? "f0" : "id")?.counts?.n
  if (n !== count * ROWS) throw new Error(`merged counts/n is ${n}, expected ${count * ROWS}`)
  const deserializeMs = reader.deserializeMs?.()
  return {
    totalMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    deserializeMs,
    mergeMs: deserializeMs === undefined ? undefined : totalMs - deserializeMs,
  }
}

/** What a store reader does: hand each file's bytes to the accumulator. */
const addBytes = (): Reader => {
  const total = new ProfileAccumulator()
  return { add: (bytes) => void total.addBytes(bytes), result: () => total.view() }
}

/** Views first (so the two parts can be timed apart), then merged: `merge` is given the running total. */
const viewsThen = (merge: (view: DatasetProfileView) => void, result: () => DatasetProfileView): Reader => {
  let deserializeMs = 0
  return {
    add: (bytes) => {
      const t0 = performance.now()
      const view = DatasetProfileView.deserialize(bytes)
      deserializeMs += performance.now() - t0
      merge(view)
    },
    result,
    deserializeMs: () => deserializeMs,
  }
}
const accumulator = (): Reader => {
  const total = new ProfileAccumulator()
  return viewsThen(
    (view) => void total.add(view),
    () => total.view(),
  )
}
const chained = (): Reader => {
  let total: DatasetProfileView | undefined
  return viewsThen(
    (view) => {
      total = total === undefined ? view : total.merge(view)
    },
    () => total as DatasetProfileView,
  )
}

const report = (title: string, count: number, rounds: ReadonlyArray<Round>, target = ""): void => {
  const per = (ms: number) => fmt((ms * 1000) / count)
  const part = (pick: (r: Round) => number): string => {
    const values = rounds.map(pick).sort((a, b) => a - b)
    return `${per(values[values.length >> 1] as number).padStart(7)} µs per profile  (rounds ${values.map(per).join(" / ")})`
  }
  const rates = rounds.map((r) => count / (r.totalMs / 1000)).sort((a, b) => a - b)
  console.log(
    `${title.padEnd(48)} ${fmt(rates[rates.length >> 1] as number).padStart(6)} profiles/s  (rounds ${rates
      .map((x) => fmt(x))
      .join(" / ")})${target}`,
  )
  console.log(`  deserialize + merge  ${part((r) => r.totalMs)}`)
  console.log(`  CPU time             ${part((r) => r.cpuMs)}`)
  if (rounds[0]?.deserializeMs !== undefined) {
    console.log(`  deserialize          ${part((r) => r.deserializeMs ?? 0)}`)
    console.log(`  merge                ${part((r) => r.mergeMs ?? 0)}`)
  }
}

const fromBytes = Array.from({ length: ROUNDS }, () => round(PROFILES, addBytes))
report(`ProfileAccumulator.addBytes, ${fmt(PROFILES)} profiles`, PROFILES, fromBytes, "; target ≥ 500")
const accumulated = Array.from({ length: ROUNDS }, () => round(PROFILES, accumulator))
report(`deserialize, then ProfileAccumulator.add`, PROFILES, accumulated)
const CHAINED = Math.min(PROFILES, 500)
const chain = Array.from({ length: ROUNDS }, () => round(CHAINED, chained))
report(`chained view.merge(), first ${fmt(CHAINED)}`, CHAINED, chain)

/** The decode part of a profile, per sketch kind: each stored sketch of every distinct profile decoded in turn. */
const sketchDecodes = (): void => {
  const kinds = [
    ["HLL", (bytes: Uint8Array) => HllSketch.fromBytes(bytes)],
    ["KLL", (bytes: Uint8Array) => KllDoublesSketch.fromBytes(bytes)],
    ["frequent items", (bytes: Uint8Array) => FrequentStringsSketch.fromBytes(bytes)],
  ] as const
  const views = files.map((bytes) => DatasetProfileView.deserialize(bytes))
  console.log(`\nsketch decodes of these profiles (fromBytes; CPU time, rounds)`)
  for (const [kind, decode] of kinds) {
    const stored: Array<Uint8Array> = []
    for (const view of views) {
      for (const name of view.columnNames) {
        const column = view.getColumn(name)
        const cell =
          kind === "HLL"
            ? column?.cardinality?.hll
            : kind === "KLL"
              ? column?.distribution?.kll
              : column?.frequentItems?.frequentStrings
        if (cell !== undefined) stored.push(cell.bytes())
      }
    }
    const repeat = Math.max(1, Math.round(200_000 / stored.length))
    const perDecode: Array<number> = []
    for (let r = 0; r < ROUNDS + 1; r++) {
      const cpu0 = process.cpuUsage()
      for (let i = 0; i < repeat; i++) for (const bytes of stored) decode(bytes)
      const cpu = process.cpuUsage(cpu0)
      // the first round warms up
      if (r > 0) perDecode.push((cpu.user + cpu.system) / (repeat * stored.length))
    }
    const perProfile = stored.length / views.length
    const sorted = [...perDecode].sort((a, b) => a - b)
    const median = sorted[sorted.length >> 1] as number
    console.log(
      `  ${kind.padEnd(15)} ${fmt(perProfile)} per profile: ${fmt(median, 2)} µs per decode, ${fmt(median * perProfile)} µs per profile  (rounds ${perDecode.map((x) => fmt(x, 2)).join(" / ")})`,
    )
  }
}
if (FLEET) sketchDecodes()
