import { existsSync, readdirSync, readFileSync } from "node:fs"
import {
  type FrequentItemsErrorType,
  type FrequentItemsRow,
  FrequentLongsSketch,
  FrequentStringsSketch,
} from "@sketchlog/sketches"
import { datasketchesVector } from "@sketchlog/test-fixtures"
import { describe, expect, it } from "vitest"

/** What the reference C++ library printed for one vector file (`expected/<name>.txt`). */
interface Expected {
  readonly lgMax: number
  readonly lgCur: number
  readonly isEmpty: boolean
  readonly numActive: number
  readonly totalWeight: number
  readonly maximumError: number
  readonly epsilon: string
  /** How many rows each query returned, and the rows printed (the printer stops after 10). */
  readonly counts: Record<FrequentItemsErrorType, number>
  readonly rows: Record<FrequentItemsErrorType, Array<Row>>
}
type Row = { item: string; estimate: number; lowerBound: number; upperBound: number }

const parseExpected = (text: string): Expected => {
  const field = (key: string): string => {
    const m = new RegExp(`^${key.replace(/[()]/g, "\\$&")}: (.*)$`, "m").exec(text)
    if (m === null) throw new Error(`expected file has no ${key}`)
    return m[1]
  }
  const rows: Record<FrequentItemsErrorType, Array<Row>> = { NO_FALSE_POSITIVES: [], NO_FALSE_NEGATIVES: [] }
  const counts: Record<FrequentItemsErrorType, number> = { NO_FALSE_POSITIVES: 0, NO_FALSE_NEGATIVES: 0 }
  let current: Array<Row> | undefined
  for (const line of text.split("\n")) {
    const header = /^(NO_FALSE_POSITIVES|NO_FALSE_NEGATIVES) count=(\d+)$/.exec(line)
    if (header !== null) {
      current = rows[header[1] as FrequentItemsErrorType]
      counts[header[1] as FrequentItemsErrorType] = Number(header[2])
      continue
    }
    const row = /^ {2}item=("(.*)"|(-?\d+)) est=(\d+) lb=(\d+) ub=(\d+)$/.exec(line)
    if (row !== null && current !== undefined) {
      current.push({
        item: row[2] ?? row[3],
        estimate: Number(row[4]),
        lowerBound: Number(row[5]),
        upperBound: Number(row[6]),
      })
    }
  }
  return {
    lgMax: Number(field("lg_max_map_size")),
    lgCur: Number(field("lg_cur_map_size")),
    isEmpty: field("is_empty") === "1",
    numActive: Number(field("num_active")),
    totalWeight: Number(field("total_weight")),
    maximumError: Number(field("maximum_error(offset)")),
    epsilon: field("epsilon"),
    counts,
    rows,
  }
}

/** Ties in estimate come out in hash-table order, which differs by language: compare in one order. */
const canonical = (rows: ReadonlyArray<FrequentItemsRow<string | bigint>>): Array<Row> =>
  rows
    .map((r) => ({
      item: String(r.item),
      estimate: r.estimate,
      lowerBound: r.lowerBound,
      upperBound: r.upperBound,
    }))
    .sort((a, b) => b.estimate - a.estimate || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0))

type AnySketch = FrequentStringsSketch | FrequentLongsSketch

/** Every frequent-items vector: its directory, file name, and how to rebuild it from its recipe. */
interface Vector {
  readonly dir: string
  readonly name: string
  readonly longs: boolean
  readonly layout: "whylogs" | "standard"
  readonly rebuild: () => AnySketch
}

const recipe = (name: string): (() => AnySketch) => {
  const strings = /^frequent_string_n(\d+)_/.exec(name)
  if (strings) {
    return () => {
      const s = new FrequentStringsSketch(6)
      for (let i = 1; i <= Number(strings[1]); i++) s.update(String(i))
      return s
    }
  }
  const longs = /^frequent_long_n(\d+)_/.exec(name)
  if (longs) {
    return () => {
      const s = new FrequentLongsSketch(6)
      for (let i = 1; i <= Number(longs[1]); i++) s.update(i)
      return s
    }
  }
  if (name.startsWith("frequent_string_ascii_")) {
    return () => {
      const s = new FrequentStringsSketch(6)
      for (const [c, w] of [
        ["a", 1],
        ["b", 2],
        ["c", 3],
        ["d", 4],
      ] as const)
        s.update(c.repeat(29), w)
      return s
    }
  }
  if (name.startsWith("frequent_string_utf8_")) {
    return () => {
      const s = new FrequentStringsSketch(6)
      const items = ["абвгд", "еёжзи", "йклмн", "опрст", "уфхцч", "шщъыь", "эюя"]
      for (const [i, item] of items.entries()) s.update(item, i + 1)
      return s
    }
  }
  const wls = /^fs_lgmax10_str_n(\d+)_wls/.exec(name)
  if (wls) {
    return () => {
      const s = new FrequentStringsSketch(10)
      for (let i = 1; i <= Number(wls[1]); i++) s.update(String(i))
      return s
    }
  }
  if (name === "fs_lgmax10_double_n10_wls.sk") {
    return () => {
      const s = new FrequentStringsSketch(10)
      for (let i = 1; i <= 10; i++) s.update(i.toFixed(6)) // C's %f, as whylogs stringifies doubles
      return s
    }
  }
  throw new Error(`no recipe for ${name}`)
}

const vectors: Array<Vector> = ["cpp", "java", "go", "wls"].flatMap((dir) =>
  existsSync(datasketchesVector(dir))
    ? readdirSync(datasketchesVector(dir))
        .filter((name) => /^(frequent_|fs_).*\.sk$/.test(name))
        .sort()
        .map((name) => ({
          dir,
          name,
          longs: name.startsWith("frequent_long_"),
          layout: dir === "wls" ? ("whylogs" as const) : ("standard" as const),
          rebuild: recipe(name),
        }))
    : [],
)

const bytesOf = (v: Vector): Uint8Array => new Uint8Array(readFileSync(datasketchesVector(v.dir, v.name)))
const decode = (v: Vector): AnySketch =>
  v.longs ? FrequentLongsSketch.fromBytes(bytesOf(v)) : FrequentStringsSketch.fromBytes(bytesOf(v))
const expectedOf = (v: Vector): Expected =>
  parseExpected(readFileSync(datasketchesVector("expected", v.name.replace(/\.sk$/, ".txt")), "utf8"))

/** The (item, weight) pairs a serialization holds, in byte order, plus its totals. */
const contents = (bytes: Uint8Array, longs: boolean) => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (bytes[0] === 1) return { header: [...bytes.subarray(0, 8)], total: 0, offset: 0, pairs: [] }
  const n = view.getUint32(8, true)
  const pairs: Array<[string, number]> = []
  let pos = 32 + 8 * n
  for (let i = 0; i < n; i++) {
    const weight = Number(view.getBigUint64(32 + 8 * i, true))
    if (longs) {
      pairs.push([String(view.getBigInt64(pos, true)), weight])
      pos += 8
    } else {
      const len = view.getUint32(pos, true)
      pairs.push([new TextDecoder().decode(bytes.subarray(pos + 4, pos + 4 + len)), weight])
      pos += 4 + len
    }
  }
  return {
    header: [...bytes.subarray(0, 16)],
    total: Number(view.getBigUint64(16, true)),
    offset: Number(view.getBigUint64(24, true)),
    pairs,
  }
}
const sortedPairs = (pairs: Array<[string, number]>) => [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : 1))

describe("frequent-items vectors", () => {
  it("finds the vectors of every language (cpp, java, wls)", () => {
    const dirs = new Set(vectors.map((v) => v.dir))
    expect([...dirs].sort()).toEqual(["cpp", "java", "wls"])
    expect(vectors.length).toBe(42)
  })

  describe.each(vectors.map((v) => [`${v.dir}/${v.name}`, v] as const))("%s", (_, v) => {
    it("decodes to the values the reference library printed", () => {
      const sketch = decode(v)
      const exp = expectedOf(v)
      expect(sketch.lgMaxMapSize).toBe(exp.lgMax)
      expect(sketch.lgCurMapSize).toBe(exp.lgCur)
      expect(sketch.numActiveItems === 0).toBe(exp.isEmpty)
      expect(sketch.isEmpty).toBe(exp.isEmpty)
      expect(sketch.numActiveItems).toBe(exp.numActive)
      expect(sketch.totalWeight).toBe(exp.totalWeight)
      expect(sketch.maximumError).toBe(exp.maximumError)
      expect(String(Number(sketch.epsilon.toPrecision(6)))).toBe(exp.epsilon)
      for (const errorType of ["NO_FALSE_POSITIVES", "NO_FALSE_NEGATIVES"] as const) {
        const rows = sketch.getFrequentItems(errorType)
        expect(rows.length).toBe(exp.counts[errorType])
        if (exp.rows[errorType].length === exp.counts[errorType]) {
          expect(canonical(rows)).toEqual(canonical(exp.rows[errorType]))
        } else {
          // Only the first rows were printed: each of them must be among ours, with the same values.
          const ours = new Map(canonical(rows).map((r) => [r.item, r]))
          for (const row of exp.rows[errorType]) expect(ours.get(row.item)).toEqual(row)
        }
        for (let i = 1; i < rows.length; i++)
          expect(rows[i - 1].estimate).toBeGreaterThanOrEqual(rows[i].estimate)
      }
      for (const row of exp.rows.NO_FALSE_NEGATIVES) {
        const item = v.longs ? BigInt(row.item) : row.item
        const s = sketch as FrequentItemsLike
        expect([s.getEstimate(item), s.getLowerBound(item), s.getUpperBound(item)]).toEqual([
          row.estimate,
          row.lowerBound,
          row.upperBound,
        ])
      }
    })

    it("is re-created from its recipe with the same header, totals and (item, weight) contents", () => {
      const ours = v.rebuild().toBytes({ layout: v.layout })
      const theirs = bytesOf(v)
      const a = contents(ours, v.longs)
      const b = contents(theirs, v.longs)
      expect(a.header).toEqual(b.header)
      expect([a.total, a.offset]).toEqual([b.total, b.offset])
      expect(sortedPairs(a.pairs)).toEqual(sortedPairs(b.pairs))
      expect(ours.length).toBe(theirs.length)
      // With at most one item the byte order is forced: the files must match exactly.
      if (a.pairs.length <= 1) expect(ours).toEqual(theirs)
    })

    it("decodes and re-encodes to the same contents", () => {
      const again = decode(v).toBytes({ layout: v.layout })
      const a = contents(again, v.longs)
      const b = contents(bytesOf(v), v.longs)
      expect(a.header).toEqual(b.header)
      expect([a.total, a.offset]).toEqual([b.total, b.offset])
      expect(sortedPairs(a.pairs)).toEqual(sortedPairs(b.pairs))
    })
  })

  it("re-creates every Java file byte for byte (we hash and lay out the table as Java does)", () => {
    const java = vectors.filter((v) => v.dir === "java")
    expect(java.length).toBe(18)
    for (const v of java) expect(v.rebuild().toBytes({ layout: "standard" }), v.name).toEqual(bytesOf(v))
  })

  it("lays out long tables as C++ does: C++'s golden-ratio iterator over our table gives its byte order", () => {
    const cpp = vectors.filter((v) => v.dir === "cpp" && v.longs && !v.name.includes("_n0_"))
    expect(cpp.length).toBe(7)
    for (const v of cpp) {
      const sketch = v.rebuild() as FrequentLongsSketch
      // White-box: the table is internal; C++ iterates from the first active slot with a stride of
      // ⌊size · (√5 − 1)/2⌋ | 1, and std::hash<int64_t> is the identity, so its table equals ours.
      const map = Reflect.get(sketch, "map") as {
        mask: number
        weights: Float64Array
        numActive: number
        keys: { get(slot: number): bigint }
      }
      const stride = Math.trunc((map.mask + 1) * ((Math.sqrt(5) - 1) / 2)) | 1
      let slot = map.weights.findIndex((w) => w !== 0)
      const order: Array<string> = []
      for (let count = 0; count < map.numActive; count++) {
        if (count > 0) {
          do slot = (slot + stride) & map.mask
          while (map.weights[slot] === 0)
        }
        order.push(String(map.keys.get(slot)))
      }
      expect(order, v.name).toEqual(contents(bytesOf(v), true).pairs.map(([item]) => item))
    }
  })

  it("reproduces the manifest's (active, offset) pairs for lgMax 6 and the whylogs lgMax 10 purges", () => {
    const pairs: Array<[number, number, number]> = [
      [1, 1, 0],
      [10, 10, 0],
      [100, 2, 2],
      [1000, 20, 20],
      [10000, 4, 204],
      [100000, 40, 2040],
      [1000000, 8, 20408],
    ]
    for (const [n, active, offset] of pairs) {
      const s = new FrequentStringsSketch(6)
      for (let i = 1; i <= n; i++) s.update(String(i))
      expect([n, s.numActiveItems, s.maximumError]).toEqual([n, active, offset])
    }
    const w = new FrequentStringsSketch(10)
    for (let i = 1; i <= 1000; i++) w.update(String(i))
    expect([w.lgCurMapSize, w.numActiveItems, w.maximumError]).toEqual([10, 231, 1])
  })
})

/** The query surface both sketch classes share, with the item type erased for the loop above. */
interface FrequentItemsLike {
  getEstimate(item: string | bigint): number
  getLowerBound(item: string | bigint): number
  getUpperBound(item: string | bigint): number
}
