/**
 * How a frequent-items sketch is written. The two differ only for an empty sketch, in the flags byte:
 * - `"whylogs"`: flags 0x01, what whylogs v1 embeds in `.bin` profiles;
 * - `"standard"`: flags 0x05, what Apache DataSketches C++ and Java write.
 *
 * Readers of either (ours, upstream, whylogs) test bit 0 or bit 2, so both are read everywhere.
 */
export type FrequentItemsSerialLayout = "whylogs" | "standard"

/** Options of `toBytes` on the frequent-items sketches. */
export interface FrequentItemsBytesOptions {
  /** Defaults to `"whylogs"` for strings (profiles embed them) and `"standard"` for longs. */
  readonly layout?: FrequentItemsSerialLayout
}
