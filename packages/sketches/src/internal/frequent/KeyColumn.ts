/**
 * The keys of a reverse-purge hash map, stored column-wise by slot. The map itself only knows
 * weights and hashes; a column knows how one item type is stored and compared. Lookups work on a
 * "staged" key (set by `stage`) so the hot loop passes no key objects around: stage once, then probe.
 *
 * `T` is the item type a column gives back, `In` what it accepts (a long column takes numbers or
 * bigints and gives bigints).
 */
export interface KeyColumn<T, In> {
  /** Stages `item` for the next `matchesStaged`/`storeStaged` and returns its slot hash. */
  stage(item: In): number
  /** Stages the key held in `slot` of another column of the same kind. */
  stageFrom(source: this, slot: number): void
  /** Whether `slot` holds the staged key. */
  matchesStaged(slot: number): boolean
  /** Writes the staged key into `slot`. */
  storeStaged(slot: number): void
  /** Moves the key in `from` to `to` and clears `from`. */
  move(from: number, to: number): void
  /** Forgets the key in `slot` (so the garbage collector can reclaim it). */
  clear(slot: number): void
  /** Copies the key in `slot` of `source` into `to` of this column (used when the map grows). */
  copyFrom(source: this, slot: number, to: number): void
  /** The item stored in `slot`. */
  get(slot: number): T
  /** A new, empty column of the same kind with `size` slots. */
  withSize(size: number): this
}
