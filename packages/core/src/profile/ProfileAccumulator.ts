import { DatasetProfileView } from "./DatasetProfileView.js"
import { ProfileTotal } from "./internal/ProfileTotal.js"
import { decodeProfile } from "./internal/wire/ProfileReader.js"
import { ProfileArgumentError } from "./ProfileError.js"

/**
 * Merges many profiles into one, in place: `add` each view (or `addBytes` each `.bin` file), then take
 * `view()`. The result is what `views.reduce((a, b) => a.merge(b))` gives — the same counts, moments,
 * HLL registers and frequent items, the KLL sketches merged the same way — but each column's sketches are
 * merged into one running HLL union, KLL and frequent-items sketch, instead of building a new view with
 * new sketches at every step. That is what makes merging thousands of stored profiles fast.
 *
 * ```ts
 * const total = new ProfileAccumulator()
 * for (const file of files) total.addBytes(await readFile(file))
 * const merged = total.view()
 * ```
 *
 * `add` is all or nothing: a profile that cannot be merged (embedding references that differ) throws
 * `ProfileArgumentError`, and bytes that are not a profile `ProfileFormatError`, leaving the accumulator
 * as it was. `view()` is a snapshot: adding more afterwards does not change it. One profile added gives
 * its columns back as they are.
 */
export class ProfileAccumulator {
  #total: ProfileTotal | undefined = undefined
  #count = 0

  /** How many profiles were added. */
  get count(): number {
    return this.#count
  }

  /** Merges a profile in. */
  add(view: DatasetProfileView): this {
    if (this.#total === undefined) this.#total = new ProfileTotal(view)
    else this.#total.add(view)
    this.#count++
    return this
  }

  /**
   * Reads whylogs v1 bytes (throwing `ProfileFormatError` when they are not a profile) and merges the
   * profile in. The bytes are taken over, not copied: the result may keep pieces of them, so do not
   * change them afterwards (bytes fresh from a file or a download are fine).
   */
  addBytes(bytes: Uint8Array): this {
    return this.add(new DatasetProfileView(decodeProfile(bytes, { takeOwnership: true })))
  }

  /** The merge of every profile added so far; throws `ProfileArgumentError` when none was. */
  view(): DatasetProfileView {
    if (this.#total === undefined) {
      throw new ProfileArgumentError({ argument: "ProfileAccumulator", reason: "no profile was added" })
    }
    return new DatasetProfileView(this.#total.content())
  }
}
