import { ByteReader } from "../internal/ByteReader.js"
import {
  FULL_PREAMBLE_BYTES,
  LG_MIN_MAP_SIZE,
  readPreamble,
  readWeights,
} from "../internal/frequent/FrequentItemsPreamble.js"
import { type LongItem, LongKeyColumn } from "../internal/frequent/LongKeyColumn.js"
import { SketchError } from "../SketchError.js"
import type { FrequentItemsSerialLayout } from "./FrequentItemsSerialLayout.js"
import { type EncodedItems, FrequentItemsSketch } from "./FrequentItemsSketch.js"

/**
 * Frequent int64 items with guaranteed error bounds, byte-compatible with Apache DataSketches Java's
 * `FrequentLongsSketch` and C++'s `frequent_items_sketch<int64_t>` (items serialized as int64, 8 bytes
 * little-endian). `update` takes bigints or safe-integer numbers; results give items as bigints.
 */
export class FrequentLongsSketch extends FrequentItemsSketch<bigint, LongItem> {
  protected readonly defaultLayout: FrequentItemsSerialLayout = "standard"

  /**
   * @param lgMaxMapSize log2 of the largest table (3..20); the sketch keeps up to 0.75 · 2^lgMax
   *   counters and its error is at most 3.5 / 2^lgMax of the total weight.
   * @param lgStartMapSize log2 of the first table (default 3), as in DataSketches C++.
   */
  constructor(lgMaxMapSize: number, lgStartMapSize: number = LG_MIN_MAP_SIZE) {
    super(lgMaxMapSize, lgStartMapSize, new LongKeyColumn(0))
  }

  /** Reads a sketch written by us or DataSketches; throws `SketchError` naming the problem. */
  static fromBytes(bytes: Uint8Array): FrequentLongsSketch {
    if (!(bytes instanceof Uint8Array)) {
      throw new SketchError("FrequentItems", "BadParameter", "fromBytes needs a Uint8Array")
    }
    const r = new ByteReader(bytes, "FrequentItems")
    const pre = readPreamble(r)
    const sketch = new FrequentLongsSketch(pre.lgMaxMapSize, pre.lgCurMapSize)
    if (pre.empty) return sketch
    const weights = readWeights(r, pre)
    const start = FULL_PREAMBLE_BYTES + 8 * pre.numActive
    r.need(start, 8 * pre.numActive, `${pre.numActive} items`)
    const end = start + 8 * pre.numActive
    if (end !== bytes.length) {
      throw new SketchError(
        "FrequentItems",
        "Oversized",
        `the sketch ends at byte ${end} but the input has ${bytes.length} bytes`,
      )
    }
    const items = new Array<bigint>(pre.numActive)
    for (let i = 0; i < items.length; i++) items[i] = r.i64(start + 8 * i, `item ${i}`)
    sketch.restore(pre, items, weights)
    return sketch
  }

  protected encodeItems(slots: Int32Array): EncodedItems {
    const keys = this.map.keys as LongKeyColumn
    return {
      byteLength: 8 * slots.length,
      write(_bytes, view, start) {
        for (let i = 0; i < slots.length; i++) {
          view.setInt32(start + 8 * i, keys.lo[slots[i]], true)
          view.setInt32(start + 8 * i + 4, keys.hi[slots[i]], true)
        }
      },
    }
  }
}
