/**
 * Frequent strings: our FrequentStringsSketch (lgMax 10, as whylogs) against what a JavaScript user
 * writes today, an exact `Map<string, number>` counter. One run prints both side by side: update
 * throughput on Zipf(1.1) short strings from a 100k-word vocabulary at n = 10^6, merge and
 * serialization times, size, retained memory, and the error of the top-20 estimates.
 *
 * Run alone: pnpm --filter @sketchlog/sketches exec tsx --conditions=@sketchlog/source bench/frequent.ts
 */

import { pathToFileURL } from "node:url"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { FrequentStringsSketch } from "@sketchlog/sketches"
import { uniforms, zipfRanks } from "@sketchlog/test-fixtures"
import { type ComparisonRow, fmt, printComparison } from "./internal/ComparisonTable.js"
import { bestOf } from "./internal/Timing.js"

const N = 1_000_000
const VOCABULARY = 100_000
const ZIPF_EXPONENT = 1.1
const LG_MAX = 10
const PARTS = 10
const TOP = 20

/** 100k distinct lowercase words of 3..10 letters. */
const vocabulary = (random: () => number): Array<string> => {
  const words = new Set<string>()
  while (words.size < VOCABULARY) {
    const length = 3 + Math.floor(random() * 8)
    let w = ""
    for (let i = 0; i < length; i++) w += String.fromCharCode(97 + Math.floor(random() * 26))
    words.add(w)
  }
  return [...words]
}

/**
 * n draws of Zipf(s) ranks over the vocabulary. Each draw is a fresh string object (as a server gets
 * from parsing each request), so neither contender compares by pointer or reuses a cached hash.
 */
const zipfStream = (words: ReadonlyArray<string>, random: () => number): Array<string> => {
  const rank = zipfRanks(words.length, ZIPF_EXPONENT)
  const out = new Array<string>(N)
  for (let j = 0; j < N; j++) out[j] = `${words[rank(random())]} `.slice(0, -1)
  return out
}

/** A forced full GC, so heap deltas measure what a structure retains. */
const collectGarbage: () => void = (() => {
  setFlagsFromString("--expose-gc")
  return runInNewContext("gc") as () => void
})()

/** JS heap plus ArrayBuffer memory (typed-array storage lives outside the heap). */
const usedBytes = (): number => {
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

/**
 * Memory one result of `build` retains: `copies` results are kept alive at once and the delta is
 * divided, so a small structure stands out from allocator noise.
 */
const retainedBytes = <T>(copies: number, build: () => T): { readonly value: T; readonly bytes: number } => {
  for (let i = 0; i < 3; i++) collectGarbage()
  const before = usedBytes()
  const kept = Array.from({ length: copies }, build)
  for (let i = 0; i < 3; i++) collectGarbage()
  return { value: kept[0], bytes: (usedBytes() - before) / copies }
}

const countSketch = (stream: ReadonlyArray<string>, from = 0, to = stream.length) => {
  const s = new FrequentStringsSketch(LG_MAX)
  for (let i = from; i < to; i++) s.update(stream[i])
  return s
}

const countMap = (stream: ReadonlyArray<string>, from = 0, to = stream.length) => {
  const m = new Map<string, number>()
  for (let i = from; i < to; i++) {
    const item = stream[i]
    m.set(item, (m.get(item) ?? 0) + 1)
  }
  return m
}

const mergeMaps = (parts: ReadonlyArray<Map<string, number>>): Map<string, number> => {
  const out = new Map<string, number>()
  for (const part of parts) for (const [k, v] of part) out.set(k, (out.get(k) ?? 0) + v)
  return out
}

const mps = (ms: number) => `${fmt(N / ms / 1000)} M/s`

/** Prints the comparison. */
export function runFrequentBench(): void {
  // Seeded, so every run measures the same stream.
  const random = uniforms(20_251_122)
  const words = vocabulary(random)
  const stream = zipfStream(words, random)

  // Throughput.
  const sketchMs = bestOf(5, () => countSketch(stream))
  const mapMs = bestOf(3, () => countMap(stream))

  // Memory retained, and the structures we keep measuring.
  const exact = countMap(stream)
  const sketch = countSketch(stream)
  const sketchHeld = retainedBytes(20, () => new FrequentStringsSketch(LG_MAX).merge(sketch))
  const mapHeld = retainedBytes(3, () => new Map(exact))

  // Merge: 10 partial counts (100k updates each) into one.
  const chunk = N / PARTS
  const sketchParts = Array.from({ length: PARTS }, (_, p) => countSketch(stream, p * chunk, (p + 1) * chunk))
  const mapParts = Array.from({ length: PARTS }, (_, p) => countMap(stream, p * chunk, (p + 1) * chunk))
  const sketchMergeMs = bestOf(5, () => {
    const merged = new FrequentStringsSketch(LG_MAX)
    for (const part of sketchParts) merged.merge(part)
  })
  const mapMergeMs = bestOf(3, () => mergeMaps(mapParts))

  // Serialization.
  let bytes = sketch.toBytes()
  const toBytesMs = bestOf(20, () => {
    bytes = sketch.toBytes()
  })
  const fromBytesMs = bestOf(20, () => FrequentStringsSketch.fromBytes(bytes))
  let json = ""
  const stringifyMs = bestOf(3, () => {
    json = JSON.stringify(Object.fromEntries(exact))
  })
  const parseMs = bestOf(3, () => new Map(Object.entries(JSON.parse(json) as Record<string, number>)))
  const jsonBytes = Buffer.byteLength(json)

  // Accuracy of the top 20 true items.
  const top = [...exact.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP)
  let maxRelative = 0
  let sumAbsolute = 0
  let boundsHeld = 0
  for (const [item, count] of top) {
    const est = sketch.getEstimate(item)
    maxRelative = Math.max(maxRelative, Math.abs(est - count) / count)
    sumAbsolute += Math.abs(est - count)
    if (sketch.getLowerBound(item) <= count && count <= sketch.getUpperBound(item)) boundsHeld++
  }
  const sketchTop = new Set(
    sketch
      .getFrequentItems("NO_FALSE_NEGATIVES")
      .slice(0, TOP)
      .map((r) => r.item),
  )
  const overlap = top.filter(([item]) => sketchTop.has(item)).length

  const rows: Array<ComparisonRow> = [
    ["updates/s (n = 10^6, best of 5 / 3)", mps(sketchMs), mps(mapMs)],
    [`merge ${PARTS} × 100k-update partials`, `${fmt(sketchMergeMs, 3)} ms`, `${fmt(mapMergeMs)} ms`],
    ["serialize (toBytes / JSON.stringify)", `${fmt(toBytesMs, 3)} ms`, `${fmt(stringifyMs)} ms`],
    ["deserialize (fromBytes / JSON.parse)", `${fmt(fromBytesMs, 3)} ms`, `${fmt(parseMs)} ms`],
    ["serialized size", `${fmt(bytes.length)} B`, `${fmt(jsonBytes)} B`],
    [
      "memory retained (heap + buffers, key strings shared)",
      `${fmt(sketchHeld.bytes / 1024)} KiB`,
      `${fmt(mapHeld.bytes / 1024)} KiB`,
    ],
    ["items kept", fmt(sketch.numActiveItems), fmt(exact.size)],
    [`top-${TOP}: max relative error`, `${fmt(maxRelative * 100, 3)} %`, "0 % (exact)"],
    [`top-${TOP}: mean absolute error`, fmt(sumAbsolute / TOP), "0"],
    [`top-${TOP}: true items in its top ${TOP}`, `${overlap} / ${TOP}`, `${TOP} / ${TOP}`],
    [`top-${TOP}: bounds hold`, `${boundsHeld} / ${TOP}`, "-"],
    [
      "max error (offset) / a-priori 3.5·n/2^10",
      `${fmt(sketch.maximumError)} / ${fmt(sketch.epsilon * N, 0)}`,
      "0",
    ],
  ]
  printComparison(
    `\nFrequent strings: Zipf(${ZIPF_EXPONENT}) over ${fmt(VOCABULARY)} words of 3-10 letters, n = ${fmt(N)}, ` +
      `${fmt(exact.size)} distinct seen, top item ${fmt(top[0][1])}×, node ${process.version}`,
    ["FrequentStringsSketch(10)", "Map<string, number>"],
    rows,
  )
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  runFrequentBench()
