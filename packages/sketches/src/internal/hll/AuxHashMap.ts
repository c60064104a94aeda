import { SketchError } from "../../SketchError.js"
import { EMPTY, KEY_BITS_26, RESIZE_DENOM, RESIZE_NUMER } from "./HllPreamble.js"

/**
 * The HLL_4 exception table: slots whose value no longer fits the 4-bit register (value − curMin ≥ 15)
 * keep it here as `value << 26 | slot`. Open addressing with the DataSketches probe (start at
 * `slot & mask`, stride `(slot >> lgArr) | 1`), grown ×2 above 3/4 full — the same layout, so compact and
 * updatable images match the reference byte for byte.
 */
export class AuxHashMap {
  auxCount = 0
  constructor(
    readonly lgConfigK: number,
    public lgAuxArrInts: number,
    public entries: Int32Array = new Int32Array(1 << lgAuxArrInts),
  ) {}

  copy(): AuxHashMap {
    const map = new AuxHashMap(this.lgConfigK, this.lgAuxArrInts, this.entries.slice())
    map.auxCount = this.auxCount
    return map
  }

  /** Index of `slotNo` in `entries` if present, else `~index` of the empty entry where it belongs. */
  find(slotNo: number): number {
    return findIn(this.entries, this.lgAuxArrInts, this.lgConfigK, slotNo)
  }

  /** Adds an exception that must not be present yet. */
  mustAdd(slotNo: number, value: number): void {
    const index = this.find(slotNo)
    if (index >= 0) throw corrupt(`aux map already holds slot ${slotNo}`)
    this.entries[~index] = (value << KEY_BITS_26) | slotNo
    this.auxCount++
    if (RESIZE_DENOM * this.auxCount > RESIZE_NUMER * (1 << this.lgAuxArrInts)) this.grow()
  }

  /** The value of an exception that must be present. */
  mustFindValueFor(slotNo: number): number {
    const index = this.find(slotNo)
    if (index < 0) throw corrupt(`aux map has no entry for slot ${slotNo}`)
    return this.entries[index]! >>> KEY_BITS_26
  }

  /** Replaces the value of an exception that must be present. */
  mustReplace(slotNo: number, value: number): void {
    const index = this.find(slotNo)
    if (index < 0) throw corrupt(`aux map has no entry for slot ${slotNo}`)
    this.entries[index] = (value << KEY_BITS_26) | slotNo
  }

  private grow(): void {
    const old = this.entries
    this.lgAuxArrInts++
    const next = new Int32Array(1 << this.lgAuxArrInts)
    const configKmask = (1 << this.lgConfigK) - 1
    for (let i = 0; i < old.length; i++) {
      const fetched = old[i]!
      if (fetched !== EMPTY)
        next[~findIn(next, this.lgAuxArrInts, this.lgConfigK, fetched & configKmask)] = fetched
    }
    this.entries = next
  }
}

/** The aux map probe over a raw table (shared with the decoder, which checks a table it did not build). */
export const findIn = (
  entries: Int32Array,
  lgAuxArrInts: number,
  lgConfigK: number,
  slotNo: number,
): number => {
  const auxArrMask = (1 << lgAuxArrInts) - 1
  const configKmask = (1 << lgConfigK) - 1
  let probe = slotNo & auxArrMask
  const loopIndex = probe
  do {
    const arrVal = entries[probe]!
    if (arrVal === EMPTY) return ~probe
    if (slotNo === (arrVal & configKmask)) return probe
    const stride = (slotNo >>> lgAuxArrInts) | 1
    probe = (probe + stride) & auxArrMask
  } while (probe !== loopIndex)
  throw corrupt(`aux map is full and has no entry for slot ${slotNo}`)
}

/** An aux-map invariant broke: only reachable from inconsistent input, so it is reported as corrupt data. */
const corrupt = (message: string): SketchError => new SketchError("HLL", "Corrupt", message)
