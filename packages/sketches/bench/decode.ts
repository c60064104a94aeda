/**
 * Reading: what a profile reader pays per sketch. A fleet merge reads tens of thousands of stored
 * whylogs profiles, each column holding an HLL (lgK 12, HLL_4, compact), a KLL (k = 1024, whylogs
 * layout) and a frequent-strings sketch (lgMax 10); it decodes them all and merges them into a running
 * total. This prints µs per decode for each mode/size a profile holds, and µs per merge the way a
 * profile merge pays it (two views merged into a new one) and the way an accumulator pays it (one
 * sketch folded into a running total).
 *
 * Each figure is the median over rounds of many calls, with the fastest and slowest round: on a
 * shared machine read the spread, and back single-digit-µs claims with callgrind instruction counts.
 *
 * Run alone: pnpm --filter @sketchlog/sketches exec tsx --conditions=@sketchlog/source bench/decode.ts
 */

import { loadavg } from "node:os"
import { pathToFileURL } from "node:url"
import { FrequentStringsSketch, HllSketch, HllUnion, KllCoin, KllDoublesSketch } from "@sketchlog/sketches"
import { uniforms } from "@sketchlog/test-fixtures"
import { fmt } from "./internal/ComparisonTable.js"
import { type PerCall, perCall } from "./internal/Timing.js"

/** One serialized sketch as a stored whylogs profile holds it. */
export interface DecodeSample {
  readonly sketch: "HLL" | "KLL" | "FrequentItems"
  readonly label: string
  readonly bytes: Uint8Array
}

const hllOf = (n: number, offset = 0): HllSketch => {
  const s = new HllSketch(12, "HLL_4")
  for (let i = 0; i < n; i++) s.updateInt64(offset + i)
  return s
}

const kllOf = (n: number, seed: number): KllDoublesSketch => {
  const random = uniforms(seed)
  const s = new KllDoublesSketch(1024, { coin: KllCoin.seeded(seed) })
  for (let i = 0; i < n; i++) s.update(random() * 1000)
  return s
}

/** `n` updates over `distinct` strings, the first ones most frequent (a skewed, purging stream). */
const frequentOf = (n: number, distinct: number, seed: number): FrequentStringsSketch => {
  const random = uniforms(seed)
  const s = new FrequentStringsSketch(10)
  for (let i = 0; i < n; i++) s.update(`item-${Math.floor(random() ** 3 * distinct)}`)
  return s
}

/** The sketches a 20-column whylogs profile holds, at the sizes a server's hourly profile reaches. */
export const decodeSamples = (): ReadonlyArray<DecodeSample> => [
  { sketch: "HLL", label: "LIST, 5 distinct", bytes: hllOf(5).toCompactBytes() },
  { sketch: "HLL", label: "SET, 200 distinct", bytes: hllOf(200).toCompactBytes() },
  { sketch: "HLL", label: "HLL_4, 10^3 distinct", bytes: hllOf(1_000).toCompactBytes() },
  { sketch: "HLL", label: "HLL_4, 10^5 distinct", bytes: hllOf(100_000).toCompactBytes() },
  { sketch: "HLL", label: "HLL_4, 10^6 distinct (aux entries)", bytes: hllOf(1_000_000).toCompactBytes() },
  { sketch: "KLL", label: "n = 1", bytes: kllOf(1, 1).toBytes({ layout: "whylogs" }) },
  { sketch: "KLL", label: "n = 1,000 (one level)", bytes: kllOf(1_000, 2).toBytes({ layout: "whylogs" }) },
  { sketch: "KLL", label: "n = 10^4", bytes: kllOf(10_000, 3).toBytes({ layout: "whylogs" }) },
  { sketch: "KLL", label: "n = 10^6", bytes: kllOf(1_000_000, 4).toBytes({ layout: "whylogs" }) },
  { sketch: "FrequentItems", label: "12 items", bytes: frequentOf(1_000, 12, 5).toBytes() },
  { sketch: "FrequentItems", label: "10^5 updates, purged", bytes: frequentOf(100_000, 5_000, 6).toBytes() },
]

const decoders = {
  HLL: (bytes: Uint8Array) => HllSketch.fromBytes(bytes),
  KLL: (bytes: Uint8Array) => KllDoublesSketch.fromBytes(bytes),
  FrequentItems: (bytes: Uint8Array) => FrequentStringsSketch.fromBytes(bytes),
} as const

const show = (t: PerCall): string =>
  `${fmt(t.median, t.median < 10 ? 2 : 1).padStart(8)} µs  (${fmt(t.min, 2)} – ${fmt(t.max, 2)})  cpu ${fmt(t.cpu, 2)} µs`

/** Prints the decode and merge tables. */
export function runDecodeBench(): void {
  console.log(
    `Reading: µs per call, wall-clock median of 9 rounds (fastest – slowest round), then the median CPU time; node ${process.version}, load ${loadAverage()}`,
  )
  const samples = decodeSamples()
  const w = Math.max(...samples.map((s) => s.sketch.length + s.label.length + 2))
  console.log(`${"decode (fromBytes)".padEnd(w)}  ${"bytes".padStart(7)}  µs per decode`)
  for (const sample of samples) {
    const decode = decoders[sample.sketch]
    let sink: unknown
    const t = perCall(() => {
      sink = decode(sample.bytes)
    })
    if (sink === undefined) throw new Error("nothing decoded")
    console.log(
      `${`${sample.sketch}: ${sample.label}`.padEnd(w)}  ${fmt(sample.bytes.length).padStart(7)}  ${show(t)}`,
    )
  }

  // Merges, on decoded sketches: "pairwise" is what merging two views pays per column (a fresh result
  // from two inputs); "into a total" is one more input folded into a running result.
  const hllA = hllOf(100_000)
  const hllB = hllOf(100_000, 50_000)
  const kllA = kllOf(10_000, 7)
  const kllB = kllOf(10_000, 8)
  const fiABytes = frequentOf(100_000, 5_000, 9).toBytes()
  const fiB = frequentOf(100_000, 5_000, 10)
  const rows: Array<readonly [string, PerCall]> = [
    [
      "HLL union of two 10^5 HLL_4 → HLL_4 (pairwise)",
      perCall(() => {
        const union = new HllUnion(12)
        union.update(hllA)
        union.update(hllB)
        union.getResult("HLL_4")
      }),
    ],
    [
      "HLL union: one 10^5 HLL_4 into a running union",
      (() => {
        const union = new HllUnion(12)
        union.update(hllA)
        return perCall(() => union.update(hllB))
      })(),
    ],
    [
      "KLL merge of two n = 10^4 (copy + merge, pairwise)",
      perCall(() => {
        kllA.copy().merge(kllB)
      }),
    ],
    [
      "KLL: one n = 10^4 into a running total",
      (() => {
        const total = new KllDoublesSketch(1024, { coin: KllCoin.seeded(11) })
        return perCall(() => total.merge(kllB))
      })(),
    ],
    [
      "frequent strings merge of two purged (fromBytes + merge, pairwise)",
      perCall(() => {
        FrequentStringsSketch.fromBytes(fiABytes).merge(fiB)
      }),
    ],
    [
      "frequent strings: one purged into a running total",
      (() => {
        const total = FrequentStringsSketch.fromBytes(fiABytes)
        return perCall(() => total.merge(fiB))
      })(),
    ],
  ]
  const wm = Math.max(...rows.map(([label]) => label.length))
  console.log(`\n${"merge".padEnd(wm)}  µs per merge`)
  for (const [label, t] of rows) console.log(`${label.padEnd(wm)}  ${show(t)}`)
}

const loadAverage = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) runDecodeBench()
