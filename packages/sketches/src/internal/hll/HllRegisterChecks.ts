import { SketchError } from "../../SketchError.js"
import type { AuxHashMap } from "./AuxHashMap.js"
import type { Hll4Array } from "./Hll4Array.js"
import { type HllArray, INVERSE_POWERS_OF_2 } from "./HllArray.js"
import { AUX_TOKEN, KEY_BITS_26, KEY_MASK_26 } from "./HllPreamble.js"
import { scanHll4, type ValueScan } from "./HllRegisterScan.js"

/**
 * The checks of a decoded HLL array's registers against what the image says about them (kxq, curMin
 * and its count, the aux table), so that a corrupt image is refused before a sketch uses it.
 */

const corrupt = (message: string): SketchError => new SketchError("HLL", "Corrupt", message)

/**
 * kxq0 + kxq1 = Σ 2^-register is fully determined by the registers (and exact in a double, as
 * DataSketches keeps it), so a stored sum that disagrees is corruption that would poison every later
 * estimate and HIP step. The split is compared through the sum only: after a union rebuild the reference
 * books registers ≥ 32 as (2^-v − 1) in kxq1 and 1 in kxq0.
 */
export const checkKxq = (hll: HllArray, expected: number): void => {
  const stored = hll.kxq0 + hll.kxq1
  if (!(Math.abs(stored - expected) <= 1e-12 * expected)) {
    throw corrupt(`kxq registers (${hll.kxq0}, ${hll.kxq1}) do not match the registers (sum ${expected})`)
  }
}

/**
 * HLL_4: offsets + curMin within 0..63, tokens exactly where the aux table has entries, numAtCurMin exact.
 * One table-driven pass over the register bytes gives the counts; the aux table is checked entry by
 * entry (a token count equal to the entry count, and a token under every entry, means each token has its
 * entry). Returns Σ 2^-register. When that is inconclusive, `walkHll4` checks register by register.
 */
export const checkHll4 = (hll: Hll4Array, words: Uint32Array, aux: AuxHashMap | null): number => {
  const k = 1 << hll.lgConfigK
  const curMin = hll.curMin
  const scan = scanHll4(words)
  let consistent = scan.tokens === (aux === null ? 0 : aux.auxCount)
  let inverseSum = scan.inverseSum * INVERSE_POWERS_OF_2[curMin]!
  if (aux !== null) {
    const entries = aux.entries
    for (let e = 0; e < entries.length && consistent; e++) {
      const entry = entries[e]!
      if (entry === 0) continue
      const value = entry >>> KEY_BITS_26
      consistent =
        hll.getNibble(entry & KEY_MASK_26) === AUX_TOKEN && value >= curMin + AUX_TOKEN && value <= 63
      inverseSum += INVERSE_POWERS_OF_2[value & 63]!
    }
  }
  // the largest offset must still fit 63: only possible to break once curMin passes 49
  if (!consistent || (curMin + AUX_TOKEN - 1 > 63 && k - scan.zeros - scan.tokens > 0)) walkHll4(hll, aux)
  if (scan.zeros !== hll.numAtCurMin) {
    throw corrupt(`numAtCurMin is ${hll.numAtCurMin} but ${scan.zeros} registers sit at curMin ${curMin}`)
  }
  if (scan.zeros === 0) throw corrupt(`no HLL_4 register sits at curMin ${curMin}`)
  return inverseSum
}

/**
 * The register-by-register HLL_4 check (tokens against the aux table, offsets within 63, the token
 * count), run only when the scan in `checkHll4` is inconclusive, so that an error names the register.
 */
const walkHll4 = (hll: Hll4Array, aux: AuxHashMap | null): void => {
  const k = 1 << hll.lgConfigK
  const curMin = hll.curMin
  let tokens = 0
  for (let i = 0; i < k; i++) {
    if (hll.getNibble(i) !== AUX_TOKEN) continue
    tokens++
    const index = aux === null ? -1 : aux.find(i)
    if (index < 0) {
      throw corrupt(`HLL_4 register ${i} points into the aux table, which has no entry for it`)
    }
    const value = aux!.entries[index]! >>> KEY_BITS_26
    if (value < curMin + AUX_TOKEN || value > 63) {
      throw corrupt(
        `aux value ${value} of register ${i} does not fit curMin ${curMin} (needs ${curMin + AUX_TOKEN}..63)`,
      )
    }
  }
  if (curMin + AUX_TOKEN - 1 > 63) {
    for (let i = 0; i < k; i++) {
      const nibble = hll.getNibble(i)
      if (nibble !== AUX_TOKEN && nibble + curMin > 63) {
        throw corrupt(`HLL_4 register ${i} is ${nibble + curMin}, beyond 63`)
      }
    }
  }
  const auxCount = aux === null ? 0 : aux.auxCount
  if (tokens !== auxCount) {
    throw corrupt(`${tokens} HLL_4 registers use the aux table but it holds ${auxCount}`)
  }
}

/** Names the first register beyond 63 (run only once a scan has found one). */
export const explainValueOutOfRange = (values: Uint8Array, typeName: string): never => {
  const i = values.findIndex((v) => v > 63)
  throw corrupt(`${typeName} register ${i} is ${values[i]}, beyond 63`)
}

/** HLL_6/8: numAtCurMin consistent with curMin (0: the count of zeros), from the scan of the registers. */
export const checkHll68 = (hll: HllArray, scan: ValueScan): void => {
  const { zeros, min, atMin } = scan
  const ok = hll.curMin === 0 ? hll.numAtCurMin === zeros : hll.curMin === min && hll.numAtCurMin === atMin
  if (!ok) {
    throw corrupt(
      `curMin ${hll.curMin} with numAtCurMin ${hll.numAtCurMin} does not match the registers (${zeros} zeros, minimum ${min})`,
    )
  }
}
