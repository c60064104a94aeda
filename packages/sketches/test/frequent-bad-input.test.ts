import { readFileSync } from "node:fs"
import {
  FrequentLongsSketch,
  FrequentStringsSketch,
  SketchError,
  type SketchErrorReason,
} from "@sketchlog/sketches"
import { datasketchesVector } from "@sketchlog/test-fixtures"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { sketchError } from "./sketchError.js"

const vector = (dir: string, name: string): Uint8Array =>
  new Uint8Array(readFileSync(datasketchesVector(dir, name)))

const expectRejected = (bytes: Uint8Array, reason: SketchErrorReason, message: RegExp, longs = false) => {
  const e = sketchError(() =>
    longs ? FrequentLongsSketch.fromBytes(bytes) : FrequentStringsSketch.fromBytes(bytes),
  )
  expect(e.sketch).toBe("FrequentItems")
  expect(e.reason).toBe(reason)
  expect(e.message).toMatch(message)
  expect(e._tag).toBe("SketchError")
}

/** A valid little sketch to corrupt: three items "a" (5), "bb" (3), "ccc" (1), lgMax 6, lgCur 3. */
const valid = (): Uint8Array => {
  const s = new FrequentStringsSketch(6)
  s.update("a", 5)
  s.update("bb", 3)
  s.update("ccc", 1)
  return s.toBytes()
}
const patched = (bytes: Uint8Array, edit: (view: DataView, bytes: Uint8Array) => void): Uint8Array => {
  const copy = bytes.slice()
  edit(new DataView(copy.buffer), copy)
  return copy
}
const itemsStart = 32 + 3 * 8

describe("frequent-items sketches reject bad bytes with a SketchError naming the problem", () => {
  it("truncated: every proper prefix of real vectors, strings and longs", () => {
    const cases: Array<[Uint8Array, boolean]> = [
      [vector("wls", "fs_lgmax10_str_n1000_wls.sk"), false],
      [vector("cpp", "frequent_string_utf8_cpp.sk"), false],
      [vector("java", "frequent_long_n100000_java.sk"), true],
      [valid(), false],
    ]
    for (const [bytes, longs] of cases) {
      for (let end = 0; end < bytes.length; end++) {
        expectRejected(
          bytes.subarray(0, end),
          "Truncated",
          /needs bytes \d+\.\.\d+ but the input has \d+/,
          longs,
        )
      }
    }
    expectRejected(new Uint8Array(0), "Truncated", /preamble/)
  })

  it("oversized: trailing bytes after an empty or a full sketch", () => {
    const empty = new FrequentStringsSketch(10).toBytes()
    expectRejected(Uint8Array.of(...empty, 0), "Oversized", /empty sketch is 8 bytes, the input has 9/)
    expectRejected(Uint8Array.of(...valid(), 0, 0), "Oversized", /ends at byte \d+ but the input has \d+/)
    const longs = vector("java", "frequent_long_n10_java.sk")
    expectRejected(Uint8Array.of(...longs, 7), "Oversized", /ends at byte 192/, true)
  })

  it("wrong family, serial version or preamble size", () => {
    expectRejected(
      patched(valid(), (_, b) => {
        b[2] = 15
      }),
      "BadFamily",
      /family must be 10 \(frequent items\), got 15/,
    )
    expectRejected(
      patched(valid(), (_, b) => {
        b[1] = 2
      }),
      "BadVersion",
      /serVer must be 1, got 2/,
    )
    expectRejected(
      patched(valid(), (_, b) => {
        b[0] = 3
      }),
      "BadPreamble",
      /preLongs must be 4 for a non-empty sketch \(flags 0x0\), got 3/,
    )
    // An empty flag on a 4-long preamble, and a 1-long preamble without the flag.
    expectRejected(
      patched(valid(), (_, b) => {
        b[5] = 0x04
      }),
      "BadPreamble",
      /preLongs must be 1 for an empty sketch/,
    )
    expectRejected(Uint8Array.of(1, 1, 10, 10, 3, 0, 0, 0), "BadPreamble", /preLongs must be 4/)
  })

  it("map sizes: lgCur above lgMax, below 3, lgMax beyond what we allocate", () => {
    expectRejected(
      Uint8Array.of(1, 1, 10, 6, 7, 1, 0, 0),
      "BadPreamble",
      /lgCurMapSize must be in 3\.\.lgMaxMapSize \(6\), got 7/,
    )
    expectRejected(Uint8Array.of(1, 1, 10, 6, 2, 5, 0, 0), "BadPreamble", /lgCurMapSize .* got 2/)
    expectRejected(
      Uint8Array.of(1, 1, 10, 2, 2, 5, 0, 0),
      "BadPreamble",
      /lgMaxMapSize must be an integer in 3\.\.20, got 2/,
    )
    expectRejected(Uint8Array.of(1, 1, 10, 31, 3, 5, 0, 0), "BadPreamble", /lgMaxMapSize .* got 31/)
  })

  it("numActive beyond the capacity of the current map, or beyond the bytes", () => {
    expectRejected(
      patched(valid(), (v) => v.setUint32(8, 7, true)),
      "Corrupt",
      /numActive 7 exceeds the capacity 6 of a map with lgCurMapSize 3/,
    )
    expectRejected(
      patched(valid(), (v) => v.setUint32(8, 0xffffffff, true)),
      "Corrupt",
      /numActive 4294967295 exceeds the capacity/,
    )
    // Claims 5 items in a map that could hold them, but the weights are not there.
    const roomy = patched(valid(), (v, b) => {
      b[4] = 6
      v.setUint32(8, 40, true)
    })
    expectRejected(roomy, "Truncated", /weights of 40 items needs bytes 32\.\.352/)
  })

  it("item lengths that run past the end", () => {
    expectRejected(
      patched(valid(), (v) => v.setUint32(itemsStart, 0xffffffff, true)),
      "Truncated",
      /item 0 \(4294967295 bytes\) needs bytes/,
    )
    const one = new FrequentStringsSketch(6)
    one.update("abc")
    expectRejected(
      patched(one.toBytes(), (v) => v.setUint32(40, 4, true)),
      "Truncated",
      /item 0 \(4 bytes\) needs bytes 44\.\.48 but the input has 47/,
    )
  })

  it("invalid UTF-8: a stray continuation byte, an overlong form, an encoded surrogate", () => {
    for (const bad of [[0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff], [0xe2, 0x82]]) {
      const s = new FrequentStringsSketch(6)
      s.update("x".repeat(bad.length), 2)
      const bytes = s.toBytes()
      bytes.set(bad, 32 + 8 + 4)
      expectRejected(bytes, "Corrupt", /item 0 at byte 44 is not valid UTF-8/)
    }
  })

  it("invalid UTF-8 after ASCII items is named by its item; valid multi-byte items read back exactly", () => {
    const s = new FrequentStringsSketch(6)
    for (const item of ["plain", "also plain", "é", "日本語", "emoji 😀", "x"]) s.update(item, 2)
    const back = FrequentStringsSketch.fromBytes(s.toBytes())
    expect(
      back
        .getFrequentItems("NO_FALSE_NEGATIVES")
        .map((r) => r.item)
        .sort(),
    ).toEqual(["plain", "also plain", "é", "日本語", "emoji 😀", "x"].sort())
    // break the last item of a three-item sketch whose first two are ASCII
    const three = new FrequentStringsSketch(6)
    three.update("aa", 3)
    three.update("bb", 2)
    three.update("cc", 1)
    const bytes = three.toBytes()
    const view = new DataView(bytes.buffer)
    let at = 32 + 3 * 8
    for (let i = 0; i < 2; i++) at += 4 + view.getUint32(at, true)
    bytes[at + 4] = 0xc3 // a lead byte followed by an ASCII letter
    expectRejected(bytes, "Corrupt", new RegExp(`item 2 at byte ${at + 4} is not valid UTF-8`))
  })

  it("impossible contents: zero or huge weights, weights above the total, offset above the total, duplicates", () => {
    expectRejected(
      patched(valid(), (v) => v.setBigUint64(32, 0n, true)),
      "Corrupt",
      /weight 0 is 0; active items have positive weights/,
    )
    expectRejected(
      patched(valid(), (v) => v.setBigUint64(40, 2n ** 60n, true)),
      "Corrupt",
      /weight 1 is 1152921504606846976, beyond 2\^53/,
    )
    expectRejected(
      patched(valid(), (v) => v.setBigUint64(16, 8n, true)),
      "Corrupt",
      /the item weights add up to 9, more than totalWeight 8/,
    )
    expectRejected(
      patched(valid(), (v) => v.setBigUint64(24, 10n, true)),
      "Corrupt",
      /offset 10 exceeds totalWeight 9/,
    )
    const twice = new FrequentLongsSketch(6)
    twice.update(1n)
    twice.update(2n)
    const dup = patched(twice.toBytes(), (v) =>
      v.setBigInt64(32 + 16 + 8, v.getBigInt64(32 + 16, true), true),
    )
    expectRejected(dup, "Corrupt", /1 of 2 items are duplicates/, true)
  })

  it("random corruption of real vectors never escapes as anything but a SketchError, nor hangs", () => {
    const sources: Array<[Uint8Array, boolean]> = [
      [vector("wls", "fs_lgmax10_str_n10000_wls.sk"), false],
      [vector("java", "frequent_string_n1000_java.sk"), false],
      [vector("cpp", "frequent_string_utf8_cpp.sk"), false],
      [vector("cpp", "frequent_long_n1000_cpp.sk"), true],
    ]
    fc.assert(
      fc.property(
        fc.nat({ max: sources.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.option(fc.nat(), { nil: undefined }),
        (which, edits, cut) => {
          const [original, longs] = sources[which]
          let bytes = original.slice()
          for (const [pos, value] of edits) bytes[pos % bytes.length] = value
          if (cut !== undefined) bytes = bytes.subarray(0, cut % (bytes.length + 1))
          try {
            const s = longs ? FrequentLongsSketch.fromBytes(bytes) : FrequentStringsSketch.fromBytes(bytes)
            // Whatever decodes is a working sketch.
            s.toBytes()
            s.getFrequentItems("NO_FALSE_NEGATIVES")
          } catch (e) {
            if (!(e instanceof SketchError)) throw e
          }
        },
      ),
      { numRuns: 400 },
    )
  })

  it("rejects things that are not bytes, and non-string items", () => {
    expect(
      sketchError(() => FrequentStringsSketch.fromBytes([1, 1, 10] as unknown as Uint8Array)).reason,
    ).toBe("BadParameter")
    const s = new FrequentStringsSketch(6)
    expect(sketchError(() => s.update(42 as unknown as string)).message).toMatch(
      /items must be strings, got number/,
    )
    expect(s.isEmpty).toBe(true)
    expect(sketchError(() => s.toBytes({ layout: "python" as "standard" })).message).toMatch(/layout/)
  })
})
