import { readFileSync } from "node:fs"
import { whylogsVector } from "@sketchlog/test-fixtures"
import { describe, expect, it } from "vitest"
import { compareCodePoints } from "../src/profile/CodePointOrder.js"
import { inferColumnType, metricsForType, ProfileSegment, segmentText } from "../src/profile/index.js"
import { cutItem, doubleText, integerText } from "../src/profile/internal/ItemText.js"
import { isTensor, MAX_TENSOR_DEPTH } from "../src/profile/internal/TensorShape.js"

describe("frequent-item text (C++ std::to_string as whylogs-sketching uses it)", () => {
  it("writes integers as %lld", () => {
    expect(integerText(1)).toBe("1")
    expect(integerText(-1000)).toBe("-1000")
    expect(integerText(-0)).toBe("0")
    expect(integerText(2 ** 62)).toBe("4611686018427387904")
  })

  it("writes doubles as %f with six decimals", () => {
    expect(doubleText(2.5)).toBe("2.500000")
    expect(doubleText(1.0000005)).toBe("1.000001")
    expect(doubleText(-0.1)).toBe("-0.100000")
    expect(doubleText(-1e-9)).toBe("-0.000000")
    expect(doubleText(-0)).toBe("-0.000000")
    expect(doubleText(Number.POSITIVE_INFINITY)).toBe("inf")
    expect(doubleText(Number.NEGATIVE_INFINITY)).toBe("-inf")
    expect(doubleText(Number.NaN)).toBe("nan")
    expect(doubleText(1e21)).toBe("1000000000000000000000.000000")
    expect(doubleText(-1.5e300).startsWith("-15000000000000000")).toBe(true)
    expect(doubleText(-1.5e300).endsWith(".000000")).toBe(true)
  })

  it("rounds exact ties to even as C does, not away from zero as toFixed does", () => {
    // 1/128 = 0.0078125 exactly: printf("%f") gives 0.007812, toFixed(6) gives 0.007813.
    expect(doubleText(1 / 128)).toBe("0.007812")
    expect(doubleText(3 / 128)).toBe("0.023438")
    expect(doubleText(-1 / 128)).toBe("-0.007812")
    expect(doubleText(5 + 1 / 128)).toBe("5.007812")
    expect(doubleText(7 / 128)).toBe("0.054688")
  })

  it("cuts strings at 128 code points, keeping surrogate pairs whole", () => {
    expect(cutItem("short")).toBe("short")
    expect(cutItem("x".repeat(200))).toBe("x".repeat(128))
    const emoji = "😀".repeat(200)
    expect(cutItem(emoji)).toBe("😀".repeat(128))
    expect(cutItem(emoji).length).toBe(256)
    const lone = "\ud800".repeat(130)
    expect(cutItem(lone)).toBe("\ud800".repeat(128))
    const mixed = `${"a".repeat(127)}😀tail`
    expect(cutItem(mixed)).toBe(`${"a".repeat(127)}😀`)
  })
})

describe("type inference (whylogs' type mapper applied to the first non-null value)", () => {
  it("maps JavaScript values to whylogs types", () => {
    expect(inferColumnType(1)).toBe("integral")
    expect(inferColumnType(1.0)).toBe("integral")
    expect(inferColumnType(-0)).toBe("integral")
    expect(inferColumnType(true)).toBe("integral")
    expect(inferColumnType(12n)).toBe("integral")
    expect(inferColumnType(2n ** 64n)).toBe("any")
    expect(inferColumnType(1.5)).toBe("fractional")
    expect(inferColumnType(Number.NaN)).toBe("fractional")
    expect(inferColumnType(Number.POSITIVE_INFINITY)).toBe("fractional")
    expect(inferColumnType(2 ** 63)).toBe("fractional")
    expect(inferColumnType("x")).toBe("string")
    expect(inferColumnType(null)).toBeUndefined()
    expect(inferColumnType(undefined)).toBeUndefined()
    expect(inferColumnType(new Date())).toBe("any")
    expect(inferColumnType([1, 2])).toBe("any")
    expect(inferColumnType({})).toBe("any")
    expect(inferColumnType(Symbol("s"))).toBe("any")
    expect(inferColumnType(() => 1)).toBe("any")
  })

  it("gives each type whylogs' standard metric set", () => {
    expect(metricsForType("integral")).toEqual([
      "cardinality",
      "counts",
      "distribution",
      "frequent_items",
      "ints",
      "types",
    ])
    expect(metricsForType("fractional")).toEqual(["cardinality", "counts", "distribution", "types"])
    expect(metricsForType("string")).toEqual([
      "cardinality",
      "counts",
      "distribution",
      "frequent_items",
      "types",
    ])
    expect(metricsForType("any")).toEqual(["counts", "types"])
  })

  it("recognises tensors as numpy would build a numeric ndarray", () => {
    expect(isTensor([1, 2, 3])).toBe(true)
    expect(
      isTensor([
        [1, 2],
        [3, 4],
      ]),
    ).toBe(true)
    expect(isTensor(new Float32Array(3))).toBe(true)
    expect(isTensor([1n, 2n])).toBe(true)
    expect(isTensor(new Float32Array(0))).toBe(false)
    expect(isTensor(new DataView(new ArrayBuffer(4)))).toBe(false)
    expect(isTensor([])).toBe(false)
    expect(isTensor([[1, 2], [3]])).toBe(false)
    expect(isTensor([true, false])).toBe(false)
    expect(isTensor([1, "2"])).toBe(false)
    expect(isTensor([[]])).toBe(false)
    // biome-ignore lint/suspicious/noSparseArray: a hole is not a number
    expect(isTensor([1, , 3])).toBe(false)
  })

  it("stops on self-containing and very deep arrays", () => {
    const cyclic: unknown[] = []
    cyclic.push(cyclic)
    expect(isTensor(cyclic)).toBe(false)
    let deep: unknown = [1]
    for (let i = 0; i < MAX_TENSOR_DEPTH + 5; i++) deep = [deep]
    expect(isTensor(deep as object)).toBe(false)
  })
})

describe("segments", () => {
  it("computes whylogs' partition id and segp metadata", () => {
    const manifest = JSON.parse(readFileSync(whylogsVector("manifest.json"), "utf8")) as {
      profiles: Array<{ partition_id?: string }>
    }
    const expected = manifest.profiles.find((p) => p.partition_id !== undefined)?.partition_id
    const segment = new ProfileSegment(["category"], ["A"])
    expect(segment.partitionId).toBe(expected)
    expect(segment.metadata).toEqual({ segp_id: expected, segp_name: "category", segp_col: "category" })
    expect(segment.tags).toEqual([{ key: "whylogs.tag.category", value: "A" }])
    const two = new ProfileSegment(["route", "status"], ["/a", "200"])
    expect(two.metadata.segp_cols).toBe("(route)(status)")
    expect(two.metadata.segp_name).toBe("route,status")
  })

  it("spells segment values as Python's str() does", () => {
    expect(segmentText("A")).toBe("A")
    expect(segmentText(200)).toBe("200")
    expect(segmentText(2.5)).toBe("2.5")
    expect(segmentText(true)).toBe("True")
    expect(segmentText(null)).toBe("None")
    expect(segmentText(undefined)).toBe("None")
    expect(segmentText(Number.NaN)).toBe("nan")
    expect(segmentText(10n)).toBe("10")
    expect(segmentText("x".repeat(1000)).length).toBe(128)
  })
})

describe("name order", () => {
  it("sorts by code point as Python does", () => {
    const names = ["b", "a", "\uffff", "😀", "A", ""]
    expect(names.slice().sort(compareCodePoints)).toEqual(["", "A", "a", "b", "\uffff", "😀"])
    expect(compareCodePoints("abc", "abc")).toBe(0)
    expect(compareCodePoints("ab", "abc")).toBeLessThan(0)
  })
})
