import { ByteReader } from "../internal/ByteReader.js"
import {
  FULL_PREAMBLE_BYTES,
  LG_MIN_MAP_SIZE,
  readPreamble,
  readWeights,
} from "../internal/frequent/FrequentItemsPreamble.js"
import { decodeStringItems, encodeStringItems } from "../internal/frequent/StringItemCodec.js"
import { StringKeyColumn } from "../internal/frequent/StringKeyColumn.js"
import { SketchError } from "../SketchError.js"
import type { FrequentItemsSerialLayout } from "./FrequentItemsSerialLayout.js"
import { type EncodedItems, FrequentItemsSketch } from "./FrequentItemsSketch.js"

/**
 * Frequent strings (heavy hitters) with guaranteed error bounds, byte-compatible with Apache
 * DataSketches' `frequent_items_sketch<std::string>` / Java `FrequentItemsSketch<String>` and with
 * the `frequent_items/frequent_strings` metric of whylogs profiles (which use lgMaxMapSize 10).
 *
 * ```ts
 * const sketch = new FrequentStringsSketch(10)
 * for (const word of words) sketch.update(word)
 * sketch.getFrequentItems("NO_FALSE_POSITIVES") // [{ item, estimate, lowerBound, upperBound }, …]
 * ```
 *
 * Items are compared as JavaScript strings; cutting long strings (whylogs keeps 128 characters)
 * is the caller's job.
 */
export class FrequentStringsSketch extends FrequentItemsSketch<string, string> {
  protected readonly defaultLayout: FrequentItemsSerialLayout = "whylogs"

  /**
   * @param lgMaxMapSize log2 of the largest table (3..20); the sketch keeps up to 0.75 · 2^lgMax
   *   counters and its error is at most 3.5 / 2^lgMax of the total weight. whylogs uses 10.
   * @param lgStartMapSize log2 of the first table (default 3), as in DataSketches C++.
   */
  constructor(lgMaxMapSize: number, lgStartMapSize: number = LG_MIN_MAP_SIZE) {
    super(lgMaxMapSize, lgStartMapSize, new StringKeyColumn(0))
  }

  /**
   * Reads a sketch written by us, DataSketches C++/Java/Python or whylogs (empty flags 0x01 or 0x05).
   * Throws `SketchError` naming the problem on malformed input.
   */
  static fromBytes(bytes: Uint8Array): FrequentStringsSketch {
    if (!(bytes instanceof Uint8Array)) {
      throw new SketchError("FrequentItems", "BadParameter", "fromBytes needs a Uint8Array")
    }
    const r = new ByteReader(bytes, "FrequentItems")
    const pre = readPreamble(r)
    const sketch = new FrequentStringsSketch(pre.lgMaxMapSize, pre.lgCurMapSize)
    if (pre.empty) return sketch
    const weights = readWeights(r, pre)
    const { items, end } = decodeStringItems(r, FULL_PREAMBLE_BYTES + 8 * pre.numActive, pre.numActive)
    if (end !== bytes.length) {
      throw new SketchError(
        "FrequentItems",
        "Oversized",
        `the sketch ends at byte ${end} but the input has ${bytes.length} bytes`,
      )
    }
    sketch.restore(pre, items, weights)
    return sketch
  }

  protected encodeItems(slots: Int32Array): EncodedItems {
    const items = new Array<string>(slots.length)
    for (let i = 0; i < slots.length; i++) items[i] = this.map.keys.get(slots[i])
    return encodeStringItems(items)
  }
}
