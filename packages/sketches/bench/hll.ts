/**
 * HLL: our HllSketch (lgK 12, HLL_4 — what whylogs uses) against what a JavaScript user picks today,
 * the `bloom-filters` package's HyperLogLog with 4096 registers (2^12, the same register count).
 * One run prints both side by side: updates/s on int64s, doubles and short strings; union and
 * serialization times; estimate error at n = 10^6 (and RMS error over 10 streams of 10^5); size.
 *
 * bloom-filters only hashes strings and buffers, so it gets `String(x)` for numbers (what a user would
 * write). Its update costs ~250 µs (its xxhashjs digest goes through `UINT64.toString(2)`), so its
 * throughput is timed on the first 2,000 items, and its n = 10^6 states are filled by a fast path that
 * applies its exact register rule to the same xxhashjs digests (checked register-for-register against
 * its own `update` on those items); every estimate is then its own `count()`. Pass `--full` to
 * feed it 10^6 items through its own `update` instead (minutes).
 *
 * Run alone: pnpm --filter @sketchlog/sketches exec tsx --conditions=@sketchlog/source bench/hll.ts
 */

import { createRequire } from "node:module"
import { pathToFileURL } from "node:url"
import { HllSketch, HllUnion } from "@sketchlog/sketches"
import bloom from "bloom-filters"
import { type ComparisonRow, fmt, printComparison } from "./internal/ComparisonTable.js"
import { bestOf } from "./internal/Timing.js"

const { HyperLogLog } = bloom
type BloomHll = InstanceType<typeof HyperLogLog>

const N = 1_000_000
const LG_K = 12
const REGISTERS = 1 << LG_K
const PARTS = 10
const BLOOM_TIMED = 2_000
const RMS_STREAMS = 10
const RMS_N = 100_000

/** bloom-filters' own hash function (its dependency), to replay its register rule at full speed. */
type Uint64Limbs = {
  readonly _a00: number
  readonly _a16: number
  readonly _a32: number
  readonly _a48: number
}
const xxh = createRequire(createRequire(import.meta.url).resolve("bloom-filters"))("xxhashjs") as {
  h64(input: string, seed: number): Uint64Limbs
}

/**
 * Best wall time of `runs` calls of `f`, in ms, both contenders in optimized code: calls for 250 ms
 * (at most 200) come before the timed ones.
 */
const warmBestOf = (runs: number, f: () => void): number => bestOf(runs, f, { millis: 250, maxCalls: 200 })

/** The three streams, as fresh values (strings built per item, like parsed request data). */
const ints = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i)
const doubles = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => (from + i) * 0.37 + 0.5)
const shortStrings = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `user-${from + i}`)

type Stream = {
  readonly name: string
  readonly values: (from: number, to: number) => Array<number> | Array<string>
  readonly feed: (s: HllSketch, values: ReadonlyArray<number | string>) => void
}

const STREAMS: ReadonlyArray<Stream> = [
  {
    name: "int64",
    values: ints,
    feed: (s, v) => {
      for (let i = 0; i < v.length; i++) s.updateInt64(v[i] as number)
    },
  },
  {
    name: "double",
    values: doubles,
    feed: (s, v) => {
      for (let i = 0; i < v.length; i++) s.updateDouble(v[i] as number)
    },
  },
  {
    name: "short string",
    values: shortStrings,
    feed: (s, v) => {
      for (let i = 0; i < v.length; i++) s.updateString(v[i] as string)
    },
  },
]

const ours = (stream: Stream, values: ReadonlyArray<number | string>) => {
  const s = new HllSketch(LG_K, "HLL_4")
  stream.feed(s, values)
  return s
}

/** bloom-filters' update, as a user calls it. */
const bloomUpdate = (h: BloomHll, values: ReadonlyArray<number | string>) => {
  for (let i = 0; i < values.length; i++) h.update(String(values[i]))
}

/**
 * bloom-filters' register rule on its own digest, without its binary-string detour: register = low 12
 * bits, value = leading zeros among the top 52 bits (51 when all are zero), kept if larger.
 */
const bloomFastUpdate = (h: BloomHll, values: ReadonlyArray<number | string>) => {
  const registers = h._registers
  const seed = h.seed
  for (let i = 0; i < values.length; i++) {
    const d = xxh.h64(String(values[i]), seed)
    const hi = ((d._a48 << 16) | d._a32) >>> 0
    const lo = ((d._a16 << 16) | d._a00) >>> 0
    const lz = hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo)
    const value = Math.min(lz, 51)
    const index = lo & (REGISTERS - 1)
    if (value > registers[index]!) registers[index] = value
  }
}

const rate = (count: number, ms: number) => {
  const perSecond = (count / ms) * 1000
  return perSecond >= 1e6 ? `${fmt(perSecond / 1e6)} M/s` : `${fmt(perSecond / 1e3, 1)} k/s`
}
const pct = (estimate: number, truth: number) => `${fmt(((estimate - truth) / truth) * 100, 3)} %`

/** bloom-filters state after `values`, through its own update() (--full) or the register-identical fast path. */
const bloomState = (values: ReadonlyArray<number | string>, full: boolean): BloomHll => {
  const h = new HyperLogLog(REGISTERS)
  if (full) bloomUpdate(h, values)
  else bloomFastUpdate(h, values)
  return h
}

/** Prints the comparison. */
export function runHllBench(): void {
  const full = process.argv.includes("--full")
  const rows: Array<ComparisonRow> = []
  let registersAgree = true
  const chunk = N / PARTS
  let ourParts: Array<HllSketch> = []
  let bloomParts: Array<BloomHll> = []

  for (const stream of STREAMS) {
    const values = stream.values(0, N)
    const ourMs = warmBestOf(5, () => ours(stream, values))
    const sketch = ours(stream, values)

    const head = values.slice(0, BLOOM_TIMED)
    const timed = new HyperLogLog(REGISTERS)
    const t0 = performance.now()
    bloomUpdate(timed, head)
    const bloomMs = performance.now() - t0
    const replayed = bloomState(head, false)._registers
    registersAgree &&= timed._registers.every((v, i) => v === replayed[i])

    let theirs: BloomHll
    if (stream === STREAMS[0]) {
      // the int64 stream also feeds the union: its 10^6 state is the merge of the 10 partial states
      ourParts = Array.from({ length: PARTS }, (_, p) =>
        ours(stream, values.slice(p * chunk, (p + 1) * chunk)),
      )
      bloomParts = Array.from({ length: PARTS }, (_, p) =>
        bloomState(values.slice(p * chunk, (p + 1) * chunk), full),
      )
      theirs = bloomParts.slice(1).reduce((acc, part) => acc.merge(part), bloomParts[0]!)
    } else {
      theirs = bloomState(values, full)
    }

    rows.push(
      [
        `${stream.name}: updates/s`,
        rate(N, ourMs),
        `${rate(BLOOM_TIMED, bloomMs)} (String(x), first ${fmt(BLOOM_TIMED)})`,
      ],
      [
        `${stream.name}: error at n = 10^6`,
        `${pct(sketch.estimate, N)} (1σ bounds ${pct(sketch.lowerBound(1), N)} .. ${pct(sketch.upperBound(1), N)})`,
        pct(theirs.count(), N),
      ],
    )
  }

  // Typical error: root mean square over independent streams (one stream's error is a single draw).
  const rms = (errors: ReadonlyArray<number>) =>
    Math.sqrt(errors.reduce((a, e) => a + e * e, 0) / errors.length)
  const ourErrors: Array<number> = []
  const bloomErrors: Array<number> = []
  for (let seed = 0; seed < RMS_STREAMS; seed++) {
    const values = Array.from({ length: RMS_N }, (_, i) => `s${seed}-${i}`)
    ourErrors.push(ours(STREAMS[2]!, values).estimate / RMS_N - 1)
    bloomErrors.push(bloomState(values, full).count() / RMS_N - 1)
  }
  rows.push([
    `RMS error, ${RMS_STREAMS} streams × ${fmt(RMS_N)} strings`,
    `${fmt(rms(ourErrors) * 100, 3)} %`,
    `${fmt(rms(bloomErrors) * 100, 3)} %`,
  ])

  // Union: the 10 partial int64 sketches (100k distinct items each) merged into one.
  let united = new HllSketch()
  const unionMs = warmBestOf(20, () => {
    const union = new HllUnion(LG_K)
    for (const part of ourParts) union.update(part)
    united = union.getResult("HLL_4")
  })
  let bloomUnited = bloomParts[0]!
  const bloomMergeMs = warmBestOf(20, () => {
    bloomUnited = bloomParts.slice(1).reduce((acc, part) => acc.merge(part), bloomParts[0]!)
  })
  rows.push(
    [
      `union of ${PARTS} × 100k-item sketches`,
      `${fmt(unionMs, 3)} ms`,
      `${fmt(bloomMergeMs, 3)} ms (merge chain)`,
    ],
    ["union result error (n = 10^6)", pct(united.estimate, N), pct(bloomUnited.count(), N)],
  )

  // Serialization of the n = 10^6 int64 sketches.
  const sketch = ours(STREAMS[0]!, STREAMS[0]!.values(0, N))
  let bytes = sketch.toCompactBytes()
  const toBytesMs = warmBestOf(50, () => {
    bytes = sketch.toCompactBytes()
  })
  const fromBytesMs = warmBestOf(50, () => HllSketch.fromBytes(bytes))
  let json = ""
  const stringifyMs = warmBestOf(50, () => {
    json = JSON.stringify(bloomUnited.saveAsJSON())
  })
  const parseMs = warmBestOf(50, () => HyperLogLog.fromJSON(JSON.parse(json)))
  rows.push(
    [
      "serialize (toCompactBytes / saveAsJSON+stringify)",
      `${fmt(toBytesMs * 1000, 1)} µs`,
      `${fmt(stringifyMs * 1000, 1)} µs`,
    ],
    [
      "deserialize (fromBytes / parse+fromJSON)",
      `${fmt(fromBytesMs * 1000, 1)} µs`,
      `${fmt(parseMs * 1000, 1)} µs`,
    ],
    [
      "serialized size",
      `${fmt(bytes.length)} B compact (${fmt(sketch.toUpdatableBytes().length)} B updatable)`,
      `${fmt(Buffer.byteLength(json))} B JSON`,
    ],
    ["registers", `${fmt(REGISTERS)} × 4 bits (+ aux exceptions)`, `${fmt(REGISTERS)} JS numbers`],
    [
      "a-priori relative std error",
      `${fmt((0.8325546 / 64) * 100, 2)} % (HIP)`,
      `${fmt((1.04 / 64) * 100, 2)} %`,
    ],
  )

  printComparison(
    `\nHLL: n = ${fmt(N)} distinct items per stream, lgK ${LG_K}, node ${process.version}; bloom-filters ` +
      (full
        ? "fed through its own update()"
        : `states at n = 10^6 via its register rule (same registers as its update() on the timed items: ${registersAgree ? "yes" : "NO"})`),
    ["HllSketch(12, HLL_4)", `bloom-filters HyperLogLog(${REGISTERS})`],
    rows,
  )
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) runHllBench()
