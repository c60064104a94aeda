import { Effect } from "effect"
import { DatasetProfileView } from "../../profile/DatasetProfileView.js"
import { ProfileAccumulator } from "../../profile/ProfileAccumulator.js"
import type { ProfileStore } from "../ProfileStore.js"
import type { MergedProfile, MergeWindow } from "../readMergedProfiles.js"
import { addStoredProfile } from "../readStoredProfile.js"
import type { StoredProfile } from "../StoredProfile.js"
import type { StoreError } from "../StoreError.js"
import { REPLACES_METADATA, withReplacedNames } from "../Supersession.js"

const HOUR = 3_600_000
const DAY = 24 * HOUR

const windowStart = (timestamp: number, window: MergeWindow): number =>
  window === "hour"
    ? Math.floor(timestamp / HOUR) * HOUR
    : window === "day"
      ? Math.floor(timestamp / DAY) * DAY
      : timestamp

/** One output: a running total while objects come, its merged bytes once the listing is past it. */
interface Output {
  readonly datasetId: string
  /** For `"all"`: the earliest bucket merged so far. */
  timestamp: number
  readonly segment: string | undefined
  /** Listing position of its last object. */
  readonly last: number
  total: ProfileAccumulator | undefined
  /** The merge, serialized, once closed. */
  bytes: Uint8Array | undefined
  objects: number
  readonly replicas: Set<string>
}

/**
 * The outputs of `readMergedProfiles`, one per dataset, window and segment. Each is a running total
 * (one running sketch per column) while its objects come, and is closed — its merge taken and kept as
 * its serialized bytes, decoded again only when queried — once the listing is past its last object.
 * A running total of a 20-column profile holds about 0.7 MB (sketches with room to grow), its bytes a
 * third of that: with the listing in key order only the outputs of the current partition are open,
 * so memory does not grow with the objects merged into each output.
 */
export class MergeOutputs {
  readonly #outputs = new Map<string, Output>()
  readonly #open = new Set<Output>()
  /** Listing position of each output's last object. */
  readonly #last = new Map<string, number>()

  constructor(
    readonly store: ProfileStore,
    readonly window: MergeWindow,
    readonly mergeSegments: boolean,
    listing: ReadonlyArray<StoredProfile>,
  ) {
    listing.forEach((profile, i) => {
      this.#last.set(this.#idOf(profile), i)
    })
  }

  #idOf(profile: StoredProfile): string {
    const segment = this.mergeSegments ? "" : (profile.segment ?? "")
    const start = this.window === "all" ? 0 : windowStart(profile.timestamp, this.window)
    return `${profile.datasetId}\u0000${start}\u0000${segment}`
  }

  #outputOf(profile: StoredProfile): Output {
    const id = this.#idOf(profile)
    const found = this.#outputs.get(id)
    if (found !== undefined) return found
    const output: Output = {
      datasetId: profile.datasetId,
      timestamp:
        this.window === "all" ? Number.POSITIVE_INFINITY : windowStart(profile.timestamp, this.window),
      segment: this.mergeSegments ? undefined : profile.segment,
      last: this.#last.get(id) ?? Number.POSITIVE_INFINITY,
      total: new ProfileAccumulator(),
      bytes: undefined,
      objects: 0,
      replicas: new Set(),
    }
    this.#outputs.set(id, output)
    this.#open.add(output)
    return output
  }

  /**
   * Decodes (when still bytes) and merges one listed object into its output; all or nothing (a
   * `StoreError` with reason `unreadable` leaves the output as it was).
   */
  add(profile: StoredProfile, content: DatasetProfileView | Uint8Array): Effect.Effect<void, StoreError> {
    const output = this.#outputOf(profile)
    const total = output.total ?? new ProfileAccumulator()
    output.total = total
    return Effect.map(addStoredProfile(this.store, profile.key, total, content), () => {
      output.objects++
      if (this.window === "all") output.timestamp = Math.min(output.timestamp, profile.timestamp)
      output.replicas.add(profile.replica ?? "local")
    })
  }

  /** Closes every output whose objects all lie at or before listing position `position`. */
  passed(position: number): void {
    for (const output of this.#open) if (output.last <= position) this.#close(output)
  }

  #close(output: Output): void {
    this.#open.delete(output)
    const total = output.total
    output.total = undefined
    if (total === undefined || total.count === 0) return
    let view = total.view()
    if (view.metadata[REPLACES_METADATA] !== undefined) view = withReplacedNames(view, [])
    // The running sketches have room to grow, and a decoded view holds more than its bytes (about
    // 650 kB against 250 kB for 20 columns): the bytes are kept and decoded when first asked for.
    output.bytes = view.serialize()
  }

  /** Every output with at least one object, sorted by dataset, time and segment (closing the rest). */
  results(): MergedProfile[] {
    for (const output of this.#open) this.#close(output)
    const out: MergedProfile[] = []
    for (const o of this.#outputs.values()) {
      if (o.bytes === undefined) continue
      out.push(new ClosedOutput(o.datasetId, o.timestamp, o.segment, o.bytes, o.objects, o.replicas))
    }
    return out.sort(
      (a, b) =>
        compare(a.datasetId, b.datasetId) ||
        a.timestamp - b.timestamp ||
        compare(a.segment ?? "", b.segment ?? ""),
    )
  }
}

/** A merged profile kept as its bytes until its view is first asked for. */
class ClosedOutput implements MergedProfile {
  readonly replicas: ReadonlyArray<string>
  #bytes: Uint8Array | undefined
  #view: DatasetProfileView | undefined

  constructor(
    readonly datasetId: string,
    readonly timestamp: number,
    readonly segment: string | undefined,
    bytes: Uint8Array,
    readonly objects: number,
    replicas: ReadonlySet<string>,
  ) {
    this.#bytes = bytes
    this.replicas = Array.from(replicas).sort()
  }

  get view(): DatasetProfileView {
    if (this.#view === undefined) {
      this.#view = DatasetProfileView.deserialize(this.#bytes as Uint8Array)
      this.#bytes = undefined
    }
    return this.#view
  }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
